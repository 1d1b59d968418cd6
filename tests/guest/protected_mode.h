/* The 32-bit protected-mode test environment, header only (a program is one C file
 * next to multiboot_entry.S): a GDT of its own with ring-0 and ring-3 flat segments, a
 * 32-bit TSS with SS0:ESP0 and an I/O permission bitmap, an IDT of 32-bit interrupt
 * gates whose stubs call C handlers with the frame (checks: guest.h). Paging stays
 * off, so ring-3 code may be any function of the program. */
#pragma once
#include <stdint.h>

#include "guest.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define SEL_TSS 0x28
#define GDT_FREE 6 /* first GDT slot a program may fill (pm_set_gdt) */
#define GDT_SLOTS 12

#define EFLAGS_IF 0x200u
#define EFLAGS_IOPL3 0x3000u

/* What pm_isr_common saved; a handler may change any field (EIP, EFLAGS, registers...)
 * and the IRET at the end uses it. ESP and SS are there only when the event came from an
 * outer privilege level. */
struct frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags, esp, ss;
};

typedef void (*handler_fn)(struct frame*);
static handler_fn pm_handlers[256];
static uint64_t pm_gdt[GDT_SLOTS] __attribute__((aligned(8)));
static uint64_t pm_idt[256] __attribute__((aligned(8)));
/* 104 bytes of TSS, then the I/O bitmap (65536 ports) and its closing 0xff byte. */
#define TSS_IOMAP 104
static uint8_t pm_tss[TSS_IOMAP + 8192 + 1] __attribute__((aligned(16)));
static uint8_t pm_esp0_stack[8192] __attribute__((aligned(16)));
#define PM_ESP0 ((uint32_t)(pm_esp0_stack + sizeof pm_esp0_stack))
static volatile uint32_t pm_last_frame; /* address of the last frame's saved EIP */

static inline __attribute__((noreturn)) void pm_pass(const char* marker) {
    put_str(marker);
    put_str("\n");
    guest_exit(GUEST_PASS);
}

/* A segment descriptor: base, limit (in bytes, or 4 KiB units with G), access byte
 * (P, DPL, S, type) and flags (G, D/B). */
static inline uint64_t pm_descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
    return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)access << 40) |
           ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)(flags & 0xf) << 52) | ((uint64_t)(base >> 24) << 56);
}

/* An 8-byte gate: type 0xe (32-bit interrupt gate), 0xc (32-bit call gate), ... */
static inline uint64_t pm_gate(uint16_t sel, uint32_t offset, uint8_t type, unsigned dpl, unsigned params) {
    return (offset & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)(params & 31) << 32) | ((uint64_t)type << 40) |
           ((uint64_t)dpl << 45) | (1ull << 47) | ((uint64_t)(offset >> 16) << 48);
}

static inline uint16_t read_cs(void) { uint16_t v; __asm__ volatile("mov %%cs, %0" : "=r"(v)); return v; }
static inline uint16_t read_ss(void) { uint16_t v; __asm__ volatile("mov %%ss, %0" : "=r"(v)); return v; }
static inline uint16_t read_ds(void) { uint16_t v; __asm__ volatile("mov %%ds, %0" : "=r"(v)); return v; }
static inline uint32_t read_esp(void) { uint32_t v; __asm__ volatile("mov %%esp, %0" : "=r"(v)); return v; }
static inline uint32_t read_eflags(void) { uint32_t v; __asm__ volatile("pushf; pop %0" : "=r"(v)); return v; }

/* The interrupt stubs: vectors 0-31, 0x80 and 0x81; those without an error code push a
 * zero so that every frame looks the same. */
__asm__(
    ".pushsection .text\n"
    ".macro PM_ISR v\n"
    "pm_isr_\\v:\n"
    ".if (\\v == 8) || (\\v >= 10 && \\v <= 14) || (\\v == 17)\n"
    "\tpush $\\v\n"
    ".else\n"
    "\tpush $0\n"
    "\tpush $\\v\n"
    ".endif\n"
    "\tjmp pm_isr_common\n"
    ".endm\n"
    ".irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,128,129\n"
    "PM_ISR \\v\n"
    ".endr\n"
    "pm_isr_common:\n"
    "\tpusha\n"
    "\tlea 40(%esp), %eax\n"
    "\tmov %eax, pm_last_frame\n"
    "\tpush %esp\n"
    "\tcall pm_dispatch\n"
    "\tadd $4, %esp\n"
    "\tpopa\n"
    "\tadd $8, %esp\n"
    "\tiret\n"
    ".section .rodata\n"
    ".balign 4\n"
    "pm_isr_table:\n"
    ".irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,128,129\n"
    "\t.long pm_isr_\\v\n"
    ".endr\n"
    ".popsection\n");
extern const uint32_t pm_isr_table[34];

static __attribute__((used)) void pm_dispatch(struct frame* f) {
    if (pm_handlers[f->vector & 0xff]) {
        pm_handlers[f->vector & 0xff](f);
        return;
    }
    put_str("unexpected vector ");
    put_hex(f->vector);
    put_str(" error ");
    put_hex(f->error);
    put_str(" eip ");
    put_hex(f->eip);
    put_str(" cs ");
    put_hex(f->cs);
    put_str("\n");
    guest_exit(126);
}

/* Sets vector `v`'s gate (which must have a stub) to a 32-bit interrupt gate of `dpl`. */
static inline void pm_set_idt(unsigned v, unsigned dpl) {
    const unsigned slot = v < 32 ? v : 32 + (v - 128);
    pm_idt[v] = pm_gate(SEL_KCODE, pm_isr_table[slot], 0xe, dpl, 0);
}

/* GDT, TSS (SS0:ESP0, the I/O bitmap all closed) and IDT; reloads every segment. */
static inline void pm_setup(void) {
    pm_gdt[1] = pm_descriptor(0, 0xfffff, 0x9b, 0xc); /* ring-0 code */
    pm_gdt[2] = pm_descriptor(0, 0xfffff, 0x93, 0xc); /* ring-0 data */
    pm_gdt[3] = pm_descriptor(0, 0xfffff, 0xfb, 0xc); /* ring-3 code */
    pm_gdt[4] = pm_descriptor(0, 0xfffff, 0xf3, 0xc); /* ring-3 data */
    pm_gdt[5] = pm_descriptor((uint32_t)pm_tss, sizeof pm_tss - 1, 0x89, 0);
    *(uint32_t*)(pm_tss + 4) = PM_ESP0;
    *(uint16_t*)(pm_tss + 8) = SEL_KDATA;
    *(uint16_t*)(pm_tss + 0x66) = TSS_IOMAP;
    for (unsigned i = 0; i < 8193; ++i) pm_tss[TSS_IOMAP + i] = 0xff;
    for (unsigned v = 0; v < 32; ++v) pm_set_idt(v, 0);
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } gdtr = {sizeof pm_gdt - 1, (uint32_t)pm_gdt}, idtr = {sizeof pm_idt - 1, (uint32_t)pm_idt};
    __asm__ volatile(
        "lgdt %0\n\t"
        "lidt %1\n\t"
        "ljmp %2, $1f\n"
        "1:\n\t"
        "mov %3, %%eax\n\t"
        "mov %%ax, %%ds\n\t"
        "mov %%ax, %%es\n\t"
        "mov %%ax, %%fs\n\t"
        "mov %%ax, %%gs\n\t"
        "mov %%ax, %%ss\n\t"
        "mov %4, %%eax\n\t"
        "ltr %%ax"
        :
        : "m"(gdtr), "m"(idtr), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS)
        : "eax", "memory");
}

/* Lets ring 3 use `count` ports from `port` through the I/O bitmap. */
static inline void pm_open_ports(unsigned port, unsigned count) {
    for (unsigned p = port; p < port + count; ++p) pm_tss[TSS_IOMAP + p / 8] &= (uint8_t) ~(1u << (p % 8));
}

/* Enters ring 3 at `entry` on `stack` with `eflags` through IRET; DS and ES become the
 * ring-3 data segment first (IRET would null ring-0 ones). */
static inline __attribute__((noreturn)) void pm_enter_user(void (*entry)(void), void* stack, uint32_t eflags) {
    __asm__ volatile(
        "mov %0, %%ds\n\t"
        "mov %0, %%es\n\t"
        "push %0\n\t"
        "push %1\n\t"
        "push %2\n\t"
        "push %3\n\t"
        "push %4\n\t"
        "iret"
        :
        : "r"((uint32_t)SEL_UDATA), "r"(stack), "r"(eflags), "i"(SEL_UCODE), "r"(entry)
        : "memory");
    __builtin_unreachable();
}
