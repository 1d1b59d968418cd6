#pragma once
// Instruction decoder: guest bytes -> Insn, driven by the rows of opcodes.h. A pure
// function of the bytes and the mode, so the CPU can cache its output per page and tests
// can check it without a CPU.
#include <span>

#include "x86/insn.h"

namespace flint::x86 {

enum class DecodeStatus : u8 {
    Ok,
    Invalid,    // #UD: undefined opcode, invalid in this mode, bad LOCK, bad ModRM form
    TooLong,    // #GP(0): the instruction would exceed 15 bytes
    NeedBytes,  // ran off the end of `bytes` before 15: the fetch of byte bytes.size() faults
};

inline constexpr unsigned kMaxInsnLen = 15;

// Decodes the instruction at the start of `bytes` (at most the first 15 are looked at).
// On Ok, `out` is complete (handler, operands, length). On Invalid, `out.len` is the
// length decoded so far, meaningless to the guest.
DecodeStatus decode(CpuMode mode, std::span<const u8> bytes, Insn& out);

}  // namespace flint::x86
