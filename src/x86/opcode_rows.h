#pragma once
// Internal: shorthand for writing opcode rows, shared by the table builders
// (opcode_table_one_byte.h, opcode_table_0f.h). Only opcodes.cpp includes those.
#include "x86/handlers.h"
#include "x86/opcodes.h"

namespace flint::x86::rows {

using A = u16;
inline constexpr A kLock = row_attr::Lockable;
inline constexpr A kInv64 = row_attr::Inv64;
inline constexpr A kOnly64 = row_attr::Only64;
inline constexpr A kMemOnly = row_attr::MemOnly;
inline constexpr A kRegOnly = row_attr::RegOnly;
inline constexpr A kPrefixed = row_attr::Prefixed;
inline constexpr A kModIsReg = row_attr::ModIsReg;

// Group sub-table indices (Form::Group rows name one of these).
enum GroupIndex : u8 {
    kGrp1,    // 80-83: ALU with immediate
    kGrp1A,   // 8F: POP Ev
    kGrp2,    // C0/C1/D0-D3: shifts and rotates
    kGrp3,    // F6/F7: TEST/NOT/NEG/MUL/IMUL/DIV/IDIV
    kGrp4,    // FE: INC/DEC Eb
    kGrp5,    // FF: INC/DEC/CALL/CALLF/JMP/JMPF/PUSH
    kGrp11,   // C6/C7: MOV E, imm
    kGrp6,    // 0F 00: SLDT/STR/LLDT/LTR/VERR/VERW
    kGrp7,    // 0F 01: descriptor tables, RDTSCP, ...
    kGrp8,    // 0F BA: BT/BTS/BTR/BTC E, imm8
    kGrp9,    // 0F C7: CMPXCHG8B/16B, RDRAND, RDSEED
    kGrp15,   // 0F AE: FXSAVE/.../fences
    kGroupsUsed,
};
static_assert(kGroupsUsed <= kGroupCount);

constexpr OpRow R(Handler fn, const char* name, Form form, Size size, ImmKind imm = ImmKind::None,
                  A attr = 0, u8 ext = 0, u16 iflags = 0) {
    OpRow r{};
    r.fn = fn;
    r.name = name;
    r.form = form;
    r.size = size;
    r.imm = imm;
    r.attr = attr;
    r.ext = ext;
    r.iflags = iflags;
    return r;
}

constexpr OpRow G(GroupIndex group, Size size, ImmKind imm = ImmKind::None, A attr = 0, u16 iflags = 0) {
    OpRow r{};
    r.fn = nullptr;
    r.name = "(group)";
    r.form = Form::Group;
    r.size = size;
    r.imm = imm;
    r.attr = attr;
    r.group = group;
    r.iflags = iflags;
    return r;
}

// Valid on hardware, not implemented here yet: decodes to the right length, executes #UD.
constexpr OpRow U(const char* name, Form form, Size size = Size::V, ImmKind imm = ImmKind::None, A attr = 0) {
    return R(op_unimplemented, name, form, size, imm, attr);
}

// A group sub-row; its size is the selecting opcode's unless it says otherwise.
constexpr OpRow S(Handler fn, const char* name, A attr = 0, ImmKind imm = ImmKind::None,
                  Size size = Size::Inherit) {
    return R(fn, name, Form::E, size, imm, attr);
}

constexpr OpRow kInvalidRow{};

}  // namespace flint::x86::rows
