/* SYSCALL/SYSRET in 64-bit mode: IRETQ to a user page at CPL 3; SYSCALL comes back to
 * CPL 0 at LSTAR with the selectors of STAR[47:32], RCX = the next user instruction,
 * R11 = the user RFLAGS and RFLAGS masked by SFMASK; SYSRETQ returns to CPL 3 with the
 * selectors of STAR[63:48] and RFLAGS from R11; a second SYSCALL ends the test. */
#include "long_mode.h"

#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_SFMASK 0xc0000084u
#define EFER_SCE 1ull

/* What syscall_entry saved, in struct frame's order. */
struct regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
};

static uint8_t user_stack[4096] __attribute__((aligned(4096)));
uint64_t syscall_user_rsp;
uint8_t syscall_stack[4096] __attribute__((aligned(16)));

extern const uint8_t user_entry[], user_after_syscall1[], user_after_syscall2[];
void syscall_entry(void);

/* The user page: marks CPL in RBX, sets DF (which SFMASK clears for the kernel), and
 * after SYSRETQ reports CS, SS and RFLAGS in RBX, RDX and RSI. */
__asm__(
    ".pushsection .text.user, \"ax\", @progbits\n"
    ".balign 4096\n"
    ".globl user_entry, user_after_syscall1, user_after_syscall2\n"
    "user_entry:\n"
    "\tmov %cs, %rbx\n"
    "\tmov $0x5555, %eax\n"
    "\tstd\n"
    "\tsyscall\n"
    "user_after_syscall1:\n"
    "\tmov %cs, %rbx\n"
    "\tmov %ss, %rdx\n"
    "\tpushfq\n"
    "\tpop %rsi\n"
    "\tmov $0x6666, %eax\n"
    "\tsyscall\n"
    "user_after_syscall2:\n"
    "\tud2\n"
    ".balign 4096\n"
    ".popsection\n"
    /* LSTAR: SYSCALL leaves RSP alone, so switch to a kernel stack first. */
    ".text\n"
    ".globl syscall_entry\n"
    "syscall_entry:\n"
    "\tmov %rsp, syscall_user_rsp(%rip)\n"
    "\tlea syscall_stack+4096(%rip), %rsp\n"
    "\tpush %rax\n\tpush %rbx\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\tpush %rbp\n"
    "\tpush %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n"
    "\tmov %rsp, %rdi\n"
    "\tsub $8, %rsp\n"
    "\tcall syscall_c\n"
    "\tadd $8, %rsp\n"
    "\tpop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n"
    "\tpop %rbp\n\tpop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rbx\n\tpop %rax\n"
    "\tmov syscall_user_rsp(%rip), %rsp\n"
    "\tsysretq\n");

static unsigned calls;

void syscall_c(struct regs* r) {
    ++calls;
    /* Both calls: CPL 0 on STAR's kernel selectors, DF and IF masked, user RSP kept. */
    CHECK_EQ(10, read_cs(), SEL_KCODE);
    CHECK_EQ(11, read_ss(), SEL_KDATA);
    CHECK_EQ(12, read_rflags() & (RFLAGS_DF | RFLAGS_IF), 0);
    CHECK_EQ(13, syscall_user_rsp, (uint64_t)(user_stack + sizeof user_stack));
    if (calls == 1) {
        CHECK_EQ(20, r->rax, 0x5555);
        CHECK_EQ(21, r->rbx, SEL_UCODE64 | 3); /* the user code ran at CPL 3 */
        CHECK_EQ(22, r->rcx, (uint64_t)user_after_syscall1);
        CHECK_EQ(23, r->r11, 0x402); /* user RFLAGS: DF and the fixed bit 1 */
        r->r11 = 0x43;               /* SYSRET's RFLAGS: CF, ZF and bit 1 */
        return;
    }
    CHECK_EQ(30, r->rax, 0x6666);
    CHECK_EQ(31, r->rbx, SEL_UCODE64 | 3);
    CHECK_EQ(32, r->rdx, SEL_UDATA | 3);
    CHECK_EQ(33, r->rsi, 0x43);
    CHECK_EQ(34, r->rcx, (uint64_t)user_after_syscall2);
    CHECK_EQ(35, r->r11, 0x43);
    lm_pass("FLINT-SYSCALL-OK");
}

void test_main(void) {
    make_user_page(user_entry);
    make_user_page(user_stack);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_SFMASK, RFLAGS_DF | RFLAGS_IF | 0x100 /* TF */);
    CHECK_EQ(1, rdmsr(MSR_LSTAR), (uint64_t)syscall_entry);
    enter_user(user_entry, user_stack + sizeof user_stack, 0x2);
}
