#pragma once
// The x87 rows of the generator's instruction list (see insn_spec.h).
#include <vector>

#include "insn_spec.h"

namespace flint::x86diff {

void add_x87_specs(std::vector<InsnSpec>& t);

}  // namespace flint::x86diff
