#pragma once
// The generator's own description of the instructions it exercises, written from the
// architecture manuals independently of the CPU's opcode tables: if both came from one
// source, a wrong row would be generated and executed consistently and never noticed.
// When the CPU's tables are available they are cross-checked against this list (see
// emu_runner.cpp).
#include <span>
#include <string_view>

#include "base/types.h"

namespace flint::x86diff {

// Which operands exist and how they are encoded.
enum class Form : u8 {
    None,   // no ModRM
    E_G,    // ModRM, E destination
    G_E,    // ModRM, G destination
    E,      // ModRM, E only (groups)
    G_Eb,   // ModRM, E is a byte (MOVZX/MOVSX)
    G_Ew,   // ModRM, E is a word
    G_Ed,   // ModRM, E is a dword (MOVSXD)
    G_M,    // ModRM, memory-only E (LEA, MOVBE load, CMPXCHG8B)
    M_G,    // ModRM, memory-only E destination (MOVBE store)
    Z,      // register in the opcode's low three bits
    Moffs,  // absolute address-sized offset
};

// Operand-size rule in 64-bit mode.
enum class SizeRule : u8 {
    Byte,  // always 8 bits
    V,     // 16/32/64 by 0x66 and REX.W
    D64,   // 64 by default, 16 with 0x66 (stack operations)
    F64,   // always 64 (near branches; 0x66 is vendor-specific there, so never generated)
    Word,  // always 16
    Y,     // 32 or 64 (no 16-bit form, e.g. BSWAP where it is undefined)
    Q,     // always REX.W (CMPXCHG16B)
    X,     // vector operands only: no operand-size prefix, REX.W set at random (ignored)
};

enum class ImmRule : u8 { None, B, W, Z, V, Jb, Jz, WB };

namespace trait {
inline constexpr u32 Lockable = 1u << 0;    // LOCK allowed with a memory destination
inline constexpr u32 MemOnly = 1u << 1;
inline constexpr u32 RegOnly = 1u << 2;
inline constexpr u32 Invalid64 = 1u << 3;   // #UD in 64-bit mode: both sides must fault
inline constexpr u32 String = 1u << 4;      // RSI/RDI/RCX implicit, REP allowed
inline constexpr u32 RepCond = 1u << 5;     // REPE/REPNE meaningful (CMPS/SCAS)
inline constexpr u32 RelBranch = 1u << 6;   // relative displacement aimed at a landing pad
inline constexpr u32 Indirect = 1u << 7;    // E holds a landing pad's address
inline constexpr u32 Ret = 1u << 8;         // the stack top holds a landing pad's address
inline constexpr u32 CountReg = 1u << 9;    // RCX/ECX is a small loop count (LOOP, JrCXZ)
inline constexpr u32 ShiftCl = 1u << 10;    // shift count in CL
inline constexpr u32 ShiftOne = 1u << 11;   // shift count 1
inline constexpr u32 ShiftImm = 1u << 12;   // shift count in imm8
inline constexpr u32 CmpAcc = 1u << 13;     // accumulator often equals E (CMPXCHG)
inline constexpr u32 DivBias = 1u << 14;    // rDX chosen so that the quotient often fits
inline constexpr u32 Xlat = 1u << 15;       // RBX points into the data area
inline constexpr u32 FramePtr = 1u << 16;   // RBP points into the data area (ENTER/LEAVE)
inline constexpr u32 PopFlags = 1u << 17;   // the stack top holds a harmless RFLAGS image
inline constexpr u32 Cmpxchg8b = 1u << 18;  // rDX:rAX often equals the memory operand
inline constexpr u32 NoRexW = 1u << 19;     // REX.W changes the instruction: keep it off
inline constexpr u32 Undefined = 1u << 20;  // generated only to check both sides #UD
inline constexpr u32 BitIndex = 1u << 21;   // G is a bit offset: keep it small for memory E
inline constexpr u32 Sse = 1u << 22;        // reads or writes XMM registers / MXCSR
inline constexpr u32 MaskMov = 1u << 23;    // RDI points into the data area (MASKMOVDQU)
inline constexpr u32 MxcsrImage = 1u << 24; // the memory operand usually holds a valid MXCSR
inline constexpr u32 FxImage = 1u << 25;    // a 512-byte FXSAVE image (valid MXCSR at +24)
inline constexpr u32 HostFpuData = 1u << 26; // FXSAVE: some stored bytes are the host's
inline constexpr u32 X87 = 1u << 27;        // x87: random register stack, control and status
inline constexpr u32 X87Int = 1u << 28;     // x87 memory operand is an integer (or BCD)
inline constexpr u32 X87Env = 1u << 29;     // x87 memory operand is an FLDENV/FRSTOR image
inline constexpr u32 Mmx = 1u << 30;        // reads or writes MMX registers
}  // namespace trait

struct InsnSpec {
    std::string_view mnemonic;
    u8 prefix = 0;  // mandatory prefix: 0, 0x66, 0xF2 or 0xF3
    u8 map = 0;     // 0: one-byte, 1: 0F, 2: 0F 38, 3: 0F 3A
    u8 opcode = 0;
    i8 reg = -1;    // ModRM.reg of a group row, or -1
    Form form = Form::None;
    SizeRule size = SizeRule::V;
    ImmRule imm = ImmRule::None;
    u32 traits = 0;
    u8 mem = 0;     // bytes of the memory operand when not the operand size (vector forms)
    i8 rm = -1;     // a fixed ModRM.rm for register forms (x87 rows such as D9 E0), or -1

    bool has(u32 t) const { return (traits & t) != 0; }
    bool has_modrm() const {
        return form != Form::None && form != Form::Z && form != Form::Moffs;
    }
};

std::span<const InsnSpec> insn_specs();

// Instructions deliberately never generated, each with the reason. One list, printed by
// --list-coverage, and used to keep the CPU-table cross-check quiet about them.
struct Exclusion {
    u8 map;
    u8 first, last;  // opcode range
    i8 reg;          // -1: every ModRM.reg
    std::string_view what;
    std::string_view reason;
};
std::span<const Exclusion> exclusions();
const Exclusion* find_exclusion(u8 map, u8 opcode, i8 reg);

// Mnemonics the CPU is known not to implement yet. A host-executed instruction the emulator
// rejects with #UD is a failure unless it is listed here (or the CPU's own table marks its
// row unimplemented); either way the summary prints it.
std::span<const std::string_view> not_yet_implemented();

}  // namespace flint::x86diff
