#pragma once
// Turns (seed, index) into a Case. Systematic over the instruction table: index modulo the
// number of selected rows picks the row, the quotient walks operand sizes and addressing
// forms; everything else (registers, values, flags, prefixes) is drawn from the case's own
// random stream, biased towards edge values.
#include <string_view>
#include <vector>

#include "encoder.h"
#include "insn_spec.h"
#include "test_case.h"

namespace flint::x86diff {

class Generator {
public:
    // `filter`: empty for every row, else a mnemonic (case-insensitive) or a comma list.
    Generator(u64 seed, std::string_view filter);

    Case make(u64 index) const;
    size_t row_count() const { return m_rows.size(); }

private:
    u64 m_seed;
    std::vector<u16> m_rows;  // indices into insn_specs()
};

// The operand sizes and addressing forms a row is generated with.
std::span<const u8> opsizes_for(const InsnSpec& s);
std::span<const AddrKind> addr_kinds_for(const InsnSpec& s);

// Case::variant packs (operand size, addressing form) for the coverage report.
inline u8 make_variant(unsigned opsize, AddrKind k) {
    const unsigned sz = opsize == 1 ? 0 : opsize == 2 ? 1 : opsize == 4 ? 2 : 3;
    return static_cast<u8>(sz << 4 | static_cast<unsigned>(k));
}
inline unsigned variant_opsize(u8 v) { return 1u << (v >> 4); }
inline AddrKind variant_kind(u8 v) { return static_cast<AddrKind>(v & 15); }

bool mnemonic_matches(std::string_view filter, std::string_view mnemonic);

}  // namespace flint::x86diff
