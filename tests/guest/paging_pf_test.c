/* Page faults in 4-level paging: a read and a write of a not-present page, a write to a
 * read-only page with CR0.WP = 1 (and its success with WP = 0), each checked for vector
 * 14, the error code, CR2 and the saved RIP (the faulting instruction, so that it can be
 * restarted); then the PTEs are fixed, INVLPG drops the stale translations and the same
 * accesses succeed and set the accessed/dirty bits. Last, a cached translation whose
 * page is made not present must fault after INVLPG and after a CR3 reload. */
#include "long_mode.h"

static uint8_t np_page[4096] __attribute__((aligned(4096)));
static uint8_t ro_page[4096] __attribute__((aligned(4096)));

/* Where the #PF handler resumes: past the probing instruction (0: no fault expected). */
static volatile uint64_t resume_rip;

static void pf_handler(struct frame* f) {
    if (resume_rip == 0) lm_unexpected(f);
    f->rip = resume_rip;
    resume_rip = 0;
}

/* One access that may fault; returns 1 when it completed. *insn gets its address. */
static int probe(int write, volatile uint8_t* p, uint64_t* insn) {
    uint64_t done, at;
    if (write)
        __asm__ volatile(
            "lea 2f(%%rip), %[at]\n\t"
            "mov %[at], %[resume]\n\t"
            "lea 1f(%%rip), %[at]\n\t"
            "xor %[done], %[done]\n"
            "1:\tmovb $0x5a, (%[p])\n\t"
            "mov $1, %[done]\n"
            "2:"
            : [done] "=&r"(done), [at] "=&r"(at), [resume] "=m"(resume_rip)
            : [p] "r"(p)
            : "memory");
    else
        __asm__ volatile(
            "lea 2f(%%rip), %[at]\n\t"
            "mov %[at], %[resume]\n\t"
            "lea 1f(%%rip), %[at]\n\t"
            "xor %[done], %[done]\n"
            "1:\tmovb (%[p]), %%cl\n\t"
            "mov $1, %[done]\n"
            "2:"
            : [done] "=&r"(done), [at] "=&r"(at), [resume] "=m"(resume_rip)
            : [p] "r"(p)
            : "rcx", "memory");
    resume_rip = 0;
    *insn = at;
    return (int)done;
}

/* Expects `probe` to fault with error code `error`; checks base..base+4. */
static void expect_fault(unsigned base, int write, volatile uint8_t* p, uint64_t error) {
    const uint64_t before = exc_last.count;
    uint64_t insn;
    CHECK(base, !probe(write, p, &insn));
    CHECK_EQ(base + 1, exc_last.count, before + 1);
    CHECK_EQ(base + 2, exc_last.vector, 14);
    CHECK_EQ(base + 3, exc_last.error, error);
    CHECK_EQ(base + 4, exc_last.cr2, (uint64_t)p);
    CHECK_EQ(base + 5, exc_last.rip, insn);
}

static void expect_access(unsigned n, int write, volatile uint8_t* p) {
    const uint64_t before = exc_last.count;
    uint64_t insn;
    CHECK(n, probe(write, p, &insn));
    CHECK_EQ(n, exc_last.count, before);
}

void test_main(void) {
    exc_handlers[14] = pf_handler;
    CHECK(1, read_cr0() & (1u << 16)); /* the entry turned on CR0.WP */

    volatile uint8_t* np = np_page + 0x123;
    volatile uint8_t* ro = ro_page + 0xabc;
    *pte_of(np_page) &= ~PTE_P;
    invlpg(np_page);
    expect_fault(10, 0, np, 0);      /* read, not present: P = 0, W = 0 */
    expect_fault(20, 1, np, 2);      /* write, not present: W = 1 */

    expect_access(30, 0, ro);        /* cache a writable translation, then take RW away */
    *pte_of(ro_page) &= ~PTE_RW;
    invlpg(ro_page);
    expect_access(31, 0, ro);        /* reads still allowed */
    expect_fault(40, 1, ro, 3);      /* write to read-only with WP = 1: P = 1, W = 1 */

    write_cr0(read_cr0() & ~(1ull << 16));
    expect_access(50, 1, ro);        /* WP = 0: supervisor writes ignore R/W */
    CHECK_EQ(51, *ro, 0x5a);
    write_cr0(read_cr0() | (1ull << 16));
    invlpg(ro_page);
    expect_fault(60, 1, ro, 3);

    /* Fix both pages: the same accesses now complete. */
    *pte_of(np_page) |= PTE_P;
    invlpg(np_page);
    *pte_of(ro_page) |= PTE_RW;
    invlpg(ro_page);
    *pte_of(np_page) &= ~(PTE_A | PTE_D);
    expect_access(70, 0, np);
    CHECK(71, *pte_of(np_page) & PTE_A);
    CHECK(72, !(*pte_of(np_page) & PTE_D));
    expect_access(73, 1, np);
    CHECK(74, *pte_of(np_page) & PTE_D);
    CHECK_EQ(75, *np, 0x5a);
    expect_access(76, 1, ro);

    /* A cached translation must not survive INVLPG or a CR3 reload. */
    expect_access(80, 0, np);
    *pte_of(np_page) &= ~PTE_P;
    invlpg(np_page);
    expect_fault(81, 0, np, 0);
    *pte_of(np_page) |= PTE_P;
    invlpg(np_page);
    expect_access(90, 0, np);
    *pte_of(np_page) &= ~PTE_P;
    __asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
    expect_fault(91, 0, np, 0);

    lm_pass("FLINT-PAGING-PF-OK");
}
