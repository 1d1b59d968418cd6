#pragma once
// Internal data: the prefix-less MMX rows of the 0F, 0F 38 and 0F 3A maps (Intel SDM vol. 2,
// tables ): MMX itself, and the SSE, SSE2 and SSSE3 forms on MMX registers. The
// prefixed forms with an MMX operand (66 0F 2A/2C/2D, F2/F3 0F D6) are SSE rows in
// opcode_table_sse.h.
#include "x86/opcode_rows.h"
#include "x86/sse_ops.h"

namespace flint::x86::rows {

namespace mmx_rows {

// mm, mm/m64 through the integer table.
constexpr OpRow M(const char* name, u8 e) { return R(op_mmx_int, name, Form::G_E, Size::V, ImmKind::None, 0, e); }

}  // namespace mmx_rows

constexpr void add_mmx_rows(std::array<OpRow, 256>& t) {
    using namespace sse;
    using mmx_rows::M;
    constexpr struct {
        u8 opcode;
        const char* name;
        u8 op;
    } kTable[] = {
        {0x60, "punpcklbw", Punpcklbw}, {0x61, "punpcklwd", Punpcklwd}, {0x62, "punpckldq", Punpckldq},
        {0x63, "packsswb", Packsswb},   {0x64, "pcmpgtb", Pcmpgtb},     {0x65, "pcmpgtw", Pcmpgtw},
        {0x66, "pcmpgtd", Pcmpgtd},     {0x67, "packuswb", Packuswb},   {0x68, "punpckhbw", Punpckhbw},
        {0x69, "punpckhwd", Punpckhwd}, {0x6a, "punpckhdq", Punpckhdq}, {0x6b, "packssdw", Packssdw},
        {0x74, "pcmpeqb", Pcmpeqb},     {0x75, "pcmpeqw", Pcmpeqw},     {0x76, "pcmpeqd", Pcmpeqd},
        {0xd1, "psrlw", Psrlw},         {0xd2, "psrld", Psrld},         {0xd3, "psrlq", Psrlq},
        {0xd4, "paddq", Paddq},         {0xd5, "pmullw", Pmullw},       {0xd8, "psubusb", Psubusb},
        {0xd9, "psubusw", Psubusw},     {0xda, "pminub", Pminub},       {0xdb, "pand", Pand},
        {0xdc, "paddusb", Paddusb},     {0xdd, "paddusw", Paddusw},     {0xde, "pmaxub", Pmaxub},
        {0xdf, "pandn", Pandn},         {0xe0, "pavgb", Pavgb},         {0xe1, "psraw", Psraw},
        {0xe2, "psrad", Psrad},         {0xe3, "pavgw", Pavgw},         {0xe4, "pmulhuw", Pmulhuw},
        {0xe5, "pmulhw", Pmulhw},       {0xe8, "psubsb", Psubsb},       {0xe9, "psubsw", Psubsw},
        {0xea, "pminsw", Pminsw},       {0xeb, "por", Por},             {0xec, "paddsb", Paddsb},
        {0xed, "paddsw", Paddsw},       {0xee, "pmaxsw", Pmaxsw},       {0xef, "pxor", Pxor},
        {0xf1, "psllw", Psllw},         {0xf2, "pslld", Pslld},         {0xf3, "psllq", Psllq},
        {0xf4, "pmuludq", Pmuludq},     {0xf5, "pmaddwd", Pmaddwd},     {0xf6, "psadbw", Psadbw},
        {0xf8, "psubb", Psubb},         {0xf9, "psubw", Psubw},         {0xfa, "psubd", Psubd},
        {0xfb, "psubq", Psubq},         {0xfc, "paddb", Paddb},         {0xfd, "paddw", Paddw},
        {0xfe, "paddd", Paddd},
    };
    for (const auto& r : kTable) t[r.opcode] = M(r.name, r.op);
    // 0F 6C/6D (PUNPCKLQDQ/PUNPCKHQDQ), D6, E6 and F0 have no MMX form.
    for (unsigned x : {0x6cu, 0x6du, 0xd6u, 0xe6u, 0xf0u}) t[x] = kInvalidRow;
    t[0x6e] = R(op_mmx_load, "movd", Form::G_E, Size::Y, ImmKind::None, 0, 0);
    t[0x6f] = R(op_mmx_load, "movq", Form::G_E, Size::V, ImmKind::None, 0, 1);
    t[0x70] = R(op_pshufw, "pshufw", Form::G_E, Size::V, ImmKind::B);
    for (unsigned x = 0x71; x <= 0x73; ++x)
        t[x] = R(op_mmx_shift_imm, "psxx", Form::E, Size::V, ImmKind::B, kRegOnly, static_cast<u8>(x & 3));
    t[0x77] = R(op_emms, "emms", Form::None, Size::V);
    t[0x7e] = R(op_mmx_store, "movd", Form::E_G, Size::Y, ImmKind::None, 0, 0);
    t[0x7f] = R(op_mmx_store, "movq", Form::E_G, Size::V, ImmKind::None, 0, 1);
    t[0xe7] = R(op_mmx_store, "movntq", Form::M_G, Size::V, ImmKind::None, 0, 1);
    t[0xc4] = R(op_pinsrw_mm, "pinsrw", Form::G_E, Size::V, ImmKind::B);
    t[0xc5] = R(op_pextrw_mm, "pextrw", Form::G_E, Size::V, ImmKind::B, kRegOnly);
    t[0xd7] = R(op_pmovmskb_mm, "pmovmskb", Form::G_E, Size::V, ImmKind::None, kRegOnly);
    t[0xf7] = R(op_maskmovq, "maskmovq", Form::G_E, Size::V, ImmKind::None, kRegOnly);
    t[0x2a] = R(op_cvt_mmx, "cvtpi2ps", Form::G_E, Size::V, ImmKind::None, 0, 0);
    t[0x2c] = R(op_cvt_mmx, "cvttps2pi", Form::G_E, Size::V, ImmKind::None, 0, 2);
    t[0x2d] = R(op_cvt_mmx, "cvtps2pi", Form::G_E, Size::V, ImmKind::None, 0, 3);
}

// SSSE3 on MMX registers: the prefix-less 0F 38 00-0B, 1C-1E and 0F 3A 0F.
constexpr void add_mmx_rows_0f38(std::array<OpRow, 256>& t) {
    using namespace sse;
    using mmx_rows::M;
    t[0x00] = M("pshufb", Pshufb);
    t[0x01] = M("phaddw", Phaddw);
    t[0x02] = M("phaddd", Phaddd);
    t[0x03] = M("phaddsw", Phaddsw);
    t[0x04] = M("pmaddubsw", Pmaddubsw);
    t[0x05] = M("phsubw", Phsubw);
    t[0x06] = M("phsubd", Phsubd);
    t[0x07] = M("phsubsw", Phsubsw);
    t[0x08] = M("psignb", Psignb);
    t[0x09] = M("psignw", Psignw);
    t[0x0a] = M("psignd", Psignd);
    t[0x0b] = M("pmulhrsw", Pmulhrsw);
    t[0x1c] = M("pabsb", Pabsb);
    t[0x1d] = M("pabsw", Pabsw);
    t[0x1e] = M("pabsd", Pabsd);
}

constexpr void add_mmx_rows_0f3a(std::array<OpRow, 256>& t) {
    t[0x0f] = R(op_palignr_mm, "palignr", Form::G_E, Size::V, ImmKind::B);
}

}  // namespace flint::x86::rows
