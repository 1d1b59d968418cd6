#pragma once
// Internal data: the one-byte opcode map and the group sub-tables (Intel SDM vol. 2,
// appendix A, tables ). Rows still pointing at U(...) are valid instructions
// that are not implemented yet; their handler families are listed in handlers.h.
#include "x86/opcode_rows.h"

namespace flint::x86::rows {

constexpr std::array<OpRow, 256> build_one_byte() {
    std::array<OpRow, 256> t{};
    constexpr const char* kAlu[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    for (unsigned op = 0; op < 8; ++op) {
        const auto ext = static_cast<u8>(op);
        const A lk = op == 7 ? 0 : kLock;
        const unsigned b = op * 8;
        t[b + 0] = R(op_alu, kAlu[op], Form::E_G, Size::B, ImmKind::None, lk, ext);
        t[b + 1] = R(op_alu, kAlu[op], Form::E_G, Size::V, ImmKind::None, lk, ext);
        t[b + 2] = R(op_alu, kAlu[op], Form::G_E, Size::B, ImmKind::None, 0, ext);
        t[b + 3] = R(op_alu, kAlu[op], Form::G_E, Size::V, ImmKind::None, 0, ext);
        t[b + 4] = R(op_alu, kAlu[op], Form::Acc, Size::B, ImmKind::Z, 0, ext);
        t[b + 5] = R(op_alu, kAlu[op], Form::Acc, Size::V, ImmKind::Z, 0, ext);
    }
    const auto es = static_cast<u8>(Seg::Es), cs = static_cast<u8>(Seg::Cs);
    const auto ss = static_cast<u8>(Seg::Ss), ds = static_cast<u8>(Seg::Ds);
    t[0x06] = R(op_push_seg, "push", Form::None, Size::V, ImmKind::None, kInv64, es);
    t[0x07] = R(op_pop_seg, "pop", Form::None, Size::V, ImmKind::None, kInv64, es);
    t[0x0e] = R(op_push_seg, "push", Form::None, Size::V, ImmKind::None, kInv64, cs);
    t[0x16] = R(op_push_seg, "push", Form::None, Size::V, ImmKind::None, kInv64, ss);
    t[0x17] = R(op_pop_seg, "pop", Form::None, Size::V, ImmKind::None, kInv64, ss);
    t[0x1e] = R(op_push_seg, "push", Form::None, Size::V, ImmKind::None, kInv64, ds);
    t[0x1f] = R(op_pop_seg, "pop", Form::None, Size::V, ImmKind::None, kInv64, ds);
    // exec_bcd.cpp: op_bcd ext 0 DAA 1 DAS 2 AAA 3 AAS.
    t[0x27] = R(op_bcd, "daa", Form::None, Size::B, ImmKind::None, kInv64, 0);
    t[0x2f] = R(op_bcd, "das", Form::None, Size::B, ImmKind::None, kInv64, 1);
    t[0x37] = R(op_bcd, "aaa", Form::None, Size::B, ImmKind::None, kInv64, 2);
    t[0x3f] = R(op_bcd, "aas", Form::None, Size::B, ImmKind::None, kInv64, 3);
    // 0x26/2E/36/3E/64-67/F0/F2/F3 are prefixes, 0x0F the escape, 0x40-4F REX in 64-bit
    // mode: the decoder consumes them before it looks at this table.
    for (unsigned r = 0; r < 8; ++r) {
        t[0x40 + r] = R(op_inc, "inc", Form::Z, Size::V, ImmKind::None, kInv64);
        t[0x48 + r] = R(op_dec, "dec", Form::Z, Size::V, ImmKind::None, kInv64);
        t[0x50 + r] = R(op_push, "push", Form::Z, Size::D64);
        t[0x58 + r] = R(op_pop, "pop", Form::Z, Size::D64);
        t[0x90 + r] = R(op_xchg, "xchg", Form::Z_Acc, Size::V);
        t[0xb0 + r] = R(op_mov, "mov", Form::Z, Size::B, ImmKind::Z);
        t[0xb8 + r] = R(op_mov, "mov", Form::Z, Size::V, ImmKind::V);
    }
    t[0x90].attr = kPrefixed;  // F3 90 is PAUSE
    t[0x60] = R(op_pusha, "pusha", Form::None, Size::V, ImmKind::None, kInv64);
    t[0x61] = R(op_popa, "popa", Form::None, Size::V, ImmKind::None, kInv64);
    t[0x62] = U("bound", Form::G_M, Size::V, ImmKind::None, kInv64);
    // 63 is MOVSXD in 64-bit mode and ARPL Ew, Gw elsewhere (the handler picks).
    t[0x63] = R(op_movsxd_arpl, "movsxd", Form::G_Ed, Size::V);
    t[0x68] = R(op_push_imm, "push", Form::None, Size::D64, ImmKind::Z);
    t[0x69] = R(op_imul3, "imul", Form::G_E, Size::V, ImmKind::Z);
    t[0x6a] = R(op_push_imm, "push", Form::None, Size::D64, ImmKind::Bs);
    t[0x6b] = R(op_imul3, "imul", Form::G_E, Size::V, ImmKind::Bs);
    t[0x6c] = R(op_ins, "insb", Form::None, Size::B);
    t[0x6d] = R(op_ins, "ins", Form::None, Size::Z);
    t[0x6e] = R(op_outs, "outsb", Form::None, Size::B);
    t[0x6f] = R(op_outs, "outs", Form::None, Size::Z);
    for (unsigned cc = 0; cc < 16; ++cc)
        t[0x70 + cc] = R(op_jcc, "jcc", Form::None, Size::F64, ImmKind::Jb, 0, static_cast<u8>(cc));
    t[0x80] = G(kGrp1, Size::B, ImmKind::Z);
    t[0x81] = G(kGrp1, Size::V, ImmKind::Z);
    t[0x82] = G(kGrp1, Size::B, ImmKind::Z, kInv64);
    t[0x83] = G(kGrp1, Size::V, ImmKind::Bs);
    t[0x84] = R(op_test, "test", Form::E_G, Size::B);
    t[0x85] = R(op_test, "test", Form::E_G, Size::V);
    t[0x86] = R(op_xchg, "xchg", Form::E_G, Size::B, ImmKind::None, kLock);
    t[0x87] = R(op_xchg, "xchg", Form::E_G, Size::V, ImmKind::None, kLock);
    t[0x88] = R(op_mov, "mov", Form::E_G, Size::B);
    t[0x89] = R(op_mov, "mov", Form::E_G, Size::V);
    t[0x8a] = R(op_mov, "mov", Form::G_E, Size::B);
    t[0x8b] = R(op_mov, "mov", Form::G_E, Size::V);
    t[0x8c] = R(op_mov_from_seg, "mov", Form::E_G, Size::V);
    t[0x8d] = R(op_lea, "lea", Form::G_M, Size::V);
    t[0x8e] = R(op_mov_to_seg, "mov", Form::G_E, Size::W);
    t[0x8f] = G(kGrp1A, Size::D64);
    t[0x98] = R(op_cbw, "cbw", Form::None, Size::V);
    t[0x99] = R(op_cwd, "cwd", Form::None, Size::V);
    t[0x9a] = R(op_call_far, "callf", Form::None, Size::V, ImmKind::Far, kInv64);
    t[0x9b] = R(op_fwait, "fwait", Form::None, Size::V);  // exec_x87.cpp
    t[0x9c] = R(op_pushf, "pushf", Form::None, Size::D64);
    t[0x9d] = R(op_popf, "popf", Form::None, Size::D64);
    t[0x9e] = R(op_sahf, "sahf", Form::None, Size::B);
    t[0x9f] = R(op_lahf, "lahf", Form::None, Size::B);
    t[0xa0] = R(op_mov, "mov", Form::Moffs, Size::B, ImmKind::None, 0, 0, insn_flags::Rev);
    t[0xa1] = R(op_mov, "mov", Form::Moffs, Size::V, ImmKind::None, 0, 0, insn_flags::Rev);
    t[0xa2] = R(op_mov, "mov", Form::Moffs, Size::B);
    t[0xa3] = R(op_mov, "mov", Form::Moffs, Size::V);
    t[0xa4] = R(op_movs, "movsb", Form::None, Size::B);
    t[0xa5] = R(op_movs, "movs", Form::None, Size::V);
    t[0xa6] = R(op_cmps, "cmpsb", Form::None, Size::B);
    t[0xa7] = R(op_cmps, "cmps", Form::None, Size::V);
    t[0xa8] = R(op_test, "test", Form::Acc, Size::B, ImmKind::Z);
    t[0xa9] = R(op_test, "test", Form::Acc, Size::V, ImmKind::Z);
    t[0xaa] = R(op_stos, "stosb", Form::None, Size::B);
    t[0xab] = R(op_stos, "stos", Form::None, Size::V);
    t[0xac] = R(op_lods, "lodsb", Form::None, Size::B);
    t[0xad] = R(op_lods, "lods", Form::None, Size::V);
    t[0xae] = R(op_scas, "scasb", Form::None, Size::B);
    t[0xaf] = R(op_scas, "scas", Form::None, Size::V);
    t[0xc0] = G(kGrp2, Size::B, ImmKind::B);
    t[0xc1] = G(kGrp2, Size::V, ImmKind::B);
    t[0xc2] = R(op_ret, "ret", Form::None, Size::F64, ImmKind::W);
    t[0xc3] = R(op_ret, "ret", Form::None, Size::F64);
    // In 64-bit mode C4/C5 are VEX prefixes; without AVX both readings are #UD.
    t[0xc4] = R(op_load_far_ptr, "les", Form::G_M, Size::V, ImmKind::None, kInv64, es);
    t[0xc5] = R(op_load_far_ptr, "lds", Form::G_M, Size::V, ImmKind::None, kInv64, ds);
    t[0xc6] = G(kGrp11, Size::B, ImmKind::Z);
    t[0xc7] = G(kGrp11, Size::V, ImmKind::Z);
    t[0xc8] = R(op_enter, "enter", Form::None, Size::D64, ImmKind::Wb);
    t[0xc9] = R(op_leave, "leave", Form::None, Size::D64);
    t[0xca] = R(op_retf, "retf", Form::None, Size::V, ImmKind::W);
    t[0xcb] = R(op_retf, "retf", Form::None, Size::V);
    t[0xcc] = R(op_int3, "int3", Form::None, Size::V);
    t[0xcd] = R(op_int, "int", Form::None, Size::V, ImmKind::B);
    t[0xce] = R(op_into, "into", Form::None, Size::V, ImmKind::None, kInv64);
    t[0xcf] = R(op_iret, "iret", Form::None, Size::V);
    t[0xd0] = G(kGrp2, Size::B, ImmKind::None, 0, insn_flags::CountOne);
    t[0xd1] = G(kGrp2, Size::V, ImmKind::None, 0, insn_flags::CountOne);
    t[0xd2] = G(kGrp2, Size::B, ImmKind::None, 0, insn_flags::CountCl);
    t[0xd3] = G(kGrp2, Size::V, ImmKind::None, 0, insn_flags::CountCl);
    t[0xd4] = R(op_bcd, "aam", Form::None, Size::B, ImmKind::B, kInv64, 4);
    t[0xd5] = R(op_bcd, "aad", Form::None, Size::B, ImmKind::B, kInv64, 5);
    t[0xd6] = R(op_bcd, "salc", Form::None, Size::B, ImmKind::None, kInv64, 6);
    t[0xd7] = R(op_xlat, "xlat", Form::None, Size::B);
    // exec_x87.cpp: the x87 escapes, sorted by ModRM there.
    for (unsigned x = 0xd8; x <= 0xdf; ++x) t[x] = R(op_x87, "x87", Form::E, Size::V);
    t[0xe0] = R(op_loop, "loopne", Form::None, Size::F64, ImmKind::Jb, 0, 0);
    t[0xe1] = R(op_loop, "loope", Form::None, Size::F64, ImmKind::Jb, 0, 1);
    t[0xe2] = R(op_loop, "loop", Form::None, Size::F64, ImmKind::Jb, 0, 2);
    t[0xe3] = R(op_jcxz, "jcxz", Form::None, Size::F64, ImmKind::Jb);
    t[0xe4] = R(op_in, "in", Form::None, Size::B, ImmKind::B);
    t[0xe5] = R(op_in, "in", Form::None, Size::Z, ImmKind::B);
    t[0xe6] = R(op_out, "out", Form::None, Size::B, ImmKind::B);
    t[0xe7] = R(op_out, "out", Form::None, Size::Z, ImmKind::B);
    t[0xe8] = R(op_call_rel, "call", Form::None, Size::F64, ImmKind::Jz);
    t[0xe9] = R(op_jmp_rel, "jmp", Form::None, Size::F64, ImmKind::Jz);
    t[0xea] = R(op_jmp_far, "jmpf", Form::None, Size::V, ImmKind::Far, kInv64);
    t[0xeb] = R(op_jmp_rel, "jmp", Form::None, Size::F64, ImmKind::Jb);
    t[0xec] = R(op_in, "in", Form::None, Size::B);
    t[0xed] = R(op_in, "in", Form::None, Size::Z);
    t[0xee] = R(op_out, "out", Form::None, Size::B);
    t[0xef] = R(op_out, "out", Form::None, Size::Z);
    t[0xf1] = R(op_int1, "int1", Form::None, Size::V);
    t[0xf4] = R(op_hlt, "hlt", Form::None, Size::V);
    t[0xf5] = R(op_flag, "cmc", Form::None, Size::V, ImmKind::None, 0, 6);
    t[0xf6] = G(kGrp3, Size::B);
    t[0xf7] = G(kGrp3, Size::V);
    t[0xf8] = R(op_flag, "clc", Form::None, Size::V, ImmKind::None, 0, 0);
    t[0xf9] = R(op_flag, "stc", Form::None, Size::V, ImmKind::None, 0, 1);
    t[0xfa] = R(op_flag, "cli", Form::None, Size::V, ImmKind::None, 0, 2);
    t[0xfb] = R(op_flag, "sti", Form::None, Size::V, ImmKind::None, 0, 3);
    t[0xfc] = R(op_flag, "cld", Form::None, Size::V, ImmKind::None, 0, 4);
    t[0xfd] = R(op_flag, "std", Form::None, Size::V, ImmKind::None, 0, 5);
    t[0xfe] = G(kGrp4, Size::B);
    t[0xff] = G(kGrp5, Size::V);
    return t;
}

constexpr std::array<std::array<OpRow, 8>, kGroupCount> build_groups() {
    std::array<std::array<OpRow, 8>, kGroupCount> g{};
    constexpr const char* kAlu[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    for (unsigned op = 0; op < 8; ++op) g[kGrp1][op] = S(op_alu, kAlu[op], op == 7 ? 0 : kLock);
    g[kGrp1A][0] = S(op_pop, "pop");
    // exec_shift.cpp: op_shift, ext = ModRM.reg (0 ROL ... 7 SAR; 6 is SAL = SHL).
    constexpr const char* kShift[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    for (unsigned op = 0; op < 8; ++op) g[kGrp2][op] = S(op_shift, kShift[op]);
    g[kGrp3][0] = S(op_test, "test", 0, ImmKind::Z);
    g[kGrp3][1] = S(op_test, "test", 0, ImmKind::Z);  // undocumented alias of /0
    g[kGrp3][2] = S(op_not, "not", kLock);
    g[kGrp3][3] = S(op_neg, "neg", kLock);
    g[kGrp3][4] = S(op_mul, "mul");  // exec_muldiv.cpp
    g[kGrp3][5] = S(op_imul1, "imul");
    g[kGrp3][6] = S(op_div, "div");
    g[kGrp3][7] = S(op_idiv, "idiv");
    g[kGrp4][0] = S(op_inc, "inc", kLock);
    g[kGrp4][1] = S(op_dec, "dec", kLock);
    g[kGrp5][0] = S(op_inc, "inc", kLock);
    g[kGrp5][1] = S(op_dec, "dec", kLock);
    g[kGrp5][2] = S(op_call_ind, "call", 0, ImmKind::None, Size::F64);
    g[kGrp5][3] = S(op_call_far, "callf", kMemOnly);
    g[kGrp5][4] = S(op_jmp_ind, "jmp", 0, ImmKind::None, Size::F64);
    g[kGrp5][5] = S(op_jmp_far, "jmpf", kMemOnly);
    g[kGrp5][6] = S(op_push, "push", 0, ImmKind::None, Size::D64);
    g[kGrp11][0] = S(op_mov, "mov");  // /7 with mod 3 is XABORT/XBEGIN: no RTM, #UD
    constexpr const char* kGrp6Names[6] = {"sldt", "str", "lldt", "ltr", "verr", "verw"};
    for (unsigned op = 0; op < 6; ++op) g[kGrp6][op] = S(op < 4 ? op_group6 : op_verify, kGrp6Names[op]);
    for (unsigned op = 0; op < 8; ++op) g[kGrp7][op] = S(op_group7, "grp7");
    constexpr const char* kBt[4] = {"bt", "bts", "btr", "btc"};
    for (unsigned op = 0; op < 4; ++op)  // op_bt uses ext & 3: ModRM.reg 4-7 is BT..BTC
        g[kGrp8][4 + op] = S(op_bt, kBt[op], op == 0 ? 0 : kLock);
    g[kGrp9][1] = S(op_cmpxchg8b, "cmpxchg8b", kLock | kMemOnly);
    for (unsigned op = 0; op < 8; ++op) g[kGrp15][op] = S(op_group15, "grp15");
    constexpr const char* kFxsave[4] = {"fxsave", "fxrstor", "ldmxcsr", "stmxcsr"};  // fxsave.cpp
    for (unsigned op = 0; op < 4; ++op) g[kGrp15][op] = S(op_fxsave_group, kFxsave[op]);
    return g;
}

}  // namespace flint::x86::rows
