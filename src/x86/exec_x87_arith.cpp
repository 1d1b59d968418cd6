// x87 arithmetic and compares: FADD FMUL FSUB FSUBR FDIV FDIVR FCOM FCOMP in every form
// (m32, m64, m16int, m32int, ST(0),ST(i), ST(i),ST(0) and the popping forms), FCOMPP,
// FUCOM/FUCOMP/FUCOMPP and FCOMI/FCOMIP/FUCOMI/FUCOMIP. The host computes (x87_host.h);
// the stack and the stack faults are handled here. Intel SDM vol. 2, FADD..FUCOMI.
#include "x86/x87_host.h"

namespace flint::x86 {
namespace {

using namespace x87;

constexpr unsigned kCom = 2, kComp = 3;
constexpr u16 kUnordered = sw::C0 | sw::C2 | sw::C3;

// ST(dest) = ST(dest) op source, where the source is ST(other) or `mem`; compares only set
// C0-C3. Then `pops` pops, unless an unmasked pre-computation exception stopped it all.
Event arith(FpuState& f, HostFn fn, bool compare, unsigned dest, unsigned other, Src src, u64 mem, unsigned pops) {
    if (f.st_empty(dest) || (src == Src::St && f.st_empty(other))) {
        // A compare reports "unordered" even when the fault is unmasked.
        if (compare) set_cond(f, kUnordered, kUnordered);
        if (!stack_underflow(f)) return Event::none();
        if (!compare) set_st(f, dest, kIndefinite);
    } else {
        const HostIo io = run_host(f, fn, f.st_reg(dest), f.st_reg(other), mem);
        set_cond(f, sw::Cond, io.cond());
        if (!raise_flags(f, io.flags())) return Event::none();
        if (!compare) set_st(f, dest, io.result(0));
    }
    for (; pops; --pops) pop(f);
    return Event::none();
}

}  // namespace

// D8 m32real, DC m64real, DA m32int, DE m16int; ModRM.reg is the operation.
Event x87_arith_mem(Cpu& cpu, const Insn& in) {
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    const Src src = in.opcode() == 0xd8 ? Src::M32 : in.opcode() == 0xdc ? Src::M64 : in.opcode() == 0xda ? Src::I32 : Src::I16;
    constexpr u8 kBytes[kSrcCount] = {0, 4, 8, 2, 4};
    u64 mem;
    if (!cpu.read_mem(cpu.linear(in), kBytes[static_cast<unsigned>(src)], mem)) return cpu.fault();
    const unsigned op = in.reg & 7;
    return arith(fpu_of(cpu), kArith[op][static_cast<unsigned>(src)], op == kCom || op == kComp, 0, 0, src, mem,
                 op == kComp ? 1 : 0);
}

// D8: ST(0) = ST(0) op ST(i). DC: ST(i) = ST(i) op ST(0), where the encodings of SUB/SUBR
// and DIV/DIVR are swapped relative to D8. DE: as DC, then pop. The compares (D8 D0/D8,
// and the aliases DC D0/D8 and DE D0, which pops) compare ST(0) with ST(i).
Event x87_arith_reg(Cpu& cpu, const Insn& in) {
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    const unsigned reg = in.reg & 7, i = in.rm & 7;
    const bool compare = reg == kCom || reg == kComp;
    const bool to_sti = in.opcode() != 0xd8 && !compare;
    const unsigned op = to_sti && reg >= 4 ? reg ^ 1 : reg;
    const unsigned pops = (reg == kComp || in.opcode() == 0xde) ? 1 : 0;
    const unsigned dest = to_sti ? i : 0, other = to_sti ? 0 : i;
    return arith(fpu_of(cpu), kArith[op][0], compare, dest, other, Src::St, 0, pops);
}

// DD E0+i FUCOM, DD E8+i FUCOMP, DA E9 FUCOMPP, DE D9 FCOMPP; DB E8+i FUCOMI, DB F0+i
// FCOMI, DF E8+i FUCOMIP, DF F0+i FCOMIP.
Event x87_compare_reg(Cpu& cpu, const Insn& in) {
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    FpuState& f = fpu_of(cpu);
    const unsigned reg = in.reg & 7, i = in.rm & 7;
    switch (in.opcode()) {
    case 0xdd: return arith(f, host_ucom_st, true, 0, i, Src::St, 0, reg == 5 ? 1 : 0);
    case 0xda: return arith(f, host_ucom_st, true, 0, 1, Src::St, 0, 2);
    case 0xde: return arith(f, host_com_st, true, 0, 1, Src::St, 0, 2);
    default: break;
    }
    // FCOMI family: the result goes to ZF, PF, CF (OF, SF, AF cleared); of FSW only the
    // exception flags change (the hardware leaves C1 alone too, unless the stack faults).
    const bool ordered = reg == 6, popping = in.opcode() == 0xdf;
    // An invalid operand (stack fault or NaN) reports "unordered" even when IE is unmasked;
    // the unmasked case then neither pops nor completes otherwise.
    u16 result = kUnordered;
    bool completes = true;
    if (f.st_empty(0) || f.st_empty(i)) {
        completes = stack_underflow(f);
    } else {
        const HostIo io = run_host(f, ordered ? host_com_st : host_ucom_st, f.st_reg(0), f.st_reg(i));
        completes = raise_flags(f, io.flags());
        if (!(io.flags() & sw::IE)) result = io.cond();
    }
    const u64 bits = ((result & sw::C3) ? rflags::ZF : 0) | ((result & sw::C2) ? rflags::PF : 0) |
                     ((result & sw::C0) ? rflags::CF : 0);
    cpu.flags().set_bits(rflags::Status, bits);
    if (popping && completes) pop(f);
    return Event::none();
}

}  // namespace flint::x86
