/* Double faults, taken on their own stack (IST1). A #PF whose delivery itself page-faults
 * (its gate uses IST2, which points at a not-present page) becomes #DF; so does a #GP
 * whose gate is not present (#NP while delivering #GP: two contributory faults). The
 * #DF handler sees vector 8, error code 0 and its frame at the top of the IST1 stack.
 * (A fault inside a handler's body is an ordinary new fault; only a fault while the CPU
 * delivers one makes a double fault.) */
#include "long_mode.h"

static uint8_t np_page[4096] __attribute__((aligned(4096)));
static uint8_t bad_stack[4096] __attribute__((aligned(4096)));

static volatile uint64_t resume_rip;
static unsigned double_faults;

static void df_handler(struct frame* f) {
    ++double_faults;
    const unsigned n = 10 * double_faults;
    CHECK_EQ(n + 0, f->vector, 8);
    CHECK_EQ(n + 1, f->error, 0);
    CHECK_EQ(n + 2, exc_last.frame, (uint64_t)ist1_stack_top - 40);
    CHECK_EQ(n + 3, f->cs, SEL_KCODE);
    CHECK(n + 4, resume_rip != 0);
    /* A #DF is an abort (its saved RIP is undefined): resume where the test says. */
    f->rip = resume_rip;
    resume_rip = 0;
}

void test_main(void) {
    exc_handlers[8] = df_handler;
    idt_set_gate(8, 0, 1);

    /* #PF -> #PF while pushing the frame on IST2 -> #DF. */
    *pte_of(np_page) &= ~PTE_P;
    *pte_of(bad_stack) &= ~PTE_P;
    invlpg(np_page);
    invlpg(bad_stack);
    tss_set_ist(2, bad_stack + sizeof bad_stack);
    idt_set_gate(14, 0, 2);
    __asm__ volatile(
        "lea 1f(%%rip), %%rax\n\t"
        "mov %%rax, %0\n\t"
        "movb (%1), %%al\n"
        "1:"
        : "=m"(resume_rip)
        : "r"(np_page + 0x10)
        : "rax", "memory");
    CHECK_EQ(1, double_faults, 1);

    /* #GP -> #NP (gate 13 not present) -> #DF. */
    idt[13 * 16 + 5] &= 0x7f;
    __asm__ volatile(
        "lea 1f(%%rip), %%rax\n\t"
        "mov %%rax, %0\n\t"
        "movabs $0x8000000000000000, %%rax\n\t"
        "movb (%%rax), %%al\n" /* non-canonical: #GP(0) */
        "1:"
        : "=m"(resume_rip)
        :
        : "rax", "memory");
    CHECK_EQ(2, double_faults, 2);
    lm_pass("FLINT-DOUBLE-FAULT-OK");
}
