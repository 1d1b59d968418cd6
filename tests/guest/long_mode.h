/* C side of the long-mode test environment (long_mode_entry.S, long_mode.c): the
 * interrupt frame, handler registration, page-table and control-register helpers, and
 * checks that report which one failed. Compiled for x86-64 (-mno-red-zone: interrupt
 * frames land on the stack the interrupted code uses). */
#pragma once
#include <stdint.h>

#include "guest.h"
#include "long_mode_asm.h"
#include "multiboot.h"

/* What isr_common saved: a handler may change any field (RIP, RFLAGS, registers, ...);
 * the IRETQ at the end of isr_common uses it. */
struct frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* the CPU's frame */
};

/* The last event isr_common took, kept for checks after the handler returned. */
struct exc_record {
    uint64_t vector, error, cr2, rip, cs;
    uint64_t frame; /* address of the saved RIP: where the CPU's frame begins */
    uint64_t count; /* events taken so far */
    uint64_t unused;
};

typedef void (*handler_fn)(struct frame*);
extern handler_fn exc_handlers[256];
extern volatile struct exc_record exc_last;
extern uint64_t pt_low[512];
extern uint8_t idt[256 * 16];
extern uint8_t tss[104];
extern uint8_t kstack_top[], rsp0_stack_top[], ist1_stack_top[];
extern uint32_t mb_info; /* EBX at entry: the multiboot information's physical address */

/* Whether `word` starts a word of the command line the loader passed. */
static inline int lm_cmdline_has(const char* word) {
    return mb_cmdline_has((const struct mb_info*)(uintptr_t)mb_info, word);
}

#define PTE_P 1ull
#define PTE_RW 2ull
#define PTE_US 4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull

#define RFLAGS_IF 0x200ull
#define RFLAGS_DF 0x400ull

/* Reports an event no test expected (the default handler) and exits with 126. */
__attribute__((noreturn)) void lm_unexpected(struct frame* f);

static inline __attribute__((noreturn)) void lm_pass(const char* marker) {
    put_str(marker);
    put_str("\n");
    guest_exit(GUEST_PASS);
}

/* Page-table entry of an address in the first 2 MiB (mapped with 4 KiB pages). */
static inline volatile uint64_t* pte_of(const void* p) { return (volatile uint64_t*)&pt_low[(uint64_t)p >> 12]; }

static inline void invlpg(const void* p) { __asm__ volatile("invlpg (%0)" : : "r"(p) : "memory"); }

/* Lets CPL 3 use one 4 KiB page (the upper levels already allow it). */
static inline void make_user_page(const void* p) {
    *pte_of(p) |= PTE_US;
    invlpg(p);
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }

static inline uint64_t rdmsr(uint32_t index) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t index, uint64_t v) {
    __asm__ volatile("wrmsr" : : "c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint16_t read_cs(void) { uint16_t v; __asm__ volatile("mov %%cs, %0" : "=r"(v)); return v; }
static inline uint16_t read_ss(void) { uint16_t v; __asm__ volatile("mov %%ss, %0" : "=r"(v)); return v; }
static inline uint64_t read_rflags(void) { uint64_t v; __asm__ volatile("pushfq; pop %0" : "=r"(v)); return v; }

static inline void mmio_write32(uint64_t addr, uint32_t v) { *(volatile uint32_t*)addr = v; }
static inline uint32_t mmio_read32(uint64_t addr) { return *(volatile uint32_t*)addr; }

/* Changes one IDT gate: its DPL (who may INT n it) and its IST stack (0 = none). */
static inline void idt_set_gate(unsigned vector, unsigned dpl, unsigned ist) {
    volatile uint8_t* g = &idt[vector * 16];
    g[4] = (uint8_t)ist;
    g[5] = (uint8_t)(0x8e | (dpl << 5));
}

/* Sets TSS.ISTn (1-7). */
static inline void tss_set_ist(unsigned n, const void* top) {
    *(volatile uint64_t*)&tss[0x24 + (n - 1) * 8] = (uint64_t)top;
}

/* Enters CPL 3 at `rip` with stack `rsp` through IRETQ; comes back only through an
 * interrupt, exception or SYSCALL. */
static inline __attribute__((noreturn)) void enter_user(const void* rip, const void* rsp, uint64_t rflags) {
    __asm__ volatile(
        "push %0\n\tpush %1\n\tpush %2\n\tpush %3\n\tpush %4\n\tiretq"
        :
        : "i"(SEL_UDATA | 3), "r"(rsp), "r"(rflags), "i"(SEL_UCODE64 | 3), "r"(rip)
        : "memory");
    __builtin_unreachable();
}
