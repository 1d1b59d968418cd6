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
        sb->fault_x87.fcw = fp->cwd;
        sb->fault_x87.fsw = fp->swd;
        sb->fault_x87.ftw = static_cast<u8>(fp->ftw);
        for (unsigned i = 0; i < 8; ++i) {
            std::memcpy(&sb->fault_x87.st[i].mantissa, fp->_st[i].significand, 8);
            sb->fault_x87.st[i].sign_exp = fp->_st[i].exponent;
        }
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
constexpr int kTrapX87Fp = 16;   // #MF

FaultClass classify(int sig, int trapno) {
    switch (sig) {
    case SIGFPE:
        return trapno == kTrapSimdFp ? FaultClass::SimdFp : trapno == kTrapX87Fp ? FaultClass::X87Fp : FaultClass::Divide;
    case SIGILL: return FaultClass::Invalid;
    case SIGSEGV: case SIGBUS: return FaultClass::Memory;
    case SIGTRAP: return FaultClass::Trap;
    default: return FaultClass::Other;
    }
}

// The FXSAVE image layout (SDM vol. 1, 10.5.1): the x87 and MXCSR header, ST(0)-ST(7) from
// byte 32, XMM0-15 from byte 160. The last-instruction fields stay zero.
template <typename T>
void put(u8* img, unsigned off, T v) {
    std::memcpy(img + off, &v, sizeof v);
}
template <typename T>
T get(const u8* img, unsigned off) {
    T v;
    std::memcpy(&v, img + off, sizeof v);
    return v;
}

void build_fx_image(const Case& c, u8* img) {
    std::memset(img, 0, 512);
    put<u16>(img, 0, c.x87.fcw);
    put<u16>(img, 2, c.x87.fsw);
    put<u8>(img, 4, c.x87.ftw);
    put<u32>(img, 24, c.mxcsr);
    for (unsigned i = 0; i < 8; ++i) {
        put<u64>(img, 32 + 16 * i, c.x87.st[i].mantissa);
        put<u16>(img, 40 + 16 * i, c.x87.st[i].sign_exp);
    }
    for (unsigned x = 0; x < kXmms; ++x) std::memcpy(img + 160 + 16 * x, c.xmm[x].data(), 16);
}

void read_fx_image(const u8* img, Outcome& o) {
    o.x87.fcw = get<u16>(img, 0);
    o.x87.fsw = get<u16>(img, 2);
    o.x87.ftw = get<u8>(img, 4);
    o.mxcsr = get<u32>(img, 24);
    for (unsigned i = 0; i < 8; ++i) o.x87.st[i] = {get<u64>(img, 32 + 16 * i), get<u16>(img, 40 + 16 * i)};
    for (unsigned x = 0; x < kXmms; ++x) std::memcpy(o.xmm[x].data(), img + 160 + 16 * x, 16);
}

void run_one(const Case& c, Outcome& o, u8* initial) {
    auto* sb = reinterpret_cast<StateBlock*>(kStateAddr);
    auto* data = reinterpret_cast<u8*>(kDataBase);
    write_case_code({reinterpret_cast<u8*>(kCodeBase), kPage}, c);
    build_data(c, {initial, kDataSize});
    std::memcpy(data, initial, kDataSize);
    std::memcpy(sb->in_gpr, c.gpr.data(), sizeof sb->in_gpr);
    sb->in_flags = kUserFlagsBase | (c.flags & kCaseFlags);
    build_fx_image(c, sb->in_fx);
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
        o.x87 = sb->fault_x87;
    } else {
        o.end = EndKind::Completed;
        o.fault = FaultClass::None;
        o.vector = 0;
        o.rip_offset = sb->pad_id;
        std::memcpy(o.gpr.data(), sb->out_gpr, sizeof sb->out_gpr);
        o.rflags = sb->out_flags;
        read_fx_image(sb->out_fx, o);
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
