// The one table of architecturally undefined flags (Intel SDM vol. 2 "Flags Affected"
// sections; AMD APM vol. 3 agrees or is stricter). Keyed by mnemonic; count-dependent rules
// (shifts, rotates, double shifts) are computed below the table.
#include "undefined_flags.h"

#include "test_case.h"

namespace flint::x86diff {
namespace {

constexpr u64 CF = kFlagCF, PF = kFlagPF, AF = kFlagAF, ZF = kFlagZF, SF = kFlagSF,
              OF = kFlagOF;

enum class Rule : u8 { Fixed, Shift, Rotate, DoubleShift };

struct Entry {
    std::string_view mnemonic;
    Rule rule;
    u64 flags;  // for Rule::Fixed
};

constexpr Entry kTable[] = {
    {"AND", Rule::Fixed, AF},
    {"OR", Rule::Fixed, AF},
    {"XOR", Rule::Fixed, AF},
    {"TEST", Rule::Fixed, AF},
    {"MUL", Rule::Fixed, SF | ZF | AF | PF},
    {"IMUL", Rule::Fixed, SF | ZF | AF | PF},
    {"DIV", Rule::Fixed, CF | OF | SF | ZF | AF | PF},
    {"IDIV", Rule::Fixed, CF | OF | SF | ZF | AF | PF},
    {"BSF", Rule::Fixed, CF | OF | SF | AF | PF},
    {"BSR", Rule::Fixed, CF | OF | SF | AF | PF},
    {"TZCNT", Rule::Fixed, OF | SF | AF | PF},
    {"LZCNT", Rule::Fixed, OF | SF | AF | PF},
    {"BT", Rule::Fixed, OF | SF | AF | PF},
    {"BTS", Rule::Fixed, OF | SF | AF | PF},
    {"BTR", Rule::Fixed, OF | SF | AF | PF},
    {"BTC", Rule::Fixed, OF | SF | AF | PF},
    // Invalid in 64-bit mode (the generator only checks that they fault), listed so the
    // table is complete if a 32-bit mode is ever compared.
    {"AAA", Rule::Fixed, OF | SF | ZF | PF},
    {"AAS", Rule::Fixed, OF | SF | ZF | PF},
    {"AAM", Rule::Fixed, OF | AF | CF},
    {"AAD", Rule::Fixed, OF | AF | CF},
    {"DAA", Rule::Fixed, OF},
    {"DAS", Rule::Fixed, OF},
    {"SHL", Rule::Shift, 0},
    {"SAL", Rule::Shift, 0},
    {"SHR", Rule::Shift, 0},
    {"SAR", Rule::Shift, 0},
    {"ROL", Rule::Rotate, 0},
    {"ROR", Rule::Rotate, 0},
    {"RCL", Rule::Rotate, 0},
    {"RCR", Rule::Rotate, 0},
    {"SHLD", Rule::DoubleShift, 0},
    {"SHRD", Rule::DoubleShift, 0},
};

unsigned masked_count(unsigned opsize, unsigned count) {
    return count & (opsize == 8 ? 0x3fu : 0x1fu);
}

}  // namespace

UndefinedEffects undefined_effects(std::string_view mnemonic, unsigned opsize, unsigned count) {
    for (const Entry& e : kTable) {
        if (e.mnemonic != mnemonic) continue;
        const unsigned n = masked_count(opsize, count);
        const unsigned bits = opsize * 8;
        switch (e.rule) {
        case Rule::Fixed:
            return {e.flags, false};
        case Rule::Shift: {
            // A zero count changes nothing. Otherwise AF is undefined, OF is defined only
            // for a count of 1, and CF is undefined once the count reaches the width
            // (possible for 8- and 16-bit operands, whose counts are masked to 5 bits).
            if (n == 0) return {};
            u64 f = AF;
            if (n != 1) f |= OF;
            if (n >= bits) f |= CF;
            return {f, false};
        }
        case Rule::Rotate:
            // Only CF and OF are affected; OF is defined for 1-bit rotates only.
            return {n > 1 ? OF : 0, false};
        case Rule::DoubleShift: {
            if (n == 0) return {};
            if (n > bits) return {CF | PF | AF | ZF | SF | OF, true};
            u64 f = AF;
            if (n != 1) f |= OF;
            return {f, false};
        }
        }
    }
    return {};
}

}  // namespace flint::x86diff
