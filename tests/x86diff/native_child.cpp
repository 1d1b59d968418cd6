#include "native_child.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "layout.h"
#include "stub.h"

namespace flint::x86diff {
namespace {

// Linux's ucontext register slots in the harness's GPR order (RAX, RCX, ... R15).
constexpr int kGregOf[kGprs] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                REG_R12, REG_R13, REG_R14, REG_R15};

// The x87/MMX part of an FXSAVE image. Its register slots are in stack order (slot i is
// ST(i), the physical register TOP+i); MmxState is in physical order.
MmxState mmx_from_fxsave(const u8* fx) {
    MmxState m;
    u16 fsw;
    std::memcpy(&fsw, fx + 2, 2);
    m.top = static_cast<u8>((fsw >> 11) & 7);
    m.tags = fx[4];
    for (unsigned i = 0; i < kMms; ++i) {
        const unsigned phys = (m.top + i) & 7;
        std::memcpy(&m.mm[phys], fx + 32 + 16 * i, 8);
        std::memcpy(&m.exp[phys], fx + 40 + 16 * i, 2);
    }
    return m;
}

// The handler finds its state block at a fixed address, so it needs no global variable.
void on_fault(int sig, siginfo_t*, void* uctx) {
    auto* uc = static_cast<ucontext_t*>(uctx);
    greg_t* g = uc->uc_mcontext.gregs;
    const u64 rip = static_cast<u64>(g[REG_RIP]);
    if (rip < kInsnAddr || rip >= kInsnAddr + kMaxInsnLen) {
        // Not the instruction under test: the stub or the harness itself broke (a case that
        // scribbled over the state block, say). Recovering could loop; die with the signal
        // so that the parent blames this case and starts a fresh child.
        signal(sig, SIG_DFL);
        return;
    }
    auto* sb = reinterpret_cast<StateBlock*>(kStateAddr);
    sb->signo = sig;
    sb->trapno = static_cast<i32>(g[REG_TRAPNO]);
    sb->fault_rip = rip;
    for (unsigned r = 0; r < kGprs; ++r) sb->fault_gpr[r] = static_cast<u64>(g[kGregOf[r]]);
    sb->fault_flags = static_cast<u64>(g[REG_EFL]);
    // The FPU state at the fault, as the kernel saved it in the signal frame.
    if (const auto* fp = uc->uc_mcontext.fpregs) {
        sb->fault_mxcsr = fp->mxcsr;
        for (unsigned x = 0; x < kXmms; ++x)
            std::memcpy(sb->fault_xmm[x].data(), fp->_xmm[x].element, sizeof sb->fault_xmm[x]);
        static_assert(sizeof *fp == sizeof sb->fault_fx, "the signal frame's FPU state is an FXSAVE image");
        std::memcpy(sb->fault_fx, fp, sizeof sb->fault_fx);
    }
    g[REG_RIP] = static_cast<greg_t>(kRecoverAddr);
    g[REG_EFL] = static_cast<greg_t>(kUserFlagsBase);  // no DF/TF/AC into the harness
}

[[noreturn]] void die(const char* what) {
    std::perror(what);
    _exit(2);
}

void map_fixed(u64 addr, u64 len, int prot) {
    void* p = mmap(reinterpret_cast<void*>(addr), len, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || p != reinterpret_cast<void*>(addr)) die("x86diff child: mmap fixed");
}

void setup() {
    map_fixed(kCodeBase, 2 * kPage, PROT_READ | PROT_WRITE | PROT_EXEC);  // code + state
    // Guard pages either side of the data area: mapped without access so that nothing
    // else can ever land there and an overrun faults exactly as on the emulator's bus.
    map_fixed(kDataBase - kPage, kPage, PROT_NONE);
    map_fixed(kDataBase, kDataSize, PROT_READ | PROT_WRITE);
    map_fixed(kDataBase + kDataSize, kPage, PROT_NONE);
    write_fixed_code({reinterpret_cast<u8*>(kCodeBase), kPage});

    // The guest's RSP is arbitrary, so signals must arrive on a stack of their own.
    static constexpr size_t kAltStack = 64 * 1024;
    void* alt = mmap(nullptr, kAltStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (alt == MAP_FAILED) die("x86diff child: mmap sigaltstack");
    stack_t ss{};
    ss.ss_sp = alt;
    ss.ss_size = kAltStack;
    if (sigaltstack(&ss, nullptr) != 0) die("x86diff child: sigaltstack");
    struct sigaction sa{};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP})
        if (sigaction(sig, &sa, nullptr) != 0) die("x86diff child: sigaction");
}

constexpr int kTrapSimdFp = 19;  // #XM, as the kernel reports it in the trap number

FaultClass classify(int sig, int trapno) {
    switch (sig) {
    case SIGFPE: return trapno == kTrapSimdFp ? FaultClass::SimdFp : FaultClass::Divide;
    case SIGILL: return FaultClass::Invalid;
    case SIGSEGV: case SIGBUS: return FaultClass::Memory;
    case SIGTRAP: return FaultClass::Trap;
    default: return FaultClass::Other;
    }
}

void run_one(const Case& c, Outcome& o, u8* initial) {
    auto* sb = reinterpret_cast<StateBlock*>(kStateAddr);
    auto* data = reinterpret_cast<u8*>(kDataBase);
    write_case_code({reinterpret_cast<u8*>(kCodeBase), kPage}, c);
    build_data(c, {initial, kDataSize});
    std::memcpy(data, initial, kDataSize);
    std::memcpy(sb->in_gpr, c.gpr.data(), sizeof sb->in_gpr);
    sb->in_flags = kUserFlagsBase | (c.flags & kCaseFlags);
    sb->in_xmm = c.xmm;
    sb->in_mxcsr = c.mxcsr;
    std::memcpy(sb->in_mm, c.mm.data(), sizeof sb->in_mm);
    sb->in_mm_empty = c.mm_empty;
    sb->signo = 0;
    sb->pad_id = INT32_MIN;

    reinterpret_cast<void (*)()>(kPrologueAddr)();

    if (sb->signo != 0) {
        o.end = EndKind::Fault;
        o.fault = classify(sb->signo, sb->trapno);
        o.vector = static_cast<u8>(sb->trapno);
        o.rip_offset = static_cast<i64>(sb->fault_rip - kInsnAddr);
        std::memcpy(o.gpr.data(), sb->fault_gpr, sizeof sb->fault_gpr);
        o.rflags = sb->fault_flags;
        o.xmm = sb->fault_xmm;
        o.mxcsr = sb->fault_mxcsr;
        o.mmx = mmx_from_fxsave(sb->fault_fx);
    } else {
        o.end = EndKind::Completed;
        o.fault = FaultClass::None;
        o.vector = 0;
        o.rip_offset = sb->pad_id;
        std::memcpy(o.gpr.data(), sb->out_gpr, sizeof sb->out_gpr);
        o.rflags = sb->out_flags;
        o.xmm = sb->out_xmm;
        o.mxcsr = sb->out_mxcsr;
        o.mmx = mmx_from_fxsave(sb->out_fx);
    }
    o.data = summarize_data(c, {initial, kDataSize}, {data, kDataSize});
}

bool read_full(int fd, void* buf, size_t len) {
    auto* p = static_cast<u8*>(buf);
    while (len > 0) {
        const ssize_t n = read(fd, p, len);
        if (n <= 0) return false;
        p += n, len -= static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

void native_child_main(NativeBatch* batch, int cmd_fd, int result_fd) {
    setup();
    if (write(result_fd, &kNativeReady, sizeof kNativeReady) != sizeof kNativeReady) _exit(3);
    u8 initial[kDataSize];
    u32 range[2];
    while (read_full(cmd_fd, range, sizeof range)) {
        for (u32 i = range[0]; i < range[1]; ++i) {
            batch->progress = i;
            run_one(batch->cases[i], batch->outcomes[i], initial);
        }
        if (write(result_fd, &range[1], sizeof range[1]) != sizeof range[1]) _exit(3);
    }
    _exit(0);
}

}  // namespace flint::x86diff
