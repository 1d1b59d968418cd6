#pragma once
// Internal: what the x87 handlers (exec_x87_*.cpp) share: the status and control word
// bits, the register stack with its fault rules, the #NM/#MF checks, the last-instruction
// registers, and 80-bit memory access. The arithmetic itself runs on the host's x87
// (x87_host.h); the stack, tags, exception masking and everything the guest can see are
// kept here. Intel SDM vol. 1, chapter 8.
#include "x86/exec.h"
#include "x86/fpu_state.h"

namespace flint::x86::x87 {

// FSW: exception flags, stack fault, summary, condition codes, TOP, busy.
namespace sw {
inline constexpr u16 IE = 1u << 0;
inline constexpr u16 DE = 1u << 1;
inline constexpr u16 ZE = 1u << 2;
inline constexpr u16 OE = 1u << 3;
inline constexpr u16 UE = 1u << 4;
inline constexpr u16 PE = 1u << 5;
inline constexpr u16 Exceptions = 0x3f;
inline constexpr u16 SF = 1u << 6;  // stack fault: with IE, C1 tells overflow (1) from underflow
inline constexpr u16 ES = 1u << 7;  // an unmasked exception is pending
inline constexpr u16 C0 = 1u << 8;
inline constexpr u16 C1 = 1u << 9;
inline constexpr u16 C2 = 1u << 10;
inline constexpr u16 C3 = 1u << 14;
inline constexpr u16 Cond = C0 | C1 | C2 | C3;
inline constexpr u16 Top = 7u << 11;
inline constexpr u16 B = 1u << 15;  // busy: mirrors ES
// The exceptions detected before the operation: with one of them unmasked, nothing but
// FSW changes (SDM vol. 1, 8.5).
inline constexpr u16 PreComputation = IE | DE | ZE;
}  // namespace sw

namespace cw {
inline constexpr u16 Masks = 0x3f;     // IM..PM
inline constexpr u16 Default = 0x037f;  // all masked, 64-bit precision, round to nearest
// FLDCW ignores bits 6 and 13-15 and always reads bit 6 back as one.
inline constexpr u16 Writable = 0x1f3f;
inline constexpr u16 Fixed = 0x0040;
}  // namespace cw

// The QNaN that masked invalid operations produce: negative, quiet, zero payload.
inline constexpr X87Reg kIndefinite{u64{0xc} << 60, 0xffff};

inline FpuState& fpu_of(Cpu& cpu) { return cpu.state().fpu; }

// Recomputes ES and B from the flags and masks (after FLDCW, FLDENV, FRSTOR).
inline void update_summary(FpuState& f) {
    if (f.fsw & ~f.fcw & sw::Exceptions) f.fsw |= sw::ES | sw::B;
    else f.fsw = static_cast<u16>(f.fsw & ~(sw::ES | sw::B));
}

// Records exceptions (IE..PE, SF) an instruction raised. Returns false when one of the
// pre-computation exceptions is unmasked: the instruction then leaves its destination and
// the stack alone and only FSW changes; #MF follows on the next waiting instruction.
inline bool raise_flags(FpuState& f, u16 flags) {
    f.fsw |= flags & (sw::Exceptions | sw::SF);
    const u16 unmasked = flags & ~f.fcw & sw::Exceptions;
    if (unmasked) f.fsw |= sw::ES | sw::B;
    return !(unmasked & sw::PreComputation);
}

inline bool masked(const FpuState& f, u16 flag) { return (f.fcw & flag) != 0; }

inline void set_cond(FpuState& f, u16 mask, u16 bits) {
    f.fsw = static_cast<u16>((f.fsw & ~mask) | (bits & mask));
}

// Stack faults (SDM vol. 1, 8.5.1.1): IE and SF, C1 = 1 for overflow, 0 for underflow.
// Returns true when IE is masked, i.e. the caller stores its masked response.
inline bool stack_underflow(FpuState& f) {
    set_cond(f, sw::C1, 0);
    return raise_flags(f, sw::IE | sw::SF);
}
inline bool stack_overflow(FpuState& f) {
    set_cond(f, sw::C1, sw::C1);
    return raise_flags(f, sw::IE | sw::SF);
}

inline void push(FpuState& f, const X87Reg& v) {
    const unsigned t = (f.top() + 7) & 7;
    f.set_top(t);
    f.st[t] = v;
    f.set_tag(t, true);
}
inline void pop(FpuState& f) {
    f.set_tag(f.top(), false);
    f.set_top(f.top() + 1);
}
inline void set_st(FpuState& f, unsigned i, const X87Reg& v) {
    f.st_reg(i) = v;
    f.set_tag(f.phys(i), true);
}
// A push needs ST(7) free: the slot the new top will occupy.
inline bool push_overflows(const FpuState& f) { return !f.st_empty(7); }

// How an instruction interacts with pending exceptions and the last-instruction registers.
enum class Kind : u8 {
    NoWait,   // FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE: never #MF
    Control,  // FLDCW, FLDENV, FRSTOR, FWAIT: deliver a pending #MF, leave FIP/FOP alone
    Compute,  // everything else: deliver a pending #MF, then record FIP/FOP (and FDP)
};

// A pending unmasked exception (FSW.ES) becomes #MF at the next waiting x87 instruction,
// WAIT, or MMX instruction, when CR0.NE is set. With NE clear a PC would signal FERR# to
// the interrupt controller; this CPU has no such line and simply carries on.
inline Event pending_exception(const CpuState& s) {
    if ((s.fpu.fsw & sw::ES) && (s.cr0 & cr0::NE)) [[unlikely]]
        return Event::exception(Vector::MF);
    return Event::none();
}

// #NM while CR0.EM or CR0.TS is set; then, for waiting instructions, a pending #MF.
inline Event begin(Cpu& cpu, const Insn& in, Kind kind) {
    CpuState& s = cpu.state();
    if (s.cr0 & (cr0::EM | cr0::TS)) [[unlikely]]
        return Event::exception(Vector::NM);
    FpuState& f = s.fpu;
    if (kind == Kind::NoWait) return Event::none();
    if (Event e = pending_exception(s); !e.ok()) return e;
    if (kind == Kind::Compute) {
        f.fip = cpu.insn_rip();
        f.fcs = s.seg[static_cast<unsigned>(Seg::Cs)].selector;
        f.fop = static_cast<u16>(((in.opcode() & 7) << 8) | in.imm2);
        if (in.mem()) {
            f.fdp = cpu.effective_address(in);
            f.fds = s.seg[in.seg].selector;
        }
    }
    return Event::none();
}

// FNINIT's state (also what FNSAVE leaves).
void finit(FpuState& f);

// The second part of a 10-byte operand, wrapped like any linear address of the mode.
inline u64 lin_plus(const Cpu& cpu, u64 lin, u64 n) {
    return cpu.mode() == CpuMode::Long64 ? lin + n : (lin + n) & 0xffffffff;
}

inline bool read_m80(Cpu& cpu, u64 lin, X87Reg& out) {
    u64 lo, hi;
    if (!cpu.read_mem(lin, 8, lo) || !cpu.read_mem(lin_plus(cpu, lin, 8), 2, hi)) return false;
    out = X87Reg{lo, static_cast<u16>(hi)};
    return true;
}
// Checked whole before either part is written, so a fault leaves memory unchanged.
inline bool write_m80(Cpu& cpu, u64 lin, const X87Reg& v) {
    if (!cpu.probe_write(lin, 10)) return false;
    return cpu.write_mem(lin, 8, v.mantissa) && cpu.write_mem(lin_plus(cpu, lin, 8), 2, v.sign_exp);
}

}  // namespace flint::x86::x87

namespace flint::x86 {

// The x87 handler families, called by op_x87 (exec_x87.cpp) once it has decoded D8-DF.
// Each starts with begin() itself, since the kind of instruction decides its checks.
Event x87_arith_mem(Cpu&, const Insn&);  // D8, DA, DC, DE with a memory operand
Event x87_arith_reg(Cpu&, const Insn&);  // D8, DC, DE register forms (and their compares)
Event x87_compare_reg(Cpu&, const Insn&);  // FUCOM/FUCOMP/FUCOMPP/FCOMPP, FCOMI family
Event x87_load_mem(Cpu&, const Insn&);   // FLD/FST/FILD/FIST/FISTTP/FBLD/FBSTP m
Event x87_move_reg(Cpu&, const Insn&);   // FLD/FST ST(i), FXCH, FCMOVcc, FFREE(P)
Event x87_constant(Cpu&, const Insn&);   // D9 E8-EE
Event x87_math(Cpu&, const Insn&);       // D9 E0-E5, F0-FF
Event x87_control_mem(Cpu&, const Insn&);  // FLDCW FNSTCW FNSTSW FLDENV FNSTENV FRSTOR FNSAVE
Event x87_control_reg(Cpu&, const Insn&);  // FNOP, FNINIT, FNCLEX, FNSTSW AX, 8087 no-ops

}  // namespace flint::x86
