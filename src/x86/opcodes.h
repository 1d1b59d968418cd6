#pragma once
// The opcode maps as data. Each row says how an opcode is encoded (operand form, operand
// size rule, immediate) and which handler executes it; the decoder is a small interpreter
// of these rows. Group opcodes (ModRM.reg selects the operation) point at a sub-table.
#include <array>
#include <span>

#include "x86/insn.h"

namespace flint::x86 {

// Operand form: which operands exist and where they come from.
enum class Form : u8 {
    Invalid,  // not an instruction: #UD
    None,     // no ModRM, no register operand from the opcode
    E_G,      // ModRM: E is the destination, G the source
    G_E,      // ModRM: G is the destination
    E,        // ModRM: E only (G is an opcode extension or unused)
    G_Eb,     // ModRM: G sized by the row, E is a byte (MOVZX/MOVSX)
    G_Ew,     // ModRM: G sized by the row, E is a word
    G_Ed,     // ModRM: G sized by the row, E is a dword (MOVSXD)
    G_M,      // ModRM: memory-only E (LEA, MOVBE load, CMPXCHG8B via group)
    M_G,      // ModRM: memory-only E as destination (MOVBE store, MOVNTI)
    Z,        // register from the opcode's low three bits (+REX.B) as E
    Z_Acc,    // E = register from the opcode, G = accumulator (XCHG r, rAX)
    Acc,      // E = accumulator (ALU/TEST/MOV with immediate into AL/eAX)
    Moffs,    // E = memory at an absolute address-sized offset
    Group,    // ModRM required; ModRM.reg selects a row of the group table
};

// Operand-size rule.
enum class Size : u8 {
    B,    // byte
    V,    // 16/32/64 from 0x66 and REX.W
    D64,  // like V but 64 by default in 64-bit mode (stack operations, indirect branches)
    F64,  // 64 in 64-bit mode whatever the prefixes (near relative branches)
    W,    // always 16
    Y,    // 32, or 64 with REX.W
    Z,    // 16 or 32, never 64 (port I/O)
    Inherit,  // group sub-rows: the size rule of the opcode that selected the group
};

enum class ImmKind : u8 {
    None,
    B,     // imm8, zero-extended
    Bs,    // imm8, sign-extended to the operand size
    W,     // imm16
    Z,     // by operand size: imm8, imm16, or imm32 (sign-extended for 64-bit operands)
    V,     // imm16/32/64 by operand size (MOV r, imm)
    Jb,    // rel8
    Jz,    // rel16/rel32
    Wb,    // imm16 then imm8 (ENTER)
    Far,   // ptr16:16 / ptr16:32 (far CALL/JMP outside 64-bit mode)
};

namespace row_attr {
inline constexpr u16 Lockable = 1 << 0;  // LOCK allowed with a memory destination
inline constexpr u16 Inv64 = 1 << 1;     // #UD in 64-bit mode
inline constexpr u16 Only64 = 1 << 2;    // valid only in 64-bit mode (MOVSXD)
inline constexpr u16 MemOnly = 1 << 3;   // #UD when ModRM.mod == 3
inline constexpr u16 RegOnly = 1 << 4;   // #UD when ModRM.mod != 3
inline constexpr u16 Prefixed = 1 << 5;  // F2/F3/66 may select another row (prefixed_rows)
inline constexpr u16 ModIsReg = 1 << 6;  // ModRM.mod ignored, E is always a register (MOV CRn)
}  // namespace row_attr

struct OpRow {
    Handler fn = nullptr;
    const char* name = "";
    Form form = Form::Invalid;
    Size size = Size::V;
    ImmKind imm = ImmKind::None;
    u16 attr = 0;
    u16 iflags = 0;  // insn_flags copied into the decoded instruction (shift count source)
    u8 group = 0;    // sub-table index for Form::Group
    u8 ext = 0;      // value handed to the handler in Insn::ext (operation selector)
};

// A row that applies only under a mandatory prefix (e.g. F3 0F B8 POPCNT).
struct PrefixedRow {
    u8 prefix;  // 0x66, 0xF2 or 0xF3
    u16 op;     // OpMap << 8 | opcode
    OpRow row;
};

inline constexpr unsigned kGroupCount = 16;

const std::array<OpRow, 256>& one_byte_map();
const std::array<OpRow, 256>& map_0f();
const std::array<OpRow, 256>& map_0f38();
const std::array<OpRow, 256>& map_0f3a();
const std::array<std::array<OpRow, 8>, kGroupCount>& group_rows();
std::span<const PrefixedRow> prefixed_rows();

}  // namespace flint::x86
