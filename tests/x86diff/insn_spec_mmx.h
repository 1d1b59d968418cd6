#pragma once
// The MMX part of the generator's instruction list (insn_spec_mmx.cpp).
#include <vector>

#include "insn_spec.h"

namespace flint::x86diff {

void add_mmx_specs(std::vector<InsnSpec>& t);

}  // namespace flint::x86diff
