#pragma once
// Builds one case for a chosen row, operand size and addressing form (see generator.h for
// how those are chosen). Every value comes from `rng`, so the case is reproducible.
#include "encoder.h"
#include "insn_spec.h"
#include "prng.h"
#include "test_case.h"

namespace flint::x86diff {

// `c` arrives with its registers, flags and data seed drawn; the builder overrides the ones
// the instruction needs (pointers, counts), encodes the bytes and fills the undefined masks.
void build_case(const InsnSpec& spec, Prng& rng, Case& c, unsigned opsize, AddrKind kind);

}  // namespace flint::x86diff
