// The x87 escape opcodes D8-DF: one handler that sorts each encoding into its family
// (exec_x87_arith.cpp, exec_x87_load.cpp, exec_x87_math.cpp, exec_x87_env.cpp), the
// control instructions without a memory operand, and WAIT. Intel SDM vol. 2, table A-7
// to A-22 (the x87 opcode maps).
#include "x86/x87.h"

namespace flint::x86 {
namespace {

using namespace x87;

using Family = Event (*)(Cpu&, const Insn&);

// Register forms by opcode (D8-DF) and ModRM bits 5-3; nullptr: decided by ModRM bits 2-0.
constexpr Family kRegForms[8][8] = {
    // D8: FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR ST(0), ST(i)
    {x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg,
     x87_arith_reg},
    // D9: FLD, FXCH, FNOP, FSTP (alias), E0-E7, constants, F0-FF
    {x87_move_reg, x87_move_reg, nullptr, x87_move_reg, nullptr, nullptr, x87_math, x87_math},
    // DA: FCMOVB FCMOVE FCMOVBE FCMOVU, -, FUCOMPP
    {x87_move_reg, x87_move_reg, x87_move_reg, x87_move_reg, nullptr, nullptr, nullptr, nullptr},
    // DB: FCMOVNB FCMOVNE FCMOVNBE FCMOVNU, E0-E7, FUCOMI, FCOMI
    {x87_move_reg, x87_move_reg, x87_move_reg, x87_move_reg, x87_control_reg, x87_compare_reg, x87_compare_reg,
     nullptr},
    // DC: ST(i), ST(0) forms, with FCOM/FCOMP aliases
    {x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg, x87_arith_reg,
     x87_arith_reg},
    // DD: FFREE, FXCH (alias), FST, FSTP, FUCOM, FUCOMP
    {x87_move_reg, x87_move_reg, x87_move_reg, x87_move_reg, x87_compare_reg, x87_compare_reg, nullptr, nullptr},
    // DE: the popping forms, FCOMP (alias), FCOMPP
    {x87_arith_reg, x87_arith_reg, x87_arith_reg, nullptr, x87_arith_reg, x87_arith_reg, x87_arith_reg,
     x87_arith_reg},
    // DF: FFREEP, FXCH (alias), FSTP (aliases), FNSTSW AX, FUCOMIP, FCOMIP
    {x87_move_reg, x87_move_reg, x87_move_reg, x87_move_reg, nullptr, x87_compare_reg, x87_compare_reg, nullptr},
};

Family reg_family(const Insn& in) {
    const unsigned op = in.opcode() & 7, reg = in.reg & 7, rm = in.rm & 7;
    if (Family fam = kRegForms[op][reg]) return fam;
    switch (op << 4 | reg) {
    case 0x12: return rm == 0 ? x87_control_reg : nullptr;  // FNOP
    case 0x14: return rm == 0 || rm == 1 || rm == 4 || rm == 5 ? x87_math : nullptr;
    case 0x15: return x87_constant;
    case 0x25: return rm == 1 ? x87_compare_reg : nullptr;  // FUCOMPP
    case 0x63: return rm == 1 ? x87_compare_reg : nullptr;  // FCOMPP
    case 0x74: return rm == 0 ? x87_control_reg : nullptr;  // FNSTSW AX
    default: return nullptr;
    }
}

Family mem_family(const Insn& in) {
    const unsigned op = in.opcode() & 7, reg = in.reg & 7;
    switch (op) {
    case 0: case 2: case 4: case 6: return x87_arith_mem;
    case 1: return reg == 1 ? nullptr : reg >= 4 ? x87_control_mem : x87_load_mem;
    case 3: return reg == 4 || reg == 6 ? nullptr : x87_load_mem;
    case 5: return reg == 5 ? nullptr : reg >= 4 ? x87_control_mem : x87_load_mem;
    default: return x87_load_mem;
    }
}

}  // namespace

Event op_x87(Cpu& cpu, const Insn& in) {
    const Family fam = in.mem() ? mem_family(in) : reg_family(in);
    return fam ? fam(cpu, in) : ud();
}

// D9 D0 FNOP; DB E0-E4 FNENI, FNDISI, FNCLEX, FNINIT, FNSETPM (the 8087/287 controls are
// no-ops since the 387); DF E0 FNSTSW AX.
Event x87_control_reg(Cpu& cpu, const Insn& in) {
    const unsigned rm = in.rm & 7;
    if (in.opcode() == 0xdb && rm > 4) return ud();
    const bool waits = in.opcode() == 0xd9;
    if (Event e = begin(cpu, in, waits ? Kind::Compute : Kind::NoWait); !e.ok()) return e;
    FpuState& f = fpu_of(cpu);
    if (in.opcode() == 0xdf) {
        cpu.set_reg(static_cast<u8>(Reg::Rax), 2, f.fsw);
    } else if (in.opcode() == 0xdb && rm == 2) {
        f.fsw = static_cast<u16>(f.fsw & ~(sw::Exceptions | sw::SF | sw::ES | sw::B));
    } else if (in.opcode() == 0xdb && rm == 3) {
        finit(f);
    }
    return Event::none();
}

// WAIT/FWAIT: #NM only when both MP and TS are set; then delivers a pending unmasked x87
// exception as #MF (with CR0.NE).
Event op_fwait(Cpu& cpu, const Insn&) {
    const CpuState& s = cpu.state();
    if ((s.cr0 & (cr0::MP | cr0::TS)) == (cr0::MP | cr0::TS)) return Event::exception(Vector::NM);
    return pending_exception(s);
}

}  // namespace flint::x86
