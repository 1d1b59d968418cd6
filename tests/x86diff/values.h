#pragma once
// Operand values biased towards the edges where arithmetic goes wrong: zero, one, all ones,
// the sign boundaries of every width, and shift counts around every width.
#include "base/types.h"
#include "prng.h"

namespace flint::x86diff {

inline u64 edge_value(Prng& rng) {
    static constexpr u64 kEdges[] = {
        0, 1, 2, ~u64{0}, ~u64{1}, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff,
        0x8000000000000000, 0x8000000000000001, 0xffffffff80000000, 0xffffffffffff8000,
        0xffffffffffffff80, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa};
    return rng.pick(kEdges);
}

// A general register's initial value: edge values, with or without garbage above them (so
// that 8/16/32-bit operations that must preserve or clear upper bits are checked), small
// numbers, and plain random bits.
inline u64 register_value(Prng& rng) {
    switch (rng.below(8)) {
    case 0: case 1: return edge_value(rng);
    case 2: return (rng.next() & 0xffffffff00000000ull) | (edge_value(rng) & 0xffffffff);
    case 3: return (rng.next() & 0xffffffffffff0000ull) | (edge_value(rng) & 0xffff);
    case 4: return rng.below(256);
    default: return rng.next();
    }
}

// An immediate of `bytes` bytes, truncated to that width.
inline u64 immediate_value(Prng& rng, unsigned bytes) {
    const u64 v = rng.chance(50) ? edge_value(rng) : rng.next();
    return bytes >= 8 ? v : v & ((u64{1} << (8 * bytes)) - 1);
}

inline unsigned shift_count(Prng& rng) {
    static constexpr unsigned kCounts[] = {0,  1,  2,  3,  7,  8,  9,  15,  16, 17,
                                           31, 32, 33, 63, 64, 65, 127, 128, 255};
    return rng.chance(80) ? rng.pick(kCounts) : static_cast<unsigned>(rng.below(256));
}

}  // namespace flint::x86diff
