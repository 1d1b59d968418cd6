#pragma once
// Internal data: the two- and three-byte opcode maps (0F, 0F 38, 0F 3A) and the rows a
// mandatory prefix selects (Intel SDM vol. 2, appendix A, tables ). The MMX rows
// are in opcode_table_mmx.h, the SSE to SSSE3 rows in opcode_table_sse.h; the other vector
// rows (SSE4 and later) exist only so that their length decodes right and execute #UD until
// they are implemented.
#include "x86/opcode_rows.h"
#include "x86/opcode_table_mmx.h"
#include "x86/opcode_table_sse.h"

namespace flint::x86::rows {

constexpr std::array<OpRow, 256> build_0f() {
    std::array<OpRow, 256> t{};
    // Default for the SSE/MMX space: ModRM, no immediate.
    for (unsigned x = 0x10; x < 0x100; ++x) t[x] = U("sse", Form::E);
    t[0x00] = G(kGrp6, Size::W);
    t[0x01] = G(kGrp7, Size::V);
    t[0x02] = R(op_lar_lsl, "lar", Form::G_Ew, Size::V);  // exec_verify.cpp
    t[0x03] = R(op_lar_lsl, "lsl", Form::G_Ew, Size::V);
    t[0x05] = R(op_syscall, "syscall", Form::None, Size::V);
    t[0x06] = R(op_clts, "clts", Form::None, Size::V);
    t[0x07] = R(op_sysret, "sysret", Form::None, Size::V);
    t[0x08] = R(op_cache_flush, "invd", Form::None, Size::V);
    t[0x09] = R(op_cache_flush, "wbinvd", Form::None, Size::V);
    t[0x0b] = R(op_ud, "ud2", Form::None, Size::V);
    t[0x0d] = R(op_nop, "nop", Form::E, Size::V);  // PREFETCHW on AMD, hint NOP on Intel
    // 0F 18-1F: prefetch hints and reserved hint NOPs (incl. ENDBR32/64 as F3 0F 1E).
    for (unsigned x = 0x18; x <= 0x1f; ++x) t[x] = R(op_nop, "nop", Form::E, Size::V);
    // MOV to/from CRn/DRn: ModRM.reg is the control/debug register, E the GPR.
    t[0x20] = R(op_mov_cr, "mov_cr", Form::E_G, Size::F64, ImmKind::None, kModIsReg);
    t[0x21] = R(op_mov_dr, "mov_dr", Form::E_G, Size::F64, ImmKind::None, kModIsReg);
    t[0x22] = R(op_mov_cr, "mov_cr", Form::E_G, Size::F64, ImmKind::None, kModIsReg);
    t[0x23] = R(op_mov_dr, "mov_dr", Form::E_G, Size::F64, ImmKind::None, kModIsReg);
    for (unsigned x = 0x24; x <= 0x27; ++x) t[x] = kInvalidRow;
    t[0x30] = R(op_wrmsr, "wrmsr", Form::None, Size::V);
    t[0x31] = R(op_rdtsc, "rdtsc", Form::None, Size::V);
    t[0x32] = R(op_rdmsr, "rdmsr", Form::None, Size::V);
    t[0x33] = U("rdpmc", Form::None);
    t[0x34] = R(op_sysenter, "sysenter", Form::None, Size::V);
    t[0x35] = R(op_sysexit, "sysexit", Form::None, Size::V);
    t[0x36] = kInvalidRow;
    t[0x37] = U("getsec", Form::None);
    t[0x38] = kInvalidRow;  // escapes, consumed by the decoder
    t[0x3a] = kInvalidRow;
    for (unsigned x = 0x39; x <= 0x3f; ++x)
        if (x != 0x3a) t[x] = kInvalidRow;
    for (unsigned cc = 0; cc < 16; ++cc) {
        const auto c = static_cast<u8>(cc);
        t[0x40 + cc] = R(op_cmovcc, "cmovcc", Form::G_E, Size::V, ImmKind::None, 0, c);
        t[0x80 + cc] = R(op_jcc, "jcc", Form::None, Size::F64, ImmKind::Jz, 0, c);
        t[0x90 + cc] = R(op_setcc, "setcc", Form::E, Size::B, ImmKind::None, 0, c);
    }
    const auto ss = static_cast<u8>(Seg::Ss), fs = static_cast<u8>(Seg::Fs), gs = static_cast<u8>(Seg::Gs);
    t[0xa0] = R(op_push_seg, "push", Form::None, Size::D64, ImmKind::None, 0, fs);
    t[0xa1] = R(op_pop_seg, "pop", Form::None, Size::D64, ImmKind::None, 0, fs);
    t[0xa2] = R(op_cpuid, "cpuid", Form::None, Size::V);
    t[0xa3] = R(op_bt, "bt", Form::E_G, Size::V, ImmKind::None, 0, 0);
    t[0xa4] = R(op_shld, "shld", Form::E_G, Size::V, ImmKind::B);  // exec_shift.cpp
    t[0xa5] = R(op_shld, "shld", Form::E_G, Size::V, ImmKind::None, 0, 0, insn_flags::CountCl);
    t[0xa6] = kInvalidRow;
    t[0xa7] = kInvalidRow;
    t[0xa8] = R(op_push_seg, "push", Form::None, Size::D64, ImmKind::None, 0, gs);
    t[0xa9] = R(op_pop_seg, "pop", Form::None, Size::D64, ImmKind::None, 0, gs);
    t[0xaa] = U("rsm", Form::None);
    t[0xab] = R(op_bt, "bts", Form::E_G, Size::V, ImmKind::None, kLock, 1);
    t[0xac] = R(op_shrd, "shrd", Form::E_G, Size::V, ImmKind::B);
    t[0xad] = R(op_shrd, "shrd", Form::E_G, Size::V, ImmKind::None, 0, 0, insn_flags::CountCl);
    t[0xae] = G(kGrp15, Size::V);
    t[0xaf] = R(op_imul2, "imul", Form::G_E, Size::V);  // exec_muldiv.cpp
    t[0xb0] = R(op_cmpxchg, "cmpxchg", Form::E_G, Size::B, ImmKind::None, kLock);
    t[0xb1] = R(op_cmpxchg, "cmpxchg", Form::E_G, Size::V, ImmKind::None, kLock);
    t[0xb2] = R(op_load_far_ptr, "lss", Form::G_M, Size::V, ImmKind::None, 0, ss);
    t[0xb3] = R(op_bt, "btr", Form::E_G, Size::V, ImmKind::None, kLock, 2);
    t[0xb4] = R(op_load_far_ptr, "lfs", Form::G_M, Size::V, ImmKind::None, 0, fs);
    t[0xb5] = R(op_load_far_ptr, "lgs", Form::G_M, Size::V, ImmKind::None, 0, gs);
    t[0xb6] = R(op_movzx, "movzx", Form::G_Eb, Size::V);
    t[0xb7] = R(op_movzx, "movzx", Form::G_Ew, Size::V);
    t[0xb8] = kInvalidRow;  // JMPE; F3 0F B8 is POPCNT
    t[0xb8].attr = kPrefixed;
    t[0xb9] = R(op_ud, "ud1", Form::G_E, Size::V);
    t[0xba] = G(kGrp8, Size::V, ImmKind::B);
    t[0xbb] = R(op_bt, "btc", Form::E_G, Size::V, ImmKind::None, kLock, 3);
    t[0xbc] = R(op_bsf, "bsf", Form::G_E, Size::V, ImmKind::None, kPrefixed);
    t[0xbd] = R(op_bsr, "bsr", Form::G_E, Size::V, ImmKind::None, kPrefixed);
    t[0xbe] = R(op_movsx, "movsx", Form::G_Eb, Size::V);
    t[0xbf] = R(op_movsx, "movsx", Form::G_Ew, Size::V);
    t[0xc0] = R(op_xadd, "xadd", Form::E_G, Size::B, ImmKind::None, kLock);
    t[0xc1] = R(op_xadd, "xadd", Form::E_G, Size::V, ImmKind::None, kLock);
    t[0xc2] = U("sse", Form::E, Size::V, ImmKind::B);
    t[0xc3] = U("movnti", Form::M_G, Size::Y);
    t[0xc6] = U("sse", Form::E, Size::V, ImmKind::B);
    t[0xc7] = G(kGrp9, Size::V);
    for (unsigned r = 0; r < 8; ++r) t[0xc8 + r] = R(op_bswap, "bswap", Form::Z, Size::V);
    t[0xff] = R(op_ud, "ud0", Form::G_E, Size::V);
    add_mmx_rows(t);
    add_sse_rows(t);
    return t;
}

constexpr std::array<OpRow, 256> build_0f38() {
    std::array<OpRow, 256> t{};
    for (auto& r : t) r = U("sse", Form::E);
    add_mmx_rows_0f38(t);
    mark_sse_prefixed(t, OpMap::Map0F38);
    t[0xf0] = R(op_movbe, "movbe", Form::G_M, Size::V, ImmKind::None, kPrefixed);
    t[0xf1] = R(op_movbe, "movbe", Form::M_G, Size::V, ImmKind::None, kPrefixed);
    return t;
}

constexpr std::array<OpRow, 256> build_0f3a() {
    std::array<OpRow, 256> t{};
    for (auto& r : t) r = U("sse", Form::E, Size::V, ImmKind::B);
    add_mmx_rows_0f3a(t);
    mark_sse_prefixed(t, OpMap::Map0F3A);
    return t;
}

constexpr u16 op0f(unsigned b) { return static_cast<u16>(static_cast<unsigned>(OpMap::Map0F) << 8 | b); }
constexpr u16 op0f38(unsigned b) { return static_cast<u16>(static_cast<unsigned>(OpMap::Map0F38) << 8 | b); }

// F2/F3 select these rows before 66 does (the SDM's precedence for mandatory prefixes).
inline constexpr PrefixedRow kGeneralPrefixedRows[] = {
    {0xf3, 0x90, R(op_pause, "pause", Form::None, Size::V)},
    {0xf3, op0f(0xb8), R(op_popcnt, "popcnt", Form::G_E, Size::V)},
    // Without BMI1 / ABM these execute as BSF / BSR (the handlers ask the CPU model).
    {0xf3, op0f(0xbc), R(op_tzcnt, "tzcnt", Form::G_E, Size::V)},
    {0xf3, op0f(0xbd), R(op_lzcnt, "lzcnt", Form::G_E, Size::V)},
    {0xf2, op0f38(0xf0), U("crc32", Form::G_Eb, Size::Y)},
    {0xf2, op0f38(0xf1), U("crc32", Form::G_E, Size::Y)},
    {0xf3, op0f38(0xf0), kInvalidRow},
    {0xf3, op0f38(0xf1), kInvalidRow},
};

template <size_t N1, size_t N2>
constexpr std::array<PrefixedRow, N1 + N2> join_rows(const PrefixedRow (&a)[N1], const PrefixedRow (&b)[N2]) {
    std::array<PrefixedRow, N1 + N2> r{};
    for (size_t i = 0; i < N1; ++i) r[i] = a[i];
    for (size_t i = 0; i < N2; ++i) r[N1 + i] = b[i];
    return r;
}

// What the decoder searches: the rows above, then the SSE forms (opcode_table_sse.h).
inline constexpr auto kPrefixedRows = join_rows(kGeneralPrefixedRows, kSsePrefixedRows);

}  // namespace flint::x86::rows
