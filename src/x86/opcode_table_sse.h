#pragma once
// Internal data: the SSE, SSE2, SSE3 and SSSE3 rows of the 0F, 0F 38 and 0F 3A maps
// (Intel SDM vol. 2, tables ). The rows without a prefix are the PS forms; 66,
// F3 and F2 select the PD, SS and SD forms and the integer forms through prefixed rows.
// The prefix-less 60-7F and D0-FF rows, 0F 2A/2C/2D, 0F 38 00-1E and 0F 3A 0F are MMX
// (opcode_table_mmx.h); the prefixed rows with an MMX operand are here.
#include "x86/opcode_rows.h"
#include "x86/sse_ops.h"

namespace flint::x86::rows {

namespace sse_rows {

using namespace sse;

constexpr u16 op(unsigned b) { return static_cast<u16>(static_cast<unsigned>(OpMap::Map0F) << 8 | b); }
constexpr u16 op38(unsigned b) { return static_cast<u16>(static_cast<unsigned>(OpMap::Map0F38) << 8 | b); }
constexpr u16 op3a(unsigned b) { return static_cast<u16>(static_cast<unsigned>(OpMap::Map0F3A) << 8 | b); }

// xmm, xmm/m: the integer table and the FP table.
constexpr OpRow I(const char* name, u8 e) { return R(op_sse_int, name, Form::G_E, Size::V, ImmKind::None, 0, e); }
constexpr OpRow F(const char* name, u8 e) { return R(op_sse_fp, name, Form::G_E, Size::V, ImmKind::None, 0, e); }
constexpr OpRow Ld(const char* name, Handler fn, u8 e, A attr = 0) {
    return R(fn, name, Form::G_E, Size::V, ImmKind::None, attr, e);
}
constexpr OpRow St(const char* name, Handler fn, u8 e) { return R(fn, name, Form::E_G, Size::V, ImmKind::None, 0, e); }
constexpr OpRow StM(const char* name, Handler fn, u8 e) { return R(fn, name, Form::M_G, Size::V, ImmKind::None, 0, e); }
constexpr OpRow Ib(const char* name, Handler fn, u8 e, A attr = 0, Size size = Size::V) {
    return R(fn, name, Form::G_E, size, ImmKind::B, attr, e);
}

}  // namespace sse_rows

// 66 / F3 / F2 forms.
inline constexpr PrefixedRow kSsePrefixedRows[] = {
    // clang-format off
    // 66: packed double and SSE2 integer.
    {0x66, sse_rows::op(0x10), sse_rows::Ld("movupd", op_sse_load, 0)},
    {0x66, sse_rows::op(0x11), sse_rows::St("movupd", op_sse_store, 0)},
    {0x66, sse_rows::op(0x12), sse_rows::Ld("movlpd", op_movlh_load, 0, kMemOnly)},
    {0x66, sse_rows::op(0x13), sse_rows::StM("movlpd", op_movlh_store, 0)},
    {0x66, sse_rows::op(0x14), sse_rows::I("unpcklpd", sse::Punpcklqdq)},
    {0x66, sse_rows::op(0x15), sse_rows::I("unpckhpd", sse::Punpckhqdq)},
    {0x66, sse_rows::op(0x16), sse_rows::Ld("movhpd", op_movlh_load, 1, kMemOnly)},
    {0x66, sse_rows::op(0x17), sse_rows::StM("movhpd", op_movlh_store, 1)},
    {0x66, sse_rows::op(0x28), sse_rows::Ld("movapd", op_sse_load, 1)},
    {0x66, sse_rows::op(0x29), sse_rows::St("movapd", op_sse_store, 1)},
    {0x66, sse_rows::op(0x2a), sse_rows::Ld("cvtpi2pd", op_cvt_mmx, 1)},
    {0x66, sse_rows::op(0x2b), sse_rows::StM("movntpd", op_sse_store, 1)},
    {0x66, sse_rows::op(0x2c), sse_rows::Ld("cvttpd2pi", op_cvt_mmx, 4)},
    {0x66, sse_rows::op(0x2d), sse_rows::Ld("cvtpd2pi", op_cvt_mmx, 5)},
    {0x66, sse_rows::op(0x2e), sse_rows::Ld("ucomisd", op_comis, 2)},
    {0x66, sse_rows::op(0x2f), sse_rows::Ld("comisd", op_comis, 3)},
    {0x66, sse_rows::op(0x50), sse_rows::Ld("movmskpd", op_movmsk, 1, kRegOnly)},
    {0x66, sse_rows::op(0x51), sse_rows::F("sqrtpd", sse::Sqrtpd)},
    {0x66, sse_rows::op(0x54), sse_rows::I("andpd", sse::Pand)},
    {0x66, sse_rows::op(0x55), sse_rows::I("andnpd", sse::Pandn)},
    {0x66, sse_rows::op(0x56), sse_rows::I("orpd", sse::Por)},
    {0x66, sse_rows::op(0x57), sse_rows::I("xorpd", sse::Pxor)},
    {0x66, sse_rows::op(0x58), sse_rows::F("addpd", sse::Addpd)},
    {0x66, sse_rows::op(0x59), sse_rows::F("mulpd", sse::Mulpd)},
    {0x66, sse_rows::op(0x5a), sse_rows::F("cvtpd2ps", sse::Cvtpd2ps)},
    {0x66, sse_rows::op(0x5b), sse_rows::F("cvtps2dq", sse::Cvtps2dq)},
    {0x66, sse_rows::op(0x5c), sse_rows::F("subpd", sse::Subpd)},
    {0x66, sse_rows::op(0x5d), sse_rows::F("minpd", sse::Minpd)},
    {0x66, sse_rows::op(0x5e), sse_rows::F("divpd", sse::Divpd)},
    {0x66, sse_rows::op(0x5f), sse_rows::F("maxpd", sse::Maxpd)},
    {0x66, sse_rows::op(0x60), sse_rows::I("punpcklbw", sse::Punpcklbw)},
    {0x66, sse_rows::op(0x61), sse_rows::I("punpcklwd", sse::Punpcklwd)},
    {0x66, sse_rows::op(0x62), sse_rows::I("punpckldq", sse::Punpckldq)},
    {0x66, sse_rows::op(0x63), sse_rows::I("packsswb", sse::Packsswb)},
    {0x66, sse_rows::op(0x64), sse_rows::I("pcmpgtb", sse::Pcmpgtb)},
    {0x66, sse_rows::op(0x65), sse_rows::I("pcmpgtw", sse::Pcmpgtw)},
    {0x66, sse_rows::op(0x66), sse_rows::I("pcmpgtd", sse::Pcmpgtd)},
    {0x66, sse_rows::op(0x67), sse_rows::I("packuswb", sse::Packuswb)},
    {0x66, sse_rows::op(0x68), sse_rows::I("punpckhbw", sse::Punpckhbw)},
    {0x66, sse_rows::op(0x69), sse_rows::I("punpckhwd", sse::Punpckhwd)},
    {0x66, sse_rows::op(0x6a), sse_rows::I("punpckhdq", sse::Punpckhdq)},
    {0x66, sse_rows::op(0x6b), sse_rows::I("packssdw", sse::Packssdw)},
    {0x66, sse_rows::op(0x6c), sse_rows::I("punpcklqdq", sse::Punpcklqdq)},
    {0x66, sse_rows::op(0x6d), sse_rows::I("punpckhqdq", sse::Punpckhqdq)},
    {0x66, sse_rows::op(0x6e), R(op_movd_load, "movd", Form::G_E, Size::Y)},
    {0x66, sse_rows::op(0x6f), sse_rows::Ld("movdqa", op_sse_load, 1)},
    {0x66, sse_rows::op(0x70), sse_rows::Ib("pshufd", op_sse_shuffle, 0)},
    {0x66, sse_rows::op(0x71), R(op_sse_shift_imm, "psxxw", Form::E, Size::V, ImmKind::B, kRegOnly, 1)},
    {0x66, sse_rows::op(0x72), R(op_sse_shift_imm, "psxxd", Form::E, Size::V, ImmKind::B, kRegOnly, 2)},
    {0x66, sse_rows::op(0x73), R(op_sse_shift_imm, "psxxq", Form::E, Size::V, ImmKind::B, kRegOnly, 3)},
    {0x66, sse_rows::op(0x74), sse_rows::I("pcmpeqb", sse::Pcmpeqb)},
    {0x66, sse_rows::op(0x75), sse_rows::I("pcmpeqw", sse::Pcmpeqw)},
    {0x66, sse_rows::op(0x76), sse_rows::I("pcmpeqd", sse::Pcmpeqd)},
    {0x66, sse_rows::op(0x7e), R(op_movd_store, "movd", Form::E_G, Size::Y)},
    {0x66, sse_rows::op(0x7f), sse_rows::St("movdqa", op_sse_store, 1)},
    {0x66, sse_rows::op(0xc2), sse_rows::Ib("cmppd", op_sse_cmp, 1)},
    {0x66, sse_rows::op(0xc4), sse_rows::Ib("pinsrw", op_pinsrw, 0)},
    {0x66, sse_rows::op(0xc5), sse_rows::Ib("pextrw", op_pextrw, 0, kRegOnly)},
    {0x66, sse_rows::op(0xc6), sse_rows::Ib("shufpd", op_sse_shuffle, 4)},
    {0x66, sse_rows::op(0xd1), sse_rows::I("psrlw", sse::Psrlw)},
    {0x66, sse_rows::op(0xd2), sse_rows::I("psrld", sse::Psrld)},
    {0x66, sse_rows::op(0xd3), sse_rows::I("psrlq", sse::Psrlq)},
    {0x66, sse_rows::op(0xd4), sse_rows::I("paddq", sse::Paddq)},
    {0x66, sse_rows::op(0xd5), sse_rows::I("pmullw", sse::Pmullw)},
    {0x66, sse_rows::op(0xd6), sse_rows::St("movq", op_movq_store, 0)},
    {0x66, sse_rows::op(0xd7), sse_rows::Ld("pmovmskb", op_movmsk, 2, kRegOnly)},
    {0x66, sse_rows::op(0xd8), sse_rows::I("psubusb", sse::Psubusb)},
    {0x66, sse_rows::op(0xd9), sse_rows::I("psubusw", sse::Psubusw)},
    {0x66, sse_rows::op(0xda), sse_rows::I("pminub", sse::Pminub)},
    {0x66, sse_rows::op(0xdb), sse_rows::I("pand", sse::Pand)},
    {0x66, sse_rows::op(0xdc), sse_rows::I("paddusb", sse::Paddusb)},
    {0x66, sse_rows::op(0xdd), sse_rows::I("paddusw", sse::Paddusw)},
    {0x66, sse_rows::op(0xde), sse_rows::I("pmaxub", sse::Pmaxub)},
    {0x66, sse_rows::op(0xdf), sse_rows::I("pandn", sse::Pandn)},
    {0x66, sse_rows::op(0xe0), sse_rows::I("pavgb", sse::Pavgb)},
    {0x66, sse_rows::op(0xe1), sse_rows::I("psraw", sse::Psraw)},
    {0x66, sse_rows::op(0xe2), sse_rows::I("psrad", sse::Psrad)},
    {0x66, sse_rows::op(0xe3), sse_rows::I("pavgw", sse::Pavgw)},
    {0x66, sse_rows::op(0xe4), sse_rows::I("pmulhuw", sse::Pmulhuw)},
    {0x66, sse_rows::op(0xe5), sse_rows::I("pmulhw", sse::Pmulhw)},
    {0x66, sse_rows::op(0xe6), sse_rows::F("cvttpd2dq", sse::Cvttpd2dq)},
    {0x66, sse_rows::op(0xe7), sse_rows::StM("movntdq", op_sse_store, 1)},
    {0x66, sse_rows::op(0xe8), sse_rows::I("psubsb", sse::Psubsb)},
    {0x66, sse_rows::op(0xe9), sse_rows::I("psubsw", sse::Psubsw)},
    {0x66, sse_rows::op(0xea), sse_rows::I("pminsw", sse::Pminsw)},
    {0x66, sse_rows::op(0xeb), sse_rows::I("por", sse::Por)},
    {0x66, sse_rows::op(0xec), sse_rows::I("paddsb", sse::Paddsb)},
    {0x66, sse_rows::op(0xed), sse_rows::I("paddsw", sse::Paddsw)},
    {0x66, sse_rows::op(0xee), sse_rows::I("pmaxsw", sse::Pmaxsw)},
    {0x66, sse_rows::op(0xef), sse_rows::I("pxor", sse::Pxor)},
    {0x66, sse_rows::op(0xf1), sse_rows::I("psllw", sse::Psllw)},
    {0x66, sse_rows::op(0xf2), sse_rows::I("pslld", sse::Pslld)},
    {0x66, sse_rows::op(0xf3), sse_rows::I("psllq", sse::Psllq)},
    {0x66, sse_rows::op(0xf4), sse_rows::I("pmuludq", sse::Pmuludq)},
    {0x66, sse_rows::op(0xf5), sse_rows::I("pmaddwd", sse::Pmaddwd)},
    {0x66, sse_rows::op(0xf6), sse_rows::I("psadbw", sse::Psadbw)},
    {0x66, sse_rows::op(0xf7), sse_rows::Ld("maskmovdqu", op_maskmovdqu, 0, kRegOnly)},
    {0x66, sse_rows::op(0xf8), sse_rows::I("psubb", sse::Psubb)},
    {0x66, sse_rows::op(0xf9), sse_rows::I("psubw", sse::Psubw)},
    {0x66, sse_rows::op(0xfa), sse_rows::I("psubd", sse::Psubd)},
    {0x66, sse_rows::op(0xfb), sse_rows::I("psubq", sse::Psubq)},
    {0x66, sse_rows::op(0xfc), sse_rows::I("paddb", sse::Paddb)},
    {0x66, sse_rows::op(0xfd), sse_rows::I("paddw", sse::Paddw)},
    {0x66, sse_rows::op(0xfe), sse_rows::I("paddd", sse::Paddd)},
    // F3: scalar single.
    {0xf3, sse_rows::op(0x10), sse_rows::Ld("movss", op_movss_load, 4)},
    {0xf3, sse_rows::op(0x11), sse_rows::St("movss", op_movss_store, 4)},
    {0xf3, sse_rows::op(0x2a), R(op_cvt_si2fp, "cvtsi2ss", Form::G_E, Size::Y, ImmKind::None, 0, 0)},
    {0xf3, sse_rows::op(0x2c), R(op_cvt_fp2si, "cvttss2si", Form::G_E, Size::Y, ImmKind::None, 0, 2)},
    {0xf3, sse_rows::op(0x2d), R(op_cvt_fp2si, "cvtss2si", Form::G_E, Size::Y, ImmKind::None, 0, 0)},
    {0xf3, sse_rows::op(0x51), sse_rows::F("sqrtss", sse::Sqrtss)},
    {0xf3, sse_rows::op(0x52), sse_rows::F("rsqrtss", sse::Rsqrtss)},
    {0xf3, sse_rows::op(0x53), sse_rows::F("rcpss", sse::Rcpss)},
    {0xf3, sse_rows::op(0x58), sse_rows::F("addss", sse::Addss)},
    {0xf3, sse_rows::op(0x59), sse_rows::F("mulss", sse::Mulss)},
    {0xf3, sse_rows::op(0x5a), sse_rows::F("cvtss2sd", sse::Cvtss2sd)},
    {0xf3, sse_rows::op(0x5b), sse_rows::F("cvttps2dq", sse::Cvttps2dq)},
    {0xf3, sse_rows::op(0x5c), sse_rows::F("subss", sse::Subss)},
    {0xf3, sse_rows::op(0x5d), sse_rows::F("minss", sse::Minss)},
    {0xf3, sse_rows::op(0x5e), sse_rows::F("divss", sse::Divss)},
    {0xf3, sse_rows::op(0x5f), sse_rows::F("maxss", sse::Maxss)},
    {0xf3, sse_rows::op(0x6f), sse_rows::Ld("movdqu", op_sse_load, 0)},
    {0xf3, sse_rows::op(0x70), sse_rows::Ib("pshufhw", op_sse_shuffle, 2)},
    {0xf3, sse_rows::op(0x7e), sse_rows::Ld("movq", op_movq_load, 0)},
    {0xf3, sse_rows::op(0x7f), sse_rows::St("movdqu", op_sse_store, 0)},
    {0xf3, sse_rows::op(0xc2), sse_rows::Ib("cmpss", op_sse_cmp, 2)},
    {0xf3, sse_rows::op(0xd6), sse_rows::Ld("movq2dq", op_movq_xmm_mm, 1, kRegOnly)},
    {0xf3, sse_rows::op(0xe6), sse_rows::F("cvtdq2pd", sse::Cvtdq2pd)},
    // F2: scalar double.
    {0xf2, sse_rows::op(0x10), sse_rows::Ld("movsd", op_movss_load, 8)},
    {0xf2, sse_rows::op(0x11), sse_rows::St("movsd", op_movss_store, 8)},
    {0xf2, sse_rows::op(0x2a), R(op_cvt_si2fp, "cvtsi2sd", Form::G_E, Size::Y, ImmKind::None, 0, 1)},
    {0xf2, sse_rows::op(0x2c), R(op_cvt_fp2si, "cvttsd2si", Form::G_E, Size::Y, ImmKind::None, 0, 3)},
    {0xf2, sse_rows::op(0x2d), R(op_cvt_fp2si, "cvtsd2si", Form::G_E, Size::Y, ImmKind::None, 0, 1)},
    {0xf2, sse_rows::op(0x51), sse_rows::F("sqrtsd", sse::Sqrtsd)},
    {0xf2, sse_rows::op(0x58), sse_rows::F("addsd", sse::Addsd)},
    {0xf2, sse_rows::op(0x59), sse_rows::F("mulsd", sse::Mulsd)},
    {0xf2, sse_rows::op(0x5a), sse_rows::F("cvtsd2ss", sse::Cvtsd2ss)},
    {0xf2, sse_rows::op(0x5c), sse_rows::F("subsd", sse::Subsd)},
    {0xf2, sse_rows::op(0x5d), sse_rows::F("minsd", sse::Minsd)},
    {0xf2, sse_rows::op(0x5e), sse_rows::F("divsd", sse::Divsd)},
    {0xf2, sse_rows::op(0x5f), sse_rows::F("maxsd", sse::Maxsd)},
    {0xf2, sse_rows::op(0x70), sse_rows::Ib("pshuflw", op_sse_shuffle, 1)},
    {0xf2, sse_rows::op(0xc2), sse_rows::Ib("cmpsd", op_sse_cmp, 3)},
    {0xf2, sse_rows::op(0xd6), sse_rows::Ld("movdq2q", op_movq_xmm_mm, 0, kRegOnly)},
    {0xf2, sse_rows::op(0xe6), sse_rows::F("cvtpd2dq", sse::Cvtpd2dq)},
    // SSE3.
    {0xf2, sse_rows::op(0xf0), sse_rows::Ld("lddqu", op_sse_load, 0, kMemOnly)},
    {0xf2, sse_rows::op(0x12), sse_rows::Ld("movddup", op_movdup, 0)},
    {0xf3, sse_rows::op(0x12), sse_rows::Ld("movsldup", op_movdup, 1)},
    {0xf3, sse_rows::op(0x16), sse_rows::Ld("movshdup", op_movdup, 2)},
    {0x66, sse_rows::op(0x7c), sse_rows::F("haddpd", sse::Haddpd)},
    {0xf2, sse_rows::op(0x7c), sse_rows::F("haddps", sse::Haddps)},
    {0x66, sse_rows::op(0x7d), sse_rows::F("hsubpd", sse::Hsubpd)},
    {0xf2, sse_rows::op(0x7d), sse_rows::F("hsubps", sse::Hsubps)},
    {0x66, sse_rows::op(0xd0), sse_rows::F("addsubpd", sse::Addsubpd)},
    {0xf2, sse_rows::op(0xd0), sse_rows::F("addsubps", sse::Addsubps)},
    // SSSE3 (66 0F 38 / 66 0F 3A; the prefix-less forms are MMX).
    {0x66, sse_rows::op38(0x00), sse_rows::I("pshufb", sse::Pshufb)},
    {0x66, sse_rows::op38(0x01), sse_rows::I("phaddw", sse::Phaddw)},
    {0x66, sse_rows::op38(0x02), sse_rows::I("phaddd", sse::Phaddd)},
    {0x66, sse_rows::op38(0x03), sse_rows::I("phaddsw", sse::Phaddsw)},
    {0x66, sse_rows::op38(0x04), sse_rows::I("pmaddubsw", sse::Pmaddubsw)},
    {0x66, sse_rows::op38(0x05), sse_rows::I("phsubw", sse::Phsubw)},
    {0x66, sse_rows::op38(0x06), sse_rows::I("phsubd", sse::Phsubd)},
    {0x66, sse_rows::op38(0x07), sse_rows::I("phsubsw", sse::Phsubsw)},
    {0x66, sse_rows::op38(0x08), sse_rows::I("psignb", sse::Psignb)},
    {0x66, sse_rows::op38(0x09), sse_rows::I("psignw", sse::Psignw)},
    {0x66, sse_rows::op38(0x0a), sse_rows::I("psignd", sse::Psignd)},
    {0x66, sse_rows::op38(0x0b), sse_rows::I("pmulhrsw", sse::Pmulhrsw)},
    {0x66, sse_rows::op38(0x1c), sse_rows::I("pabsb", sse::Pabsb)},
    {0x66, sse_rows::op38(0x1d), sse_rows::I("pabsw", sse::Pabsw)},
    {0x66, sse_rows::op38(0x1e), sse_rows::I("pabsd", sse::Pabsd)},
    {0x66, sse_rows::op3a(0x0f), sse_rows::Ib("palignr", op_palignr, 0)},
    // clang-format on
};

// The Prefixed mark on every row of `map` that one of the rows above overrides.
constexpr void mark_sse_prefixed(std::array<OpRow, 256>& t, OpMap map) {
    for (const PrefixedRow& p : kSsePrefixedRows)
        if ((p.op >> 8) == static_cast<unsigned>(map)) t[p.op & 0xff].attr |= kPrefixed;
}

// The prefix-less rows of the 0F map, and the Prefixed marks there.
constexpr void add_sse_rows(std::array<OpRow, 256>& t) {
    using namespace sse_rows;
    t[0x10] = Ld("movups", op_sse_load, 0);
    t[0x11] = St("movups", op_sse_store, 0);
    t[0x12] = Ld("movlps", op_movlh_load, 0);  // register form: MOVHLPS
    t[0x13] = StM("movlps", op_movlh_store, 0);
    t[0x14] = I("unpcklps", Punpckldq);
    t[0x15] = I("unpckhps", Punpckhdq);
    t[0x16] = Ld("movhps", op_movlh_load, 1);  // register form: MOVLHPS
    t[0x17] = StM("movhps", op_movlh_store, 1);
    t[0x28] = Ld("movaps", op_sse_load, 1);
    t[0x29] = St("movaps", op_sse_store, 1);
    t[0x2b] = StM("movntps", op_sse_store, 1);
    t[0x2e] = Ld("ucomiss", op_comis, 0);
    t[0x2f] = Ld("comiss", op_comis, 1);
    t[0x50] = Ld("movmskps", op_movmsk, 0, kRegOnly);
    t[0x51] = F("sqrtps", Sqrtps);
    t[0x52] = F("rsqrtps", Rsqrtps);
    t[0x53] = F("rcpps", Rcpps);
    t[0x54] = I("andps", Pand);
    t[0x55] = I("andnps", Pandn);
    t[0x56] = I("orps", Por);
    t[0x57] = I("xorps", Pxor);
    t[0x58] = F("addps", Addps);
    t[0x59] = F("mulps", Mulps);
    t[0x5a] = F("cvtps2pd", Cvtps2pd);
    t[0x5b] = F("cvtdq2ps", Cvtdq2ps);
    t[0x5c] = F("subps", Subps);
    t[0x5d] = F("minps", Minps);
    t[0x5e] = F("divps", Divps);
    t[0x5f] = F("maxps", Maxps);
    t[0xc2] = Ib("cmpps", op_sse_cmp, 0);
    t[0xc3] = R(op_movnti, "movnti", Form::M_G, Size::Y);
    t[0xc6] = Ib("shufps", op_sse_shuffle, 3);
    mark_sse_prefixed(t, OpMap::Map0F);
}

}  // namespace flint::x86::rows
