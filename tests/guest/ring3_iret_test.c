/* CPL 3 through IRETQ, and the way back through the IDT: INT 0x80 on a DPL-3 gate
 * switches to TSS.RSP0 (the frame sits right below it; SS becomes null), privileged
 * instructions at CPL 3 (HLT, MOV from CR3, CLI with IOPL 0) raise #GP(0), and INT
 * on a DPL-0 gate raises #GP with the gate's IDT error code (vector * 8 + 2). Each
 * handler returns to the user page with IRETQ, past the instruction that trapped. */
#include "long_mode.h"

static uint8_t user_stack[4096] __attribute__((aligned(4096)));

extern const uint8_t user_entry[], user_after_int80[], user_hlt[], user_after_hlt[], user_movcr3[],
    user_after_movcr3[], user_int81[], user_after_int81[], user_cli[], user_after_cli[], user_after_last[];

__asm__(
    ".pushsection .text.user, \"ax\", @progbits\n"
    ".balign 4096\n"
    ".globl user_entry, user_after_int80, user_hlt, user_after_hlt, user_movcr3, user_after_movcr3\n"
    ".globl user_int81, user_after_int81, user_cli, user_after_cli, user_after_last\n"
    "user_entry:\n"
    "\tint $0x80\n"
    "user_after_int80:\n"
    "user_hlt:\n"
    "\thlt\n"
    "user_after_hlt:\n"
    "user_movcr3:\n"
    "\tmov %cr3, %rax\n"
    "user_after_movcr3:\n"
    "user_int81:\n"
    "\tint $0x81\n"
    "user_after_int81:\n"
    "user_cli:\n"
    "\tcli\n"
    "user_after_cli:\n"
    "\tint $0x80\n"
    "user_after_last:\n"
    "\tud2\n"
    ".balign 4096\n"
    ".popsection\n");

/* The events expected from the user page, in order: vector, error code, the saved RIP
 * (INT n reports the next instruction, faults the faulting one) and where to resume. */
struct step {
    uint64_t vector, error;
    const uint8_t *rip, *resume;
};

static const struct step steps[] = {
    {0x80, 0, user_after_int80, user_after_int80},
    {13, 0, user_hlt, user_after_hlt},
    {13, 0, user_movcr3, user_after_movcr3},
    {13, 0x81 * 8 + 2, user_int81, user_after_int81},
    {13, 0, user_cli, user_after_cli},
    {0x80, 0, user_after_last, 0},
};

static unsigned step;

static void from_user(struct frame* f) {
    const struct step* s = &steps[step];
    const unsigned n = 10 * (step + 1);
    CHECK_EQ(n + 0, f->vector, s->vector);
    /* QEMU TCG releases before its fix of do_interrupt64 report vector * 16 + 2 for
     * 16-byte gates; the SDM (and hardware) put the vector in the index field. */
    if (!(s->error == 0x81 * 8 + 2 && f->error == 0x81 * 16 + 2)) CHECK_EQ(n + 1, f->error, s->error);
    CHECK_EQ(n + 2, f->rip, (uint64_t)s->rip);
    CHECK_EQ(n + 3, f->cs, SEL_UCODE64 | 3);
    CHECK_EQ(n + 4, f->ss, SEL_UDATA | 3);
    CHECK_EQ(n + 5, f->rsp, (uint64_t)(user_stack + sizeof user_stack));
    /* The CPU switched to TSS.RSP0 (16-byte aligned): RIP, CS, RFLAGS, RSP, SS below it. */
    CHECK_EQ(n + 6, exc_last.frame, (uint64_t)rsp0_stack_top - 40);
    CHECK_EQ(n + 7, read_cs(), SEL_KCODE);
    CHECK_EQ(n + 8, read_ss(), 0); /* a privilege change loads a null SS */
    if (s->resume == 0) lm_pass("FLINT-RING3-IRET-OK");
    f->rip = (uint64_t)s->resume;
    ++step;
}

void test_main(void) {
    CHECK_EQ(1, (uint64_t)rsp0_stack_top & 15, 0);
    idt_set_gate(0x80, 3, 0);
    exc_handlers[0x80] = from_user;
    exc_handlers[13] = from_user;
    make_user_page(user_entry);
    make_user_page(user_stack);
    enter_user(user_entry, user_stack + sizeof user_stack, 0x2);
}
