#pragma once
// Internal: what the SSE/SSE2 handlers (exec_sse_*.cpp, fxsave.cpp) share: register
// access, the availability checks (CR0/CR4), 128-bit memory access with the alignment
// rule, and running host SSE under the guest's MXCSR.
//
// HOW THE ARITHMETIC IS DONE
// The host is x86-64, so SSE2 is always present there. Each guest operation executes the
// same host instruction (through <immintrin.h>) on the guest's register bits, with the
// host MXCSR set to the guest's rounding mode, DAZ and FTZ and every exception masked;
// the flags the host raised are then the guest's, and the SDM's rules for unmasked
// exceptions (#XM, destination unchanged) are applied afterwards (fp_exceptions). This
// gives bit-exact IEEE results, NaN propagation and flag behaviour for free, including
// the vendor-specific bits (RCPPS/RSQRTPS precision) that match the host's vendor.
#include <immintrin.h>

#include "x86/exec.h"
#include "x86/fpu_state.h"

#if !defined(__x86_64__)
#error "the SSE handlers execute host SSE2 instructions: x86-64 hosts only"
#endif

namespace flint::x86 {

inline FpuState& fpu(Cpu& cpu) { return cpu.state().fpu; }
inline Xmm& xmm(Cpu& cpu, unsigned r) { return cpu.state().fpu.xmm[r & 15]; }

inline __m128i to_m128i(const Xmm& x) { return _mm_load_si128(reinterpret_cast<const __m128i*>(x.q.data())); }
inline Xmm from_m128i(__m128i v) {
    Xmm x;
    _mm_store_si128(reinterpret_cast<__m128i*>(x.q.data()), v);
    return x;
}

// SSE/SSE2 instructions: #UD when CR0.EM is set or the OS has not enabled FXSAVE-aware
// state (CR4.OSFXSR), #NM while CR0.TS says the state belongs to another task.
inline Event sse_check(Cpu& cpu) {
    const CpuState& s = cpu.state();
    if ((s.cr0 & cr0::EM) || !(s.cr4 & cr4::OSFXSR)) [[unlikely]]
        return ud();
    if (s.cr0 & cr0::TS) [[unlikely]]
        return Event::exception(Vector::NM);
    return Event::none();
}

// The second half of a 16-byte operand, wrapped like any linear address of the mode.
inline u64 next_qword(const Cpu& cpu, u64 lin) {
    return cpu.mode() == CpuMode::Long64 ? lin + 8 : (lin + 8) & 0xffffffff;
}

enum class Align : u8 { Any, Sixteen };

inline bool check_align(Cpu& cpu, u64 lin, Align a) {
    if (a == Align::Sixteen && (lin & 15)) return cpu.fail(Event::exception(Vector::GP, 0));
    return true;
}

inline bool read_m128(Cpu& cpu, u64 lin, Align a, Xmm& out) {
    u64 lo, hi;
    if (!check_align(cpu, lin, a) || !cpu.read_mem(lin, 8, lo) || !cpu.read_mem(next_qword(cpu, lin), 8, hi))
        return false;
    out.q = {lo, hi};
    return true;
}

// Both halves are checked before either is written, so a fault leaves memory unchanged.
inline bool write_m128(Cpu& cpu, u64 lin, Align a, const Xmm& v) {
    if (!check_align(cpu, lin, a) || !cpu.probe_write(lin, 16)) return false;
    return cpu.write_mem(lin, 8, v.q[0]) && cpu.write_mem(next_qword(cpu, lin), 8, v.q[1]);
}

// The E operand as a full register, or `bytes` (4, 8 or 16) of memory zero-extended.
// Scalar memory operands are never alignment-checked.
inline bool read_xmm_e(Cpu& cpu, const Insn& in, unsigned bytes, Align a, Xmm& out) {
    if (!in.mem()) {
        out = xmm(cpu, in.rm);
        return true;
    }
    const u64 lin = cpu.linear(in);
    if (bytes == 16) return read_m128(cpu, lin, a, out);
    u64 v;
    if (!cpu.read_mem(lin, bytes, v)) return false;
    out = Xmm{};
    out.q[0] = v;
    return true;
}

// ---------------------------------------------------------------------------------------
// Host MXCSR around an operation. `op` must read its inputs and write its result only
// through the values it captures; the empty asm statements pin the computation between
// the two MXCSR writes (the compiler does not model MXCSR as an input of arithmetic).

template <typename T>
inline void fp_barrier(T& v) {
    asm volatile("" : "+x"(v));
}

// Runs `op` with the guest's RC/DAZ/FTZ and all exceptions masked; returns the flags the
// host raised. With the guest's underflow exception unmasked, a tiny but exact result
// must fault too, which the masked run does not flag: a second run with FTZ set (which
// flushes, hence flags, every tiny result) finds it.
template <typename Op>
inline u32 run_with_guest_mxcsr(u32 guest, Op&& op) {
    const u32 saved = _mm_getcsr();
    const u32 base = (guest & (mxcsr::RC | mxcsr::DAZ | mxcsr::FTZ)) | mxcsr::Masks;
    _mm_setcsr(base);
    op();
    u32 raised = _mm_getcsr() & mxcsr::Flags;
    if (!(guest & (mxcsr::UE << mxcsr::MaskShift)) && !(raised & mxcsr::UE) && !(guest & mxcsr::FTZ)) {
        _mm_setcsr(base | mxcsr::FTZ);
        op();
        if (_mm_getcsr() & mxcsr::UE) raised |= mxcsr::UE;
    }
    _mm_setcsr(saved);
    return raised;
}

// Applies the flags an operation raised (SDM vol. 1, 11.5.2): all masked -> sticky flags
// and the result is committed; an unmasked one -> #XM (#UD when the OS did not set
// CR4.OSXMMEXCPT) with the destination unchanged. If an unmasked pre-computation
// exception (invalid, denormal, divide-by-zero) occurred, the post-computation ones are
// not reported.
// FIXME: with overflow or underflow unmasked, the hardware sets PE from rounding the
// result with an unbounded exponent (so a tiny result that is exact at full precision
// does not set it); the masked run here reports PE from the denormalised or overflowed
// result instead. Only the sticky PE bit of a faulting instruction can differ.
inline Event fp_exceptions(Cpu& cpu, u32 raised) {
    u32& m = fpu(cpu).mxcsr;
    const u32 unmasked = raised & ~(m >> mxcsr::MaskShift) & mxcsr::Flags;
    if (unmasked == 0) [[likely]] {
        m |= raised;
        return Event::none();
    }
    constexpr u32 kPre = mxcsr::IE | mxcsr::DE | mxcsr::ZE;
    m |= (unmasked & kPre) ? (raised & kPre) : raised;
    if (!(cpu.state().cr4 & cr4::OSXMMEXCPT)) return ud();
    return Event::exception(Vector::XM);
}

// ---------------------------------------------------------------------------------------
// The operations the MMX forms (exec_mmx*.cpp) run on 64-bit values placed in the low half.

// An sse::IntOp on two register values (exec_sse_int.cpp).
__m128i sse_int_op(unsigned op, __m128i a, __m128i b);
// An sse::FpOp under the guest's MXCSR, exceptions applied (exec_sse_fp.cpp); `r` is set
// only when the result may be committed.
Event sse_fp_op(Cpu& cpu, unsigned op, __m128i a, __m128i b, __m128i& r);
// Words 4*half .. 4*half+3 of `s` shuffled by imm8 (PSHUFLW/PSHUFHW, PSHUFW), the rest kept.
Xmm shuffle_words(const Xmm& s, unsigned imm, unsigned half);
// MASKMOVDQU/MASKMOVQ: the bytes of `data` whose `mask` bit is set, stored to DS:rDI
// (segment overridable) (exec_sse_mov.cpp). False when it faulted.
bool masked_store(Cpu& cpu, const Insn& in, const Xmm& data, unsigned mask, unsigned width);
// PALIGNR: the `width`-byte dst:src pair shifted right by `shift` bytes, low `width` kept.
Xmm align_bytes(const Xmm& dst, const Xmm& src, unsigned shift, unsigned width);

}  // namespace flint::x86
