#pragma once
// Internal: what the MMX handlers (exec_mmx.cpp, exec_mmx_sse.cpp) share: the MMX
// registers, the availability checks, and the switch of the x87 state into MMX use.
//
// MM0-MM7 are the significands (bits 0-63) of the physical x87 registers R0-R7, whatever
// the stack top (Intel SDM vol. 1, 9.5; vol. 3, 12.2). Every MMX instruction except EMMS
// sets TOP to 0 and tags all eight registers valid; a write to an MMX register also sets
// that register's sign and exponent (bits 64-79) to all ones. The switch happens only
// when the instruction completes: a faulting one leaves the x87 state alone.
#include "x86/sse.h"
#include "x86/x87.h"

namespace flint::x86 {

namespace mmx {
inline constexpr u16 kFswTop = 7u << 11;
inline constexpr u16 kWrittenExponent = 0xffff;
}  // namespace mmx

inline u64 mm(Cpu& cpu, unsigned r) { return fpu(cpu).st[r & 7].mantissa; }

// The transition to MMX use, done by every MMX instruction that completes (EMMS aside).
inline void enter_mmx(Cpu& cpu) {
    FpuState& f = fpu(cpu);
    f.fsw = static_cast<u16>(f.fsw & ~u32{mmx::kFswTop});
    f.ftw = 0xff;  // abridged tag word: every register valid
}

// The usual end of an MMX instruction: write MMr, then switch to MMX use.
inline void set_mm(Cpu& cpu, unsigned r, u64 v) {
    X87Reg& reg = fpu(cpu).st[r & 7];
    reg.mantissa = v;
    reg.sign_exp = mmx::kWrittenExponent;
    enter_mmx(cpu);
}

// A pending unmasked x87 exception (FSW.ES, which the x87 loads FLDCW, FLDENV, FRSTOR and
// FXRSTOR recompute from the flags and masks) is delivered as #MF before any instruction
// that touches the x87/MMX state, when CR0.NE is set (x87::pending_exception).
inline Event x87_pending_check(Cpu& cpu) { return x87::pending_exception(cpu.state()); }

// MMX instructions and the SSE ones that use only MMX registers (SDM vol. 3, tables 22-7
// and 22-8): #UD with CR0.EM, #NM with CR0.TS, then #MF for a pending x87 exception.
// CR4.OSFXSR is not consulted: there is no XMM state involved. A 66, F2 or F3 prefix that
// selected no other instruction is reserved with MMX instructions (SDM vol. 2, 2.1.1):
// AMD processors raise #UD, and so does this CPU.
inline Event mmx_check(Cpu& cpu, const Insn& in) {
    const CpuState& s = cpu.state();
    constexpr u16 kStrayPrefix = insn_flags::OpSize | insn_flags::Rep | insn_flags::Repne;
    if ((s.cr0 & cr0::EM) || in.has(kStrayPrefix)) [[unlikely]]
        return ud();
    if (s.cr0 & cr0::TS) [[unlikely]]
        return Event::exception(Vector::NM);
    return x87_pending_check(cpu);
}

// Instructions with an XMM and an MMX operand (tables 22-5 and 22-6): the SSE conditions
// (CR4.OSFXSR included), then the pending x87 exception.
inline Event mmx_xmm_check(Cpu& cpu) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    return x87_pending_check(cpu);
}

// The E operand as an MMX register or 64 bits of memory.
inline bool read_mm_e(Cpu& cpu, const Insn& in, u64& out) {
    if (in.mem()) return cpu.read_mem(cpu.linear(in), 8, out);
    out = mm(cpu, in.rm);
    return true;
}

// The low quadword as a 128-bit value with a zero upper half, and back.
inline __m128i widen(u64 v) { return _mm_set_epi64x(0, static_cast<long long>(v)); }
inline u64 low_half(__m128i v) { return static_cast<u64>(_mm_cvtsi128_si64(v)); }
inline u64 high_half(__m128i v) { return low_half(_mm_unpackhi_epi64(v, v)); }

}  // namespace flint::x86
