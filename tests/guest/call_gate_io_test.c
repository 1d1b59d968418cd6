/* 32-bit protected mode, ring 3 with IOPL 0. The TSS's I/O permission bitmap opens COM1
 * (0x3f8-0x3ff) and the debug-exit port to ring 3: the scratch register keeps what ring
 * 3 wrote there, while ports whose bits are set raise #GP(0), also when only one byte of
 * a word access is closed (0x3ff-0x400 straddles a bitmap byte). Then a far CALL through
 * a DPL-3 32-bit call gate with two parameters enters ring 0 on the TSS's stack with the
 * parameters copied, and a far RET with a parameter release returns to ring 3, nulling
 * DS, which the ring-0 code had loaded with a DPL-0 selector. */
#include "protected_mode.h"

#define SEL_GATE 0x33 /* GDT slot 6, RPL 3 */
#define COM1_SCRATCH 0x3ff

static uint8_t user_stack[4096] __attribute__((aligned(16)));

/* What the ring-0 side of the gate saw: its CS, SS and ESP, and the frame on its stack
 * (EIP, CS, the two parameters, ESP, SS from ESP upwards). */
volatile uint32_t gate_cs, gate_ss, gate_esp, gate_frame[6];

extern const uint8_t gate_entry[], user_call[], user_after_call[];
extern volatile uint32_t user_sp_before_call, user_sp_after_call, user_ds_after_call;

__asm__(
    ".pushsection .text\n"
    ".globl gate_entry, user_call, user_after_call, user_sp_before_call, user_sp_after_call, user_ds_after_call\n"
    "gate_entry:\n"
    "\tmov %cs, gate_cs\n"
    "\tmov %ss, gate_ss\n"
    "\tmov %esp, gate_esp\n"
    "\tpush %esi\n"
    "\tpush %edi\n"
    "\tpush %ecx\n"
    "\tlea 12(%esp), %esi\n"
    "\tmov $gate_frame, %edi\n"
    "\tmov $6, %ecx\n"
    "\tcld\n"
    "\trep movsl\n"
    "\tpop %ecx\n"
    "\tpop %edi\n"
    "\tpop %esi\n"
    "\tmov $0x10, %eax\n" /* a DPL-0 data segment the return must drop */
    "\tmov %eax, %ds\n"
    "\tlret $8\n"
    /* Ring 3: push the parameters, call, and keep what the return left behind. */
    "user_call:\n"
    "\tmov %esp, user_sp_before_call\n"
    "\tpush $0x11111111\n"
    "\tpush $0x22222222\n"
    "\tlcall $0x33, $0\n"
    "user_after_call:\n"
    "\tmov %esp, %ss:user_sp_after_call\n"
    "\tmov %ds, %eax\n"
    "\tmov $0x23, %edx\n"
    "\tmov %edx, %ds\n"
    "\tmov %eax, user_ds_after_call\n"
    "\tret\n"
    ".data\n"
    "user_sp_before_call: .long 0\n"
    "user_sp_after_call: .long 0\n"
    "user_ds_after_call: .long 0\n"
    ".popsection\n");

static volatile unsigned gp_count;
static volatile uint32_t gp_error, gp_eip;
static volatile uint32_t gp_skip; /* length of the faulting instruction */

static void on_gp(struct frame* f) {
    ++gp_count;
    gp_error = f->error;
    gp_eip = f->eip;
    CHECK_EQ(90, f->cs, SEL_UCODE);
    f->eip += gp_skip;
}

/* Ring 3. Each probe is a port instruction of known length that may fault. */
static unsigned probe_out8(uint16_t port, uint8_t v) {
    const unsigned before = gp_count;
    gp_skip = 1;
    __asm__ volatile("outb %%al, %%dx" : : "a"(v), "d"(port) : "memory");
    return gp_count - before;
}
static unsigned probe_out16(uint16_t port, uint16_t v) {
    const unsigned before = gp_count;
    gp_skip = 2;
    __asm__ volatile("outw %%ax, %%dx" : : "a"(v), "d"(port) : "memory");
    return gp_count - before;
}
static unsigned probe_in8(uint16_t port, uint8_t* v) {
    const unsigned before = gp_count;
    uint32_t a = 0xee;
    gp_skip = 1;
    __asm__ volatile("inb %%dx, %%al" : "+a"(a) : "d"(port) : "memory");
    *v = (uint8_t)a;
    return gp_count - before;
}

static void user_main(void) {
    uint8_t v = 0;
    CHECK_EQ(1, probe_out8(COM1_SCRATCH, 0x5a), 0);
    CHECK_EQ(2, probe_in8(COM1_SCRATCH, &v), 0);
    CHECK_EQ(3, v, 0x5a);
    CHECK_EQ(4, probe_out8(0x3f7, 0), 1); /* closed: #GP(0) at the OUT */
    CHECK_EQ(5, gp_error, 0);
    CHECK_EQ(6, probe_in8(0x60, &v), 1);
    CHECK_EQ(7, v, 0xee); /* the faulting IN left AL alone */
    CHECK_EQ(8, probe_out16(0x3fe, 0x77a5), 0);
    CHECK_EQ(9, probe_in8(COM1_SCRATCH, &v), 0);
    CHECK_EQ(10, v, 0x77);
    CHECK_EQ(11, probe_out16(COM1_SCRATCH, 0), 1); /* 0x400 is closed */
    CHECK_EQ(12, probe_out16(0x3f7, 0), 1);        /* 0x3f7 is closed */
    CHECK_EQ(13, gp_count, 4);

    /* The call gate, from ring 3 to ring 0 and back. */
    ((void (*)(void))user_call)();
    CHECK_EQ(20, gate_cs, SEL_KCODE);
    CHECK_EQ(21, gate_ss, SEL_KDATA);
    CHECK_EQ(22, gate_esp, PM_ESP0 - 24);
    CHECK_EQ(23, gate_frame[0], (uint32_t)user_after_call);
    CHECK_EQ(24, gate_frame[1], SEL_UCODE);
    CHECK_EQ(25, gate_frame[2], 0x22222222); /* the parameters, in the caller's order */
    CHECK_EQ(26, gate_frame[3], 0x11111111);
    CHECK_EQ(27, gate_frame[4], user_sp_before_call - 8); /* after the parameters' pushes */
    CHECK_EQ(28, gate_frame[5], SEL_UDATA);
    CHECK_EQ(29, user_sp_after_call, user_sp_before_call); /* RET 8 released them */
    CHECK_EQ(31, user_ds_after_call, 0); /* the DPL-0 DS became null on the way out */
    CHECK_EQ(32, read_cs(), SEL_UCODE);
    __asm__ volatile("int $0x80"); /* done: ring 0 reports it */
}

static void on_done(struct frame* f) {
    CHECK_EQ(40, f->cs, SEL_UCODE);
    pm_pass("FLINT-CALL-GATE-IO-OK");
}

/* Runs on the user stack, so a return from user_main has nowhere to go: it never does. */
static void user_entry(void) {
    user_main();
    for (;;) {
    }
}

void test_main(void) {
    pm_setup();
    pm_open_ports(0x3f8, 8);
    pm_open_ports(0xf4, 1);
    pm_gdt[6] = pm_gate(SEL_KCODE, (uint32_t)gate_entry, 0xc, 3, 2);
    pm_handlers[13] = on_gp;
    pm_set_idt(0x80, 3);
    pm_handlers[0x80] = on_done;
    pm_enter_user(user_entry, user_stack + sizeof user_stack, 0x2);
}
