#pragma once
// The SSE/SSE2 rows of the generator's instruction list (see insn_spec.h).
#include <vector>

#include "insn_spec.h"

namespace flint::x86diff {

void add_sse_specs(std::vector<InsnSpec>& t);

}  // namespace flint::x86diff
