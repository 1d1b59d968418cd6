#pragma once
// Vector register and MXCSR values biased towards where floating point goes wrong: signed
// zeros, infinities, quiet and signalling NaNs, denormals, the normal range's ends, the
// integer-conversion boundaries, and halfway cases for rounding; plus integer patterns.
#include "base/types.h"
#include "prng.h"
#include "test_case.h"
#include "values.h"

namespace flint::x86diff {

inline u32 float_edge(Prng& rng) {
    static constexpr u32 kEdges[] = {
        0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000,  // 0 1 inf
        0x7fc00000, 0xffc00000, 0x7fc00001, 0x7f800001, 0xff800001, 0x7fa00000,  // QNaN, SNaN
        0x00000001, 0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x7f7fffff,  // denormal, min/max
        0xff7fffff, 0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001, 0x5f000000,  // +-2^31, 2^63
        0xdf000000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0x34000000,  // .5 1.5 2.5 eps
        0x0c000000, 0x72000000};  // squares that underflow / overflow
    u32 v = rng.pick(kEdges);
    if (rng.chance(20)) v += static_cast<u32>(rng.below(5)) - 2;  // neighbours
    return v;
}

inline u64 double_edge(Prng& rng) {
    static constexpr u64 kEdges[] = {
        0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
        0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
        0x7ff0000000000001, 0x7ff4000000000000, 0xfff0000000000001, 0x0000000000000001,
        0x800fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
        0x41e0000000000000, 0xc1e0000000000000, 0x41dfffffffffffff, 0xc1e0000000200000,
        0x43e0000000000000, 0xc3e0000000000000, 0x3fe0000000000000, 0x3ff8000000000000,
        0x4004000000000000, 0x3cb0000000000000, 0x47efffffe0000000, 0x47efffffffffffff,
        0x36a0000000000000, 0x3810000000000000, 0x380fffffffffffff, 0x1ff0000000000000};
    u64 v = rng.pick(kEdges);
    if (rng.chance(20)) v += rng.below(5) - 2;
    return v;
}

inline u64 vector_half(Prng& rng) {
    switch (rng.below(8)) {
    case 0: case 1: return u64{float_edge(rng)} | u64{float_edge(rng)} << 32;
    case 2: case 3: return double_edge(rng);
    case 4: return edge_value(rng);
    case 5: return rng.chance(50) ? 0 : ~u64{0};
    default: return rng.next();
    }
}

inline Vec128 vector_value(Prng& rng) { return {vector_half(rng), vector_half(rng)}; }

// An MMX value: lanes of one width (8 to 64 bits), each an edge of that width (zero, one,
// all ones, the signed limits and their neighbours) or random; now and then a shift count
// or a floating-point pattern (for the conversions).
inline u64 mmx_value(Prng& rng) {
    if (rng.chance(10)) return shift_count(rng);
    if (rng.chance(15)) return vector_half(rng);
    const unsigned bits = 8u << rng.below(4);
    const u64 mask = bits == 64 ? ~u64{0} : (u64{1} << bits) - 1;
    const u64 smax = mask >> 1, smin = smax + 1;
    const u64 edges[] = {0, 1, 2, mask, mask - 1, smax, smin, smax - 1, smin + 1, 0x5555555555555555 & mask};
    u64 v = 0;
    for (unsigned at = 0; at < 64; at += bits) v |= ((rng.chance(75) ? rng.pick(edges) : rng.next()) & mask) << at;
    return v;
}

// Mostly the default; otherwise each rounding mode, DAZ/FTZ, sticky flags and, now and
// then, unmasked exceptions. Only architectural bits (0-15).
inline u32 mxcsr_value(Prng& rng) {
    if (rng.chance(40)) return kMxcsrDefault;
    u32 m = kMxcsrDefault;
    m = (m & ~0x6000u) | static_cast<u32>(rng.below(4)) << 13;
    if (rng.chance(30)) m |= 1u << 6;   // DAZ
    if (rng.chance(30)) m |= 1u << 15;  // FTZ
    if (rng.chance(20)) m |= static_cast<u32>(rng.below(64));  // sticky flags
    if (rng.chance(15)) m &= ~(static_cast<u32>(rng.below(64)) << 7);  // unmask some
    return m;
}

}  // namespace flint::x86diff
