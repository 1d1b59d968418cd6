#pragma once
// What the architecture leaves undefined, per instruction: those flags (and, for a few
// operand combinations, the destination) differ between CPU generations and vendors, so
// the comparator must not hold the emulator to the host's particular choice.
#include <string_view>

#include "base/types.h"

namespace flint::x86diff {

struct UndefinedEffects {
    u64 flags = 0;             // RFLAGS bits not compared
    bool destination = false;  // the destination operand's value is undefined too
};

// `opsize` in bytes; `count` is the raw shift/rotate count operand (CL or imm8, before
// masking), ignored for other instructions.
UndefinedEffects undefined_effects(std::string_view mnemonic, unsigned opsize, unsigned count);

}  // namespace flint::x86diff
