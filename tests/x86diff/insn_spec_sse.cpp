// The SSE/SSE2 part of the generator's instruction list (0F map with the mandatory
// prefixes none/66/F3/F2), written from the SDM's opcode tables like insn_spec.cpp.
#include "insn_spec_sse.h"

namespace flint::x86diff {
namespace {

using namespace trait;

constexpr auto X = SizeRule::X;

struct Row {
    std::string_view name;
    u8 prefix;
    u8 opcode;  // in the 0F map unless `map` says otherwise
    Form form;
    u8 mem;  // memory operand bytes (0: none / by operand size)
    ImmRule imm = ImmRule::None;
    u32 traits = 0;
    SizeRule size = X;
    i8 reg = -1;
    u8 map = 1;
};

// xmm, xmm/m128 (aligned) arithmetic and logic.
constexpr Row P(std::string_view n, u8 prefix, u8 op) { return {n, prefix, op, Form::G_E, 16}; }
// Scalar forms: xmm, xmm/m32|64 (never alignment-checked).
constexpr Row S(std::string_view n, u8 prefix, u8 op, u8 mem) { return {n, prefix, op, Form::G_E, mem}; }
// 66 0F 38 xx: xmm, xmm/m128.
constexpr Row P38(std::string_view n, u8 op) { return {n, 0x66, op, Form::G_E, 16, ImmRule::None, 0, X, -1, 2}; }

constexpr Row kRows[] = {
    // Moves.
    {"MOVUPS", 0, 0x10, Form::G_E, 16}, {"MOVUPS", 0, 0x11, Form::E_G, 16},
    {"MOVUPD", 0x66, 0x10, Form::G_E, 16}, {"MOVUPD", 0x66, 0x11, Form::E_G, 16},
    {"MOVSS", 0xf3, 0x10, Form::G_E, 4}, {"MOVSS", 0xf3, 0x11, Form::E_G, 4},
    {"MOVSD", 0xf2, 0x10, Form::G_E, 8}, {"MOVSD", 0xf2, 0x11, Form::E_G, 8},
    {"MOVLPS", 0, 0x12, Form::G_E, 8}, {"MOVLPS", 0, 0x13, Form::M_G, 8, ImmRule::None, MemOnly},
    {"MOVHPS", 0, 0x16, Form::G_E, 8}, {"MOVHPS", 0, 0x17, Form::M_G, 8, ImmRule::None, MemOnly},
    {"MOVLPD", 0x66, 0x12, Form::G_M, 8, ImmRule::None, MemOnly},
    {"MOVLPD", 0x66, 0x13, Form::M_G, 8, ImmRule::None, MemOnly},
    {"MOVHPD", 0x66, 0x16, Form::G_M, 8, ImmRule::None, MemOnly},
    {"MOVHPD", 0x66, 0x17, Form::M_G, 8, ImmRule::None, MemOnly},
    {"MOVAPS", 0, 0x28, Form::G_E, 16}, {"MOVAPS", 0, 0x29, Form::E_G, 16},
    {"MOVAPD", 0x66, 0x28, Form::G_E, 16}, {"MOVAPD", 0x66, 0x29, Form::E_G, 16},
    {"MOVNTPS", 0, 0x2b, Form::M_G, 16, ImmRule::None, MemOnly},
    {"MOVNTPD", 0x66, 0x2b, Form::M_G, 16, ImmRule::None, MemOnly},
    {"MOVDQA", 0x66, 0x6f, Form::G_E, 16}, {"MOVDQA", 0x66, 0x7f, Form::E_G, 16},
    {"MOVDQU", 0xf3, 0x6f, Form::G_E, 16}, {"MOVDQU", 0xf3, 0x7f, Form::E_G, 16},
    {"MOVNTDQ", 0x66, 0xe7, Form::M_G, 16, ImmRule::None, MemOnly},
    {"MOVD/MOVQ", 0x66, 0x6e, Form::G_E, 0, ImmRule::None, 0, SizeRule::Y},
    {"MOVD/MOVQ", 0x66, 0x7e, Form::E_G, 0, ImmRule::None, 0, SizeRule::Y},
    {"MOVQ", 0xf3, 0x7e, Form::G_E, 8}, {"MOVQ", 0x66, 0xd6, Form::E_G, 8},
    {"MOVMSKPS", 0, 0x50, Form::G_E, 0, ImmRule::None, RegOnly, SizeRule::Y},
    {"MOVMSKPD", 0x66, 0x50, Form::G_E, 0, ImmRule::None, RegOnly, SizeRule::Y},
    {"PMOVMSKB", 0x66, 0xd7, Form::G_E, 0, ImmRule::None, RegOnly, SizeRule::Y},
    {"PINSRW", 0x66, 0xc4, Form::G_E, 2, ImmRule::B},
    {"PEXTRW", 0x66, 0xc5, Form::G_E, 0, ImmRule::B, RegOnly, SizeRule::Y},
    {"MASKMOVDQU", 0x66, 0xf7, Form::G_E, 0, ImmRule::None, RegOnly | MaskMov},
    // Shuffles and unpacks.
    P("UNPCKLPS", 0, 0x14), P("UNPCKHPS", 0, 0x15), P("UNPCKLPD", 0x66, 0x14), P("UNPCKHPD", 0x66, 0x15),
    {"SHUFPS", 0, 0xc6, Form::G_E, 16, ImmRule::B}, {"SHUFPD", 0x66, 0xc6, Form::G_E, 16, ImmRule::B},
    {"PSHUFD", 0x66, 0x70, Form::G_E, 16, ImmRule::B}, {"PSHUFHW", 0xf3, 0x70, Form::G_E, 16, ImmRule::B},
    {"PSHUFLW", 0xf2, 0x70, Form::G_E, 16, ImmRule::B},
    // Logic.
    P("ANDPS", 0, 0x54), P("ANDNPS", 0, 0x55), P("ORPS", 0, 0x56), P("XORPS", 0, 0x57),
    P("ANDPD", 0x66, 0x54), P("ANDNPD", 0x66, 0x55), P("ORPD", 0x66, 0x56), P("XORPD", 0x66, 0x57),
    // Floating point.
    P("SQRTPS", 0, 0x51), P("RSQRTPS", 0, 0x52), P("RCPPS", 0, 0x53), P("SQRTPD", 0x66, 0x51),
    S("SQRTSS", 0xf3, 0x51, 4), S("RSQRTSS", 0xf3, 0x52, 4), S("RCPSS", 0xf3, 0x53, 4), S("SQRTSD", 0xf2, 0x51, 8),
    P("ADDPS", 0, 0x58), P("MULPS", 0, 0x59), P("SUBPS", 0, 0x5c), P("MINPS", 0, 0x5d), P("DIVPS", 0, 0x5e),
    P("MAXPS", 0, 0x5f), P("ADDPD", 0x66, 0x58), P("MULPD", 0x66, 0x59), P("SUBPD", 0x66, 0x5c),
    P("MINPD", 0x66, 0x5d), P("DIVPD", 0x66, 0x5e), P("MAXPD", 0x66, 0x5f),
    S("ADDSS", 0xf3, 0x58, 4), S("MULSS", 0xf3, 0x59, 4), S("SUBSS", 0xf3, 0x5c, 4), S("MINSS", 0xf3, 0x5d, 4),
    S("DIVSS", 0xf3, 0x5e, 4), S("MAXSS", 0xf3, 0x5f, 4), S("ADDSD", 0xf2, 0x58, 8), S("MULSD", 0xf2, 0x59, 8),
    S("SUBSD", 0xf2, 0x5c, 8), S("MINSD", 0xf2, 0x5d, 8), S("DIVSD", 0xf2, 0x5e, 8), S("MAXSD", 0xf2, 0x5f, 8),
    {"CMPPS", 0, 0xc2, Form::G_E, 16, ImmRule::B}, {"CMPPD", 0x66, 0xc2, Form::G_E, 16, ImmRule::B},
    {"CMPSS", 0xf3, 0xc2, Form::G_E, 4, ImmRule::B}, {"CMPSD", 0xf2, 0xc2, Form::G_E, 8, ImmRule::B},
    S("UCOMISS", 0, 0x2e, 4), S("COMISS", 0, 0x2f, 4), S("UCOMISD", 0x66, 0x2e, 8), S("COMISD", 0x66, 0x2f, 8),
    // Conversions.
    S("CVTPS2PD", 0, 0x5a, 8), P("CVTPD2PS", 0x66, 0x5a), S("CVTSS2SD", 0xf3, 0x5a, 4), S("CVTSD2SS", 0xf2, 0x5a, 8),
    P("CVTDQ2PS", 0, 0x5b), P("CVTPS2DQ", 0x66, 0x5b), P("CVTTPS2DQ", 0xf3, 0x5b),
    S("CVTDQ2PD", 0xf3, 0xe6, 8), P("CVTPD2DQ", 0xf2, 0xe6), P("CVTTPD2DQ", 0x66, 0xe6),
    {"CVTSI2SS", 0xf3, 0x2a, Form::G_E, 0, ImmRule::None, 0, SizeRule::Y},
    {"CVTSI2SD", 0xf2, 0x2a, Form::G_E, 0, ImmRule::None, 0, SizeRule::Y},
    {"CVTTSS2SI", 0xf3, 0x2c, Form::G_E, 4, ImmRule::None, 0, SizeRule::Y},
    {"CVTSS2SI", 0xf3, 0x2d, Form::G_E, 4, ImmRule::None, 0, SizeRule::Y},
    {"CVTTSD2SI", 0xf2, 0x2c, Form::G_E, 8, ImmRule::None, 0, SizeRule::Y},
    {"CVTSD2SI", 0xf2, 0x2d, Form::G_E, 8, ImmRule::None, 0, SizeRule::Y},
    // SSE2 integer.
    P("PUNPCKLBW", 0x66, 0x60), P("PUNPCKLWD", 0x66, 0x61), P("PUNPCKLDQ", 0x66, 0x62), P("PACKSSWB", 0x66, 0x63),
    P("PCMPGTB", 0x66, 0x64), P("PCMPGTW", 0x66, 0x65), P("PCMPGTD", 0x66, 0x66), P("PACKUSWB", 0x66, 0x67),
    P("PUNPCKHBW", 0x66, 0x68), P("PUNPCKHWD", 0x66, 0x69), P("PUNPCKHDQ", 0x66, 0x6a), P("PACKSSDW", 0x66, 0x6b),
    P("PUNPCKLQDQ", 0x66, 0x6c), P("PUNPCKHQDQ", 0x66, 0x6d), P("PCMPEQB", 0x66, 0x74), P("PCMPEQW", 0x66, 0x75),
    P("PCMPEQD", 0x66, 0x76), P("PSRLW", 0x66, 0xd1), P("PSRLD", 0x66, 0xd2), P("PSRLQ", 0x66, 0xd3),
    P("PADDQ", 0x66, 0xd4), P("PMULLW", 0x66, 0xd5), P("PSUBUSB", 0x66, 0xd8), P("PSUBUSW", 0x66, 0xd9),
    P("PMINUB", 0x66, 0xda), P("PAND", 0x66, 0xdb), P("PADDUSB", 0x66, 0xdc), P("PADDUSW", 0x66, 0xdd),
    P("PMAXUB", 0x66, 0xde), P("PANDN", 0x66, 0xdf), P("PAVGB", 0x66, 0xe0), P("PSRAW", 0x66, 0xe1),
    P("PSRAD", 0x66, 0xe2), P("PAVGW", 0x66, 0xe3), P("PMULHUW", 0x66, 0xe4), P("PMULHW", 0x66, 0xe5),
    P("PSUBSB", 0x66, 0xe8), P("PSUBSW", 0x66, 0xe9), P("PMINSW", 0x66, 0xea), P("POR", 0x66, 0xeb),
    P("PADDSB", 0x66, 0xec), P("PADDSW", 0x66, 0xed), P("PMAXSW", 0x66, 0xee), P("PXOR", 0x66, 0xef),
    P("PSLLW", 0x66, 0xf1), P("PSLLD", 0x66, 0xf2), P("PSLLQ", 0x66, 0xf3), P("PMULUDQ", 0x66, 0xf4),
    P("PMADDWD", 0x66, 0xf5), P("PSADBW", 0x66, 0xf6), P("PSUBB", 0x66, 0xf8), P("PSUBW", 0x66, 0xf9),
    P("PSUBD", 0x66, 0xfa), P("PSUBQ", 0x66, 0xfb), P("PADDB", 0x66, 0xfc), P("PADDW", 0x66, 0xfd),
    P("PADDD", 0x66, 0xfe),
    // Shifts by an immediate: 66 0F 71-73, ModRM.reg selects, register operand only.
    {"PSRLW", 0x66, 0x71, Form::E, 0, ImmRule::B, RegOnly, X, 2},
    {"PSRAW", 0x66, 0x71, Form::E, 0, ImmRule::B, RegOnly, X, 4},
    {"PSLLW", 0x66, 0x71, Form::E, 0, ImmRule::B, RegOnly, X, 6},
    {"PSRLD", 0x66, 0x72, Form::E, 0, ImmRule::B, RegOnly, X, 2},
    {"PSRAD", 0x66, 0x72, Form::E, 0, ImmRule::B, RegOnly, X, 4},
    {"PSLLD", 0x66, 0x72, Form::E, 0, ImmRule::B, RegOnly, X, 6},
    {"PSRLQ", 0x66, 0x73, Form::E, 0, ImmRule::B, RegOnly, X, 2},
    {"PSRLDQ", 0x66, 0x73, Form::E, 0, ImmRule::B, RegOnly, X, 3},
    {"PSLLQ", 0x66, 0x73, Form::E, 0, ImmRule::B, RegOnly, X, 6},
    {"PSLLDQ", 0x66, 0x73, Form::E, 0, ImmRule::B, RegOnly, X, 7},
    {"(66 0F 71 /0)", 0x66, 0x71, Form::E, 0, ImmRule::B, RegOnly | Undefined, X, 0},
    {"(66 0F 73 /4)", 0x66, 0x73, Form::E, 0, ImmRule::B, RegOnly | Undefined, X, 4},
    // Group 15 (0F AE): state save/restore, MXCSR, fences.
    {"FXSAVE", 0, 0xae, Form::E, 0, ImmRule::None, MemOnly | HostFpuData | X87, X, 0},
    {"FXRSTOR", 0, 0xae, Form::E, 0, ImmRule::None, MemOnly | FxImage, X, 1},
    {"LDMXCSR", 0, 0xae, Form::E, 4, ImmRule::None, MemOnly | MxcsrImage, X, 2},
    {"STMXCSR", 0, 0xae, Form::E, 4, ImmRule::None, MemOnly, X, 3},
    {"LFENCE", 0, 0xae, Form::E, 0, ImmRule::None, RegOnly, X, 5},
    {"MFENCE", 0, 0xae, Form::E, 0, ImmRule::None, RegOnly, X, 6},
    {"SFENCE", 0, 0xae, Form::E, 0, ImmRule::None, RegOnly, X, 7},
    {"CLFLUSH", 0, 0xae, Form::E, 1, ImmRule::None, MemOnly, X, 7},
    // SSE3.
    {"LDDQU", 0xf2, 0xf0, Form::G_M, 16, ImmRule::None, MemOnly},
    S("MOVDDUP", 0xf2, 0x12, 8), P("MOVSLDUP", 0xf3, 0x12), P("MOVSHDUP", 0xf3, 0x16),
    P("HADDPD", 0x66, 0x7c), P("HADDPS", 0xf2, 0x7c), P("HSUBPD", 0x66, 0x7d), P("HSUBPS", 0xf2, 0x7d),
    P("ADDSUBPD", 0x66, 0xd0), P("ADDSUBPS", 0xf2, 0xd0),
    // SSSE3: 66 0F 38 and 66 0F 3A.
    P38("PSHUFB", 0x00), P38("PHADDW", 0x01), P38("PHADDD", 0x02), P38("PHADDSW", 0x03),
    P38("PMADDUBSW", 0x04), P38("PHSUBW", 0x05), P38("PHSUBD", 0x06), P38("PHSUBSW", 0x07),
    P38("PSIGNB", 0x08), P38("PSIGNW", 0x09), P38("PSIGND", 0x0a), P38("PMULHRSW", 0x0b),
    P38("PABSB", 0x1c), P38("PABSW", 0x1d), P38("PABSD", 0x1e),
    {"PALIGNR", 0x66, 0x0f, Form::G_E, 16, ImmRule::B, 0, X, -1, 3},
};

}  // namespace

void add_sse_specs(std::vector<InsnSpec>& t) {
    for (const Row& r : kRows) {
        InsnSpec s{r.name, r.prefix, r.map, r.opcode, r.reg, r.form, r.size, r.imm, r.traits | Sse};
        // FXSAVE/FXRSTOR operands are 512 bytes.
        s.mem = (r.traits & (HostFpuData | FxImage)) ? 0 : r.mem;
        t.push_back(s);
    }
    // MOVNTI is a general-register store, but SSE2.
    t.push_back(InsnSpec{"MOVNTI", 0, 1, 0xc3, -1, Form::M_G, SizeRule::Y, ImmRule::None, MemOnly});
}

}  // namespace flint::x86diff
