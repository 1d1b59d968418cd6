/* 32-bit protected mode: ring 3 entered with IRET, and the way back through the IDT.
 * INT 0x80 on a DPL-3 32-bit interrupt gate switches to the TSS's SS0:ESP0 (the frame,
 * with the user's ESP and SS, sits right below ESP0) and clears IF; CLI with IOPL 0
 * raises #GP(0) at the instruction; INT 0x81 on a DPL-0 gate raises #GP with the gate's
 * IDT error code (vector * 8 + 2). Each handler returns with IRET to ring 3, past the
 * instruction that trapped, and checks that the user's registers survived. */
#include "protected_mode.h"

static uint8_t user_stack[4096] __attribute__((aligned(16)));

extern const uint8_t user_entry[], user_after_int80[], user_cli[], user_after_cli[], user_int81[],
    user_after_int81[], user_after_last[];

/* The user code: EBX carries a value the handlers check across each trip. */
__asm__(
    ".pushsection .text\n"
    ".globl user_entry, user_after_int80, user_cli, user_after_cli, user_int81, user_after_int81, user_after_last\n"
    "user_entry:\n"
    "\tmov $0x1234abcd, %ebx\n"
    "\tint $0x80\n"
    "user_after_int80:\n"
    "user_cli:\n"
    "\tcli\n"
    "user_after_cli:\n"
    "user_int81:\n"
    "\tint $0x81\n"
    "user_after_int81:\n"
    "\tint $0x80\n"
    "user_after_last:\n"
    "\tud2\n"
    ".popsection\n");

struct step {
    uint32_t vector, error;
    const uint8_t *eip, *resume;
};

static const struct step steps[] = {
    {0x80, 0, user_after_int80, user_after_int80},
    {13, 0, user_cli, user_after_cli},
    {13, 0x81 * 8 + 2, user_int81, user_after_int81},
    {0x80, 0, user_after_last, 0},
};

static unsigned step;

static void from_user(struct frame* f) {
    const struct step* s = &steps[step];
    const unsigned n = 20 * (step + 1);
    CHECK_EQ(n + 0, f->vector, s->vector);
    CHECK_EQ(n + 1, f->error, s->error);
    CHECK_EQ(n + 2, f->eip, (uint32_t)s->eip);
    CHECK_EQ(n + 3, f->cs, SEL_UCODE);
    CHECK_EQ(n + 4, f->ss, SEL_UDATA);
    CHECK_EQ(n + 5, f->esp, (uint32_t)(user_stack + sizeof user_stack));
    CHECK_EQ(n + 6, f->ebx, 0x1234abcd);
    /* The CPU switched to ESP0: EIP, CS, EFLAGS, ESP, SS (and an error code) below it. */
    CHECK_EQ(n + 7, pm_last_frame, PM_ESP0 - 20);
    CHECK_EQ(n + 8, read_cs(), SEL_KCODE);
    CHECK_EQ(n + 9, read_ss(), SEL_KDATA);
    CHECK_EQ(n + 10, read_eflags() & EFLAGS_IF, 0); /* an interrupt gate clears IF */
    CHECK_EQ(n + 11, f->eflags & EFLAGS_IF, EFLAGS_IF);
    if (s->resume == 0) pm_pass("FLINT-PM-INTERRUPT-OK");
    f->eip = (uint32_t)s->resume;
    ++step;
}

void test_main(void) {
    pm_setup();
    pm_set_idt(0x80, 3);
    pm_set_idt(0x81, 0);
    pm_handlers[0x80] = from_user;
    pm_handlers[13] = from_user;
    pm_enter_user((void (*)(void))user_entry, user_stack + sizeof user_stack, 0x202);
}
