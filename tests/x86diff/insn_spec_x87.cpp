// The x87 part of the generator's instruction list (D8-DF and WAIT), written from the
// SDM's x87 opcode maps (vol. 2, A.5) like insn_spec.cpp. Every form has its own row: the
// memory forms by ModRM.reg, the register forms by ModRM.reg with a random ST(i), or with
// the whole ModRM fixed where the encoding names one instruction (D9 E0 FCHS...).
#include "insn_spec_x87.h"

namespace flint::x86diff {
namespace {

using namespace trait;

struct Row {
    std::string_view name;
    u8 opcode;
    i8 reg;
    i8 rm = -1;    // register forms: fixed ModRM.rm, or -1 for a random ST(i)
    u8 mem = 0;    // memory forms: operand bytes (0: register form)
    u32 traits = 0;
};

// Memory forms.
constexpr Row M(std::string_view n, u8 op, i8 reg, u8 mem, u32 traits = 0) { return {n, op, reg, -1, mem, traits}; }
// Register forms on ST(i).
constexpr Row R(std::string_view n, u8 op, i8 reg) { return {n, op, reg}; }
// Register forms with the whole ModRM fixed: opcode, then the byte C0-FF.
constexpr Row F(std::string_view n, u8 op, u8 modrm, u32 traits = 0) {
    return {n, op, static_cast<i8>((modrm >> 3) & 7), static_cast<i8>(modrm & 7), 0, traits};
}

constexpr std::string_view kArith[8] = {"FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"};
constexpr std::string_view kIntArith[8] = {"FIADD", "FIMUL", "FICOM", "FICOMP",
                                           "FISUB", "FISUBR", "FIDIV", "FIDIVR"};
// DC and DE register forms: SUB/SUBR and DIV/DIVR swap places.
constexpr std::string_view kArithToSt[8] = {"FADD", "FMUL", "FCOM (DC alias)", "FCOMP (DC alias)",
                                            "FSUBR", "FSUB", "FDIVR", "FDIV"};
constexpr std::string_view kArithPop[8] = {"FADDP", "FMULP", "FCOMP (DE alias)", "", "FSUBRP", "FSUBP", "FDIVRP", "FDIVP"};

constexpr Row kRows[] = {
    M("FLD", 0xd9, 0, 4), M("FST", 0xd9, 2, 4), M("FSTP", 0xd9, 3, 4),
    M("FLDENV", 0xd9, 4, 28, X87Env), M("FLDCW", 0xd9, 5, 2, X87Int), M("FNSTENV", 0xd9, 6, 28),
    M("FNSTCW", 0xd9, 7, 2),
    M("FILD", 0xdb, 0, 4, X87Int), M("FISTTP", 0xdb, 1, 4), M("FIST", 0xdb, 2, 4), M("FISTP", 0xdb, 3, 4),
    M("FLD", 0xdb, 5, 10), M("FSTP", 0xdb, 7, 10),
    M("FLD", 0xdd, 0, 8), M("FISTTP", 0xdd, 1, 8), M("FST", 0xdd, 2, 8), M("FSTP", 0xdd, 3, 8),
    M("FRSTOR", 0xdd, 4, 108, X87Env), M("FNSAVE", 0xdd, 6, 108), M("FNSTSW", 0xdd, 7, 2),
    M("FILD", 0xdf, 0, 2, X87Int), M("FISTTP", 0xdf, 1, 2), M("FIST", 0xdf, 2, 2), M("FISTP", 0xdf, 3, 2),
    M("FBLD", 0xdf, 4, 10, X87Int), M("FILD", 0xdf, 5, 8, X87Int), M("FBSTP", 0xdf, 6, 10),
    M("FISTP", 0xdf, 7, 8),
    M("(D9 /1 m)", 0xd9, 1, 4, Undefined), M("(DB /4 m)", 0xdb, 4, 4, Undefined),
    M("(DB /6 m)", 0xdb, 6, 4, Undefined), M("(DD /5 m)", 0xdd, 5, 4, Undefined),

    R("FLD", 0xd9, 0), R("FXCH", 0xd9, 1), F("FNOP", 0xd9, 0xd0), R("FSTP (D9 alias)", 0xd9, 3),
    F("FCHS", 0xd9, 0xe0), F("FABS", 0xd9, 0xe1), F("FTST", 0xd9, 0xe4), F("FXAM", 0xd9, 0xe5),
    F("FLD1", 0xd9, 0xe8), F("FLDL2T", 0xd9, 0xe9), F("FLDL2E", 0xd9, 0xea), F("FLDPI", 0xd9, 0xeb),
    F("FLDLG2", 0xd9, 0xec), F("FLDLN2", 0xd9, 0xed), F("FLDZ", 0xd9, 0xee),
    F("F2XM1", 0xd9, 0xf0), F("FYL2X", 0xd9, 0xf1), F("FPTAN", 0xd9, 0xf2), F("FPATAN", 0xd9, 0xf3),
    F("FXTRACT", 0xd9, 0xf4), F("FPREM1", 0xd9, 0xf5), F("FDECSTP", 0xd9, 0xf6), F("FINCSTP", 0xd9, 0xf7),
    F("FPREM", 0xd9, 0xf8), F("FYL2XP1", 0xd9, 0xf9), F("FSQRT", 0xd9, 0xfa), F("FSINCOS", 0xd9, 0xfb),
    F("FRNDINT", 0xd9, 0xfc), F("FSCALE", 0xd9, 0xfd), F("FSIN", 0xd9, 0xfe), F("FCOS", 0xd9, 0xff),
    R("FCMOVB", 0xda, 0), R("FCMOVE", 0xda, 1), R("FCMOVBE", 0xda, 2), R("FCMOVU", 0xda, 3),
    F("FUCOMPP", 0xda, 0xe9),
    R("FCMOVNB", 0xdb, 0), R("FCMOVNE", 0xdb, 1), R("FCMOVNBE", 0xdb, 2), R("FCMOVNU", 0xdb, 3),
    F("FNENI", 0xdb, 0xe0), F("FNDISI", 0xdb, 0xe1), F("FNCLEX", 0xdb, 0xe2), F("FNINIT", 0xdb, 0xe3),
    F("FNSETPM", 0xdb, 0xe4), R("FUCOMI", 0xdb, 5), R("FCOMI", 0xdb, 6),
    R("FFREE", 0xdd, 0), R("FXCH (DD alias)", 0xdd, 1), R("FST", 0xdd, 2), R("FSTP", 0xdd, 3),
    R("FUCOM", 0xdd, 4), R("FUCOMP", 0xdd, 5),
    F("FCOMPP", 0xde, 0xd9),
    R("FFREEP", 0xdf, 0), R("FXCH (DF alias)", 0xdf, 1), R("FSTP (DF D0 alias)", 0xdf, 2),
    R("FSTP (DF D8 alias)", 0xdf, 3), F("FNSTSW AX", 0xdf, 0xe0), R("FUCOMIP", 0xdf, 5), R("FCOMIP", 0xdf, 6),

    F("(D9 D1)", 0xd9, 0xd1, Undefined), F("(D9 E2)", 0xd9, 0xe2, Undefined), F("(D9 E7)", 0xd9, 0xe7, Undefined),
    F("(D9 EF)", 0xd9, 0xef, Undefined), F("(DA E8)", 0xda, 0xe8, Undefined), F("(DA F0)", 0xda, 0xf0, Undefined),
    F("(DB E5)", 0xdb, 0xe5, Undefined), F("(DB F8)", 0xdb, 0xf8, Undefined), F("(DD F0)", 0xdd, 0xf0, Undefined),
    F("(DE D8)", 0xde, 0xd8, Undefined), F("(DF E1)", 0xdf, 0xe1, Undefined), F("(DF F8)", 0xdf, 0xf8, Undefined),
};

InsnSpec spec(std::string_view name, u8 opcode, i8 reg, i8 rm, u8 mem, u32 traits) {
    // The environment forms depend on the operand size (14/94 bytes with 66): let the
    // generator vary it. Everything else ignores 66, so it is left out.
    const bool env = mem == 28 || mem == 108;
    const u32 where = mem ? MemOnly : RegOnly;
    InsnSpec s{name, 0, 0, opcode, reg, Form::E, env ? SizeRule::V : SizeRule::X, ImmRule::None,
               traits | where | X87};
    s.mem = mem;
    s.rm = rm;
    return s;
}

}  // namespace

void add_x87_specs(std::vector<InsnSpec>& t) {
    for (i8 r = 0; r < 8; ++r) {
        const auto k = static_cast<size_t>(r);
        t.push_back(spec(kArith[k], 0xd8, r, -1, 4, 0));
        t.push_back(spec(kIntArith[k], 0xda, r, -1, 4, X87Int));
        t.push_back(spec(kArith[k], 0xdc, r, -1, 8, 0));
        t.push_back(spec(kIntArith[k], 0xde, r, -1, 2, X87Int));
        t.push_back(spec(kArith[k], 0xd8, r, -1, 0, 0));
        t.push_back(spec(kArithToSt[k], 0xdc, r, -1, 0, 0));
        if (!kArithPop[k].empty()) t.push_back(spec(kArithPop[k], 0xde, r, -1, 0, 0));
    }
    for (const Row& r : kRows) t.push_back(spec(r.name, r.opcode, r.reg, r.rm, r.mem, r.traits));
    t.push_back(InsnSpec{"FWAIT", 0, 0, 0x9b, -1, Form::None, SizeRule::X, ImmRule::None, X87});
}

}  // namespace flint::x86diff
