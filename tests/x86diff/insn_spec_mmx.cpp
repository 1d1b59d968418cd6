// The MMX part of the generator's instruction list: MMX itself, and the SSE, SSE2 and SSSE3
// instructions with an MMX register operand (the prefix-less 0F 60-7F, C4-C5, D1-FE, 0F 38
// and 0F 3A forms, 0F 2A/2C/2D and their 66 forms, F2/F3 0F D6), written from the SDM's
// opcode tables like insn_spec.cpp. Mnemonics that also name an XMM form carry " mm" so
// that the coverage table counts the MMX forms on their own lines.
#include "insn_spec_mmx.h"

#include <iterator>

namespace flint::x86diff {
namespace {

using namespace trait;

constexpr auto X = SizeRule::X;

// One row, by default mm, mm/m64; every MMX row has the Mmx trait.
constexpr InsnSpec M(std::string_view name, u8 opcode, Form form = Form::G_E, u8 mem = 8,
                     ImmRule imm = ImmRule::None, u32 traits = 0, SizeRule size = X, i8 reg = -1, u8 map = 1,
                     u8 prefix = 0) {
    return InsnSpec{name, prefix, map, opcode, reg, form, size, imm, traits | Mmx, mem};
}

// 0F 38 xx mm, mm/m64 (SSSE3).
constexpr InsnSpec P38(std::string_view n, u8 op) { return M(n, op, Form::G_E, 8, ImmRule::None, 0, X, -1, 2); }
// 0F 71-73 /reg ib: a shift of the E register by an immediate.
constexpr InsnSpec Sh(std::string_view n, u8 op, i8 reg, u32 traits = ShiftImm) {
    return M(n, op, Form::E, 0, ImmRule::B, RegOnly | traits, X, reg);
}

constexpr InsnSpec kRows[] = {
    // Unpacks (the low ones read only 32 bits of memory) and packs.
    M("PUNPCKLBW mm", 0x60, Form::G_E, 4), M("PUNPCKLWD mm", 0x61, Form::G_E, 4),
    M("PUNPCKLDQ mm", 0x62, Form::G_E, 4), M("PACKSSWB mm", 0x63), M("PACKUSWB mm", 0x67),
    M("PUNPCKHBW mm", 0x68), M("PUNPCKHWD mm", 0x69), M("PUNPCKHDQ mm", 0x6a), M("PACKSSDW mm", 0x6b),
    // Compares.
    M("PCMPGTB mm", 0x64), M("PCMPGTW mm", 0x65), M("PCMPGTD mm", 0x66), M("PCMPEQB mm", 0x74),
    M("PCMPEQW mm", 0x75), M("PCMPEQD mm", 0x76),
    // Arithmetic and logic.
    M("PADDB mm", 0xfc), M("PADDW mm", 0xfd), M("PADDD mm", 0xfe), M("PADDQ mm", 0xd4),
    M("PSUBB mm", 0xf8), M("PSUBW mm", 0xf9), M("PSUBD mm", 0xfa), M("PSUBQ mm", 0xfb),
    M("PADDUSB mm", 0xdc), M("PADDUSW mm", 0xdd), M("PADDSB mm", 0xec), M("PADDSW mm", 0xed),
    M("PSUBUSB mm", 0xd8), M("PSUBUSW mm", 0xd9), M("PSUBSB mm", 0xe8), M("PSUBSW mm", 0xe9),
    M("PMULLW mm", 0xd5), M("PMULHW mm", 0xe5), M("PMULHUW mm", 0xe4), M("PMULUDQ mm", 0xf4),
    M("PMADDWD mm", 0xf5), M("PAND mm", 0xdb), M("PANDN mm", 0xdf), M("POR mm", 0xeb), M("PXOR mm", 0xef),
    M("PMINUB mm", 0xda), M("PMAXUB mm", 0xde), M("PMINSW mm", 0xea), M("PMAXSW mm", 0xee),
    M("PAVGB mm", 0xe0), M("PAVGW mm", 0xe3), M("PSADBW mm", 0xf6),
    // Shifts by mm/m64 and by imm8.
    M("PSRLW mm", 0xd1), M("PSRLD mm", 0xd2), M("PSRLQ mm", 0xd3), M("PSRAW mm", 0xe1), M("PSRAD mm", 0xe2),
    M("PSLLW mm", 0xf1), M("PSLLD mm", 0xf2), M("PSLLQ mm", 0xf3),
    Sh("PSRLW mm", 0x71, 2), Sh("PSRAW mm", 0x71, 4), Sh("PSLLW mm", 0x71, 6),
    Sh("PSRLD mm", 0x72, 2), Sh("PSRAD mm", 0x72, 4), Sh("PSLLD mm", 0x72, 6),
    Sh("PSRLQ mm", 0x73, 2), Sh("PSLLQ mm", 0x73, 6),
    Sh("(0F 71 /0)", 0x71, 0, Undefined), Sh("(0F 72 /3)", 0x72, 3, Undefined),
    Sh("(0F 73 /3)", 0x73, 3, Undefined), Sh("(0F 73 /7)", 0x73, 7, Undefined),
    // Moves.
    M("MOVD/MOVQ mm", 0x6e, Form::G_E, 0, ImmRule::None, 0, SizeRule::Y),
    M("MOVD/MOVQ mm", 0x7e, Form::E_G, 0, ImmRule::None, 0, SizeRule::Y),
    M("MOVQ mm", 0x6f, Form::G_E), M("MOVQ mm", 0x7f, Form::E_G),
    M("MOVNTQ", 0xe7, Form::M_G, 8, ImmRule::None, MemOnly),
    M("MASKMOVQ", 0xf7, Form::G_E, 0, ImmRule::None, RegOnly | MaskMov),
    M("EMMS", 0x77, Form::None, 0),
    // SSE on MMX registers.
    M("PSHUFW", 0x70, Form::G_E, 8, ImmRule::B),
    M("PINSRW mm", 0xc4, Form::G_E, 2, ImmRule::B),
    M("PEXTRW mm", 0xc5, Form::G_E, 0, ImmRule::B, RegOnly, SizeRule::Y),
    M("PMOVMSKB mm", 0xd7, Form::G_E, 0, ImmRule::None, RegOnly, SizeRule::Y),
    // Conversions and XMM<->MMX moves (Sse: an XMM operand holding floating-point edges).
    M("CVTPI2PS", 0x2a), M("CVTPI2PD", 0x2a, Form::G_E, 8, ImmRule::None, 0, X, -1, 1, 0x66),
    M("CVTTPS2PI", 0x2c, Form::G_E, 8, ImmRule::None, Sse), M("CVTPS2PI", 0x2d, Form::G_E, 8, ImmRule::None, Sse),
    M("CVTTPD2PI", 0x2c, Form::G_E, 16, ImmRule::None, Sse, X, -1, 1, 0x66),
    M("CVTPD2PI", 0x2d, Form::G_E, 16, ImmRule::None, Sse, X, -1, 1, 0x66),
    M("MOVDQ2Q", 0xd6, Form::G_E, 0, ImmRule::None, RegOnly | Sse, X, -1, 1, 0xf2),
    M("MOVQ2DQ", 0xd6, Form::G_E, 0, ImmRule::None, RegOnly | Sse, X, -1, 1, 0xf3),
    // Prefix-less opcodes with an XMM form only.
    M("(0F 6C)", 0x6c, Form::G_E, 8, ImmRule::None, Undefined),
    M("(0F D6)", 0xd6, Form::G_E, 8, ImmRule::None, Undefined),
    // SSSE3.
    P38("PSHUFB mm", 0x00), P38("PHADDW mm", 0x01), P38("PHADDD mm", 0x02), P38("PHADDSW mm", 0x03),
    P38("PMADDUBSW mm", 0x04), P38("PHSUBW mm", 0x05), P38("PHSUBD mm", 0x06), P38("PHSUBSW mm", 0x07),
    P38("PSIGNB mm", 0x08), P38("PSIGNW mm", 0x09), P38("PSIGND mm", 0x0a), P38("PMULHRSW mm", 0x0b),
    P38("PABSB mm", 0x1c), P38("PABSW mm", 0x1d), P38("PABSD mm", 0x1e),
    M("PALIGNR mm", 0x0f, Form::G_E, 8, ImmRule::B, 0, X, -1, 3),
};

}  // namespace

void add_mmx_specs(std::vector<InsnSpec>& t) { t.insert(t.end(), std::begin(kRows), std::end(kRows)); }

}  // namespace flint::x86diff
