#pragma once
// Internal: x87 arithmetic executed by the host's own x87 unit, as the SSE handlers use
// host SSE (see sse.h). Each operation loads the guest's control word and condition codes
// into the host with FLDENV (all registers empty), pushes its operands, runs the very
// instruction the guest asked for, and takes back its status word and whatever it left
// on the stack (the number of values is the host's TOP). The results, NaN choices,
// rounding under the guest's precision and rounding control, the C0-C3 codes and the
// exception flags are then the hardware's own, including what it does with an unmasked exception (destination left
// alone, or the exponent-wrapped result of an unmasked overflow/underflow).
//
// Unmasked exceptions are safe on the host: x87 reports them only at the next waiting
// instruction, and the non-waiting FNSTSW and FNCLEX read and clear them first. Between
// FLDENV and the last FLDCW only the block's operands are touched.
#include <array>
#include <cstddef>
#include <cstring>

#include "x86/fpu_state.h"
#include "x86/x87.h"

#if !defined(__x86_64__)
#error "the x87 handlers execute host x87 instructions: x86-64 hosts only"
#endif

namespace flint::x86::x87 {

// FLDENV's 28-byte image, 32-bit protected-mode layout: the guest's control word and
// condition codes, TOP = 0, every register empty.
struct HostEnv {
    u16 fcw = 0, r0 = 0xffff, fsw = 0, r1 = 0xffff, ftw = 0xffff, r2 = 0xffff;
    u32 fip = 0, cs_op = 0, fdp = 0, fds = 0;
};
static_assert(sizeof(HostEnv) == 28);

struct HostIo {
    X87Reg a{}, b{};                       // pushed as host ST(1) = b, ST(0) = a, when used
    alignas(16) std::array<u8, 16> mem{};  // a memory operand: source or destination
    HostEnv env{};
    u16 status = 0;              // the host's FSW right after the instruction
    std::array<X87Reg, 8> st{};  // what it left on its stack, ST(0) first

    u16 sw() const { return status; }
    u16 flags() const { return sw() & sw::Exceptions; }
    u16 cond() const { return sw() & sw::Cond; }
    // Values left on the host stack: TOP started at 0 and each push decremented it.
    unsigned count() const { return (8 - ((sw() >> 11) & 7)) & 7; }
    X87Reg result(unsigned i) const { return st[i]; }
};

using HostFn = void (*)(HostIo&);

// FSTP m80 fills the first 10 bytes of each 16-byte slot of HostIo::st.
static_assert(sizeof(X87Reg) == 16 && offsetof(X87Reg, sign_exp) == 8);

inline constexpr u16 kHostMaskedCw = 0x037f;

// One host routine per instruction form. `loads` pushes the operands the form reads from
// the stack; `insn` may name the memory operand as %[mem]. Afterwards: FNSTSW takes the
// status, FNCLEX drops the exceptions (before any waiting instruction could report
// them), and with every exception masked the values the instruction left are popped into
// io.st, exactly as many as TOP says, so the host stack ends empty as the ABI wants it.
#define FLINT_X87_HOST(name, loads, insn)                                                       \
    inline void name(HostIo& io) {                                                              \
        u16 saved;                                                                              \
        asm volatile("fnstcw %[saved]\n\tfldenv %[env]\n\t" loads insn "\n\t"                \
                     "fnstsw %[sw]\n\tfnclex\n\tfldcw %[masked]\n\t"                          \
                     "movzwl %[sw], %%eax\n\tshrl $11, %%eax\n\tnegl %%eax\n\tandl $7, %%eax\n\t" \
                     "leaq %[st], %%rdx\n\tjmp 2f\n"                                            \
                     "1:\n\tfstpt (%%rdx)\n\taddq $16, %%rdx\n\tdecl %%eax\n"                   \
                     "2:\n\ttestl %%eax, %%eax\n\tjnz 1b\n\tfldcw %[saved]"                      \
                     : [saved] "=m"(saved), [sw] "=m"(io.status), [st] "=m"(io.st), [mem] "+m"(io.mem) \
                     : [env] "m"(io.env), [a] "m"(io.a), [b] "m"(io.b), [masked] "m"(kHostMaskedCw)   \
                     : "rax", "rdx", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",  \
                       "st(7)");                                                                \
    }
#define FLINT_X87_LOAD0 ""
#define FLINT_X87_LOAD1 "fldt %[a]\n\t"
#define FLINT_X87_LOAD2 "fldt %[b]\n\tfldt %[a]\n\t"

// Arithmetic and compares: ST(0) op ST(1), or ST(0) op a memory operand (real or integer).
#define FLINT_X87_SOURCES(op, st_form)                                  \
    FLINT_X87_HOST(host_##op##_st, FLINT_X87_LOAD2, st_form)            \
    FLINT_X87_HOST(host_##op##_m32, FLINT_X87_LOAD1, "f" #op "s %[mem]")  \
    FLINT_X87_HOST(host_##op##_m64, FLINT_X87_LOAD1, "f" #op "l %[mem]")  \
    FLINT_X87_HOST(host_##op##_i16, FLINT_X87_LOAD1, "fi" #op "s %[mem]") \
    FLINT_X87_HOST(host_##op##_i32, FLINT_X87_LOAD1, "fi" #op "l %[mem]")
#define FLINT_X87_ARITH(op) FLINT_X87_SOURCES(op, "f" #op " %%st(1), %%st")
FLINT_X87_ARITH(add)
FLINT_X87_ARITH(mul)
FLINT_X87_ARITH(sub)
FLINT_X87_ARITH(subr)
FLINT_X87_ARITH(div)
FLINT_X87_ARITH(divr)
FLINT_X87_SOURCES(com, "fcom %%st(1)")
FLINT_X87_HOST(host_ucom_st, FLINT_X87_LOAD2, "fucom %%st(1)")
#undef FLINT_X87_ARITH
#undef FLINT_X87_SOURCES

// Operand sources of the arithmetic table, in the order of its columns.
enum class Src : u8 { St, M32, M64, I16, I32 };
inline constexpr unsigned kSrcCount = 5;

#define FLINT_X87_ROW(op) {host_##op##_st, host_##op##_m32, host_##op##_m64, host_##op##_i16, host_##op##_i32}
// Indexed by ModRM.reg of D8/DA/DC/DE (0 ADD 1 MUL 2 COM 3 COMP 4 SUB 5 SUBR 6 DIV 7 DIVR)
// and by Src.
inline constexpr HostFn kArith[8][kSrcCount] = {FLINT_X87_ROW(add), FLINT_X87_ROW(mul), FLINT_X87_ROW(com),
                                                FLINT_X87_ROW(com), FLINT_X87_ROW(sub), FLINT_X87_ROW(subr),
                                                FLINT_X87_ROW(div), FLINT_X87_ROW(divr)};
#undef FLINT_X87_ROW

// Conversions in and out of memory.
FLINT_X87_HOST(host_fld_m32, FLINT_X87_LOAD0, "flds %[mem]")
FLINT_X87_HOST(host_fld_m64, FLINT_X87_LOAD0, "fldl %[mem]")
FLINT_X87_HOST(host_fild_m16, FLINT_X87_LOAD0, "filds %[mem]")
FLINT_X87_HOST(host_fild_m32, FLINT_X87_LOAD0, "fildl %[mem]")
FLINT_X87_HOST(host_fild_m64, FLINT_X87_LOAD0, "fildll %[mem]")
FLINT_X87_HOST(host_fbld, FLINT_X87_LOAD0, "fbld %[mem]")
FLINT_X87_HOST(host_fst_m32, FLINT_X87_LOAD1, "fsts %[mem]")
FLINT_X87_HOST(host_fst_m64, FLINT_X87_LOAD1, "fstl %[mem]")
FLINT_X87_HOST(host_fist_m16, FLINT_X87_LOAD1, "fists %[mem]")
FLINT_X87_HOST(host_fist_m32, FLINT_X87_LOAD1, "fistl %[mem]")
FLINT_X87_HOST(host_fistp_m64, FLINT_X87_LOAD1, "fistpll %[mem]")
FLINT_X87_HOST(host_fisttp_m16, FLINT_X87_LOAD1, "fisttps %[mem]")
FLINT_X87_HOST(host_fisttp_m32, FLINT_X87_LOAD1, "fisttpl %[mem]")
FLINT_X87_HOST(host_fisttp_m64, FLINT_X87_LOAD1, "fisttpll %[mem]")
FLINT_X87_HOST(host_fbstp, FLINT_X87_LOAD1, "fbstp %[mem]")

// Constants: rounded by RC as the hardware rounds them.
FLINT_X87_HOST(host_fld1, FLINT_X87_LOAD0, "fld1")
FLINT_X87_HOST(host_fldl2t, FLINT_X87_LOAD0, "fldl2t")
FLINT_X87_HOST(host_fldl2e, FLINT_X87_LOAD0, "fldl2e")
FLINT_X87_HOST(host_fldpi, FLINT_X87_LOAD0, "fldpi")
FLINT_X87_HOST(host_fldlg2, FLINT_X87_LOAD0, "fldlg2")
FLINT_X87_HOST(host_fldln2, FLINT_X87_LOAD0, "fldln2")
FLINT_X87_HOST(host_fldz, FLINT_X87_LOAD0, "fldz")

// D9 E0-FF on ST(0), or on ST(0) and ST(1).
FLINT_X87_HOST(host_fchs, FLINT_X87_LOAD1, "fchs")
FLINT_X87_HOST(host_fabs, FLINT_X87_LOAD1, "fabs")
FLINT_X87_HOST(host_ftst, FLINT_X87_LOAD1, "ftst")
FLINT_X87_HOST(host_fxam, FLINT_X87_LOAD1, "fxam")
FLINT_X87_HOST(host_f2xm1, FLINT_X87_LOAD1, "f2xm1")
FLINT_X87_HOST(host_fyl2x, FLINT_X87_LOAD2, "fyl2x")
FLINT_X87_HOST(host_fptan, FLINT_X87_LOAD1, "fptan")
FLINT_X87_HOST(host_fpatan, FLINT_X87_LOAD2, "fpatan")
FLINT_X87_HOST(host_fxtract, FLINT_X87_LOAD1, "fxtract")
FLINT_X87_HOST(host_fprem1, FLINT_X87_LOAD2, "fprem1")
FLINT_X87_HOST(host_fprem, FLINT_X87_LOAD2, "fprem")
FLINT_X87_HOST(host_fyl2xp1, FLINT_X87_LOAD2, "fyl2xp1")
FLINT_X87_HOST(host_fsqrt, FLINT_X87_LOAD1, "fsqrt")
FLINT_X87_HOST(host_fsincos, FLINT_X87_LOAD1, "fsincos")
FLINT_X87_HOST(host_frndint, FLINT_X87_LOAD1, "frndint")
FLINT_X87_HOST(host_fscale, FLINT_X87_LOAD2, "fscale")
FLINT_X87_HOST(host_fsin, FLINT_X87_LOAD1, "fsin")
FLINT_X87_HOST(host_fcos, FLINT_X87_LOAD1, "fcos")

#undef FLINT_X87_HOST
#undef FLINT_X87_LOAD0
#undef FLINT_X87_LOAD1
#undef FLINT_X87_LOAD2

// Runs `fn` under the guest's control word and condition codes with ST(0) = a and
// ST(1) = b (as far as the form loads them) and `mem` as the memory operand.
inline HostIo run_host(const FpuState& f, HostFn fn, const X87Reg& a = {}, const X87Reg& b = {},
                       u64 mem_lo = 0, u16 mem_hi = 0) {
    HostIo io;
    io.a = a;
    io.b = b;
    std::memcpy(io.mem.data(), &mem_lo, 8);
    std::memcpy(io.mem.data() + 8, &mem_hi, 2);
    io.env.fcw = f.fcw;
    io.env.fsw = f.fsw & sw::Cond;
    fn(io);
    return io;
}

inline u64 host_mem(const HostIo& io) {
    u64 v;
    std::memcpy(&v, io.mem.data(), 8);
    return v;
}
inline u16 host_mem_hi(const HostIo& io) {
    u16 v;
    std::memcpy(&v, io.mem.data() + 8, 2);
    return v;
}

}  // namespace flint::x86::x87
