#pragma once
// Judges one case: host outcome against emulator outcome, with the undefined parts masked.
#include <string>

#include "test_case.h"

namespace flint::x86diff {

enum class Verdict : u8 {
    Pass,
    Fail,
    Unimplemented,  // emulator #UD where the host ran it, and the row is known unimplemented
    HarnessError,   // the host side could not run the case (counts as failed)
};

// `known_unimplemented`: the instruction is on a not-yet-implemented list. Only then is an
// emulator #UD for a host-executed instruction not a failure.
Verdict judge(const Case& c, const Outcome& host, const Outcome& emu, bool known_unimplemented);

// A readable, multi-line account of the case and every difference; `title` names the
// instruction form.
std::string describe(const Case& c, const Outcome& host, const Outcome& emu,
                     const std::string& title);

}  // namespace flint::x86diff
