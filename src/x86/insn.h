#pragma once
// A decoded instruction: everything the handler needs, resolved once so that executing a
// cached instruction never looks at its bytes again. Kept small (it is cached per page).
#include "x86/types.h"

namespace flint::x86 {

class Cpu;
struct Insn;

// The one signature every instruction handler has.
using Handler = Event (*)(Cpu&, const Insn&);

// Register codes used in Insn::reg/rm/base/index. 0-15 are the GPRs; for byte operands
// 16-19 name AH, CH, DH, BH (only reachable without REX). kRipReg and kNoReg index the
// two extra slots of the CPU's register file, so address generation needs no branch.
inline constexpr u8 kHighByteReg = 16;
inline constexpr u8 kRipReg = 16;
inline constexpr u8 kNoReg = 17;

namespace insn_flags {
inline constexpr u16 Mem = 1 << 0;     // E operand is memory (ModRM.mod != 3 or moffs)
inline constexpr u16 Imm = 1 << 1;     // source operand is the immediate
inline constexpr u16 Rev = 1 << 2;     // G operand is the destination (G,E forms)
inline constexpr u16 Lock = 1 << 3;    // LOCK prefix present
inline constexpr u16 Rep = 1 << 4;     // F3 (REP/REPE) was the last of F2/F3
inline constexpr u16 Repne = 1 << 5;   // F2 (REPNE) was the last of F2/F3
inline constexpr u16 Rex = 1 << 6;     // any REX prefix present
inline constexpr u16 RexW = 1 << 7;
inline constexpr u16 OpSize = 1 << 8;  // 0x66 present (mandatory-prefix maps)
inline constexpr u16 SegOverride = 1 << 9;
inline constexpr u16 CountCl = 1 << 10;  // shift count comes from CL
inline constexpr u16 CountOne = 1 << 11; // shift count is 1 (D0/D1)
}  // namespace insn_flags

// Opcode maps, stored in the high byte of Insn::op.
enum class OpMap : u8 { OneByte = 0, Map0F = 1, Map0F38 = 2, Map0F3A = 3 };

struct Insn {
    Handler fn = nullptr;
    const char* name = "";  // mnemonic, for tracing and coverage reports
    u64 imm = 0;       // immediate, sign- or zero-extended as the form says
    i64 disp = 0;      // displacement of the memory operand (sign-extended); the moffs address
                       // (64 bits wide in 64-bit mode, hence i64: it costs no space here)
    u16 op = 0;        // OpMap << 8 | opcode byte
    u16 flags = 0;     // insn_flags
    u8 len = 0;        // total length in bytes, 1..15
    u8 opsize = 4;     // operand size in bytes: 1, 2, 4, 8
    u8 addrsize = 8;   // address size in bytes: 2, 4, 8
    u8 seg = 3;        // effective segment of the memory operand (Seg)
    u8 reg = 0;        // G operand register code
    u8 rm = 0;         // E operand register code when not Mem
    u8 base = kNoReg;  // memory operand: base, index, scale (shift count 0-3)
    u8 index = kNoReg;
    u8 scale = 0;
    u8 ext = 0;        // ModRM.reg for group opcodes, condition code for Jcc/SETcc/CMOVcc
    u8 imm2 = 0;       // second immediate (ENTER's nesting level); else the ModRM byte
    u8 esize = 4;      // size of the E operand in bytes: opsize except MOVZX/MOVSX/MOVSXD

    bool mem() const { return flags & insn_flags::Mem; }
    bool has(u16 f) const { return (flags & f) != 0; }
    u8 opcode() const { return static_cast<u8>(op); }
    OpMap map() const { return static_cast<OpMap>(op >> 8); }
};
// Cached per page by the thousand: keep it at one cache line or less.
static_assert(sizeof(Insn) <= 48);

}  // namespace flint::x86
