#pragma once
// x87 values biased towards where extended precision goes wrong: signed zeros, infinities,
// quiet and signalling NaNs and the indefinite, denormals, and the encodings only the
// 80-bit format has (pseudo-denormals, unnormals, pseudo-NaNs and pseudo-infinities);
// integer-conversion boundaries, halfway cases and huge trigonometric arguments. And the
// stack around them: TOP, tags, every precision and rounding control, sometimes unmasked
// exceptions and pending ones.
#include <bit>

#include "base/types.h"
#include "prng.h"
#include "test_case.h"
#include "values.h"
#include "vector_values.h"

namespace flint::x86diff {

inline constexpr u64 kX87Int = u64{1} << 63;  // the explicit integer bit
inline constexpr u16 kX87Bias = 0x3fff;

// An exact 80-bit image of a signed integer.
inline X87Reg80 x87_from_int(i64 v) {
    if (v == 0) return {};
    const u16 sign = v < 0 ? u16{0x8000} : u16{0};
    const u64 mag = v < 0 ? ~static_cast<u64>(v) + 1 : static_cast<u64>(v);
    const int lz = std::countl_zero(mag);
    return {mag << lz, static_cast<u16>(sign | (kX87Bias + 63 - lz))};
}

inline X87Reg80 x87_edge(Prng& rng) {
    static constexpr X87Reg80 kEdges[] = {
        {0, 0}, {0, 0x8000}, {kX87Int, kX87Bias}, {kX87Int, 0x8000 | kX87Bias},  // 0, 1
        {kX87Int, 0x7fff}, {kX87Int, 0xffff},                                    // infinities
        {0xc000000000000000, 0x7fff}, {0xc000000000000000, 0xffff},              // QNaN, indefinite
        {0xc000000000000001, 0x7fff}, {0x8000000000000001, 0x7fff},              // QNaN, SNaN
        {0xa000000000000000, 0xffff}, {0xffffffffffffffff, 0x7fff},              // SNaN, QNaN
        {1, 0}, {0x7fffffffffffffff, 0x8000}, {0x4000000000000000, 0},           // denormals
        {kX87Int, 0}, {kX87Int | 1, 0x8000},                                     // pseudo-denormals
        {0x4000000000000000, kX87Bias}, {0, 0x4000}, {1, 0x8001},                // unnormals
        {0, 0x7fff}, {0x4000000000000000, 0xffff},                               // pseudo-inf/NaN
        {~u64{0}, 0x7ffe}, {~u64{0}, 0xfffe}, {kX87Int, 1}, {kX87Int, 0x8001},   // range ends
        {kX87Int, kX87Bias - 1}, {0xc000000000000000, kX87Bias},                 // 0.5, 1.5
        {0xa000000000000000, kX87Bias + 1}, {0xc90fdaa22168c235, kX87Bias + 1},  // 2.5, pi
        {0xc90fdaa22168c234, kX87Bias}, {0xb17217f7d1cf79ac, kX87Bias - 1},      // pi/2, ln 2
        {kX87Int, kX87Bias + 15}, {kX87Int, kX87Bias + 31}, {kX87Int, kX87Bias + 63},  // 2^15/31/63
        {~u64{0}, kX87Bias + 63}, {kX87Int, 0x8000 | (kX87Bias + 63)},          // 2^64-1, -2^63
        {0xffff000000000000, kX87Bias + 15}, {kX87Int | 0x8000000000, kX87Bias + 23},  // halfway
        {kX87Int, kX87Bias + 64}, {kX87Int | 1, 0x8000 | (kX87Bias + 62)},
        {kX87Int, kX87Bias - 16382 + 1}, {kX87Int, kX87Bias + 16383},            // scale ends
    };
    X87Reg80 v = rng.pick(kEdges);
    if (rng.chance(15)) v.mantissa += rng.below(5) - 2;  // neighbours
    return v;
}

inline X87Reg80 x87_value(Prng& rng) {
    switch (rng.below(10)) {
    case 0: case 1: case 2: case 3: return x87_edge(rng);
    case 4: {  // near one: ordinary arithmetic, inexact results
        const u16 exp = static_cast<u16>(kX87Bias - 40 + rng.below(80));
        return {kX87Int | rng.next(), static_cast<u16>(exp | (rng.chance(50) ? 0x8000 : 0))};
    }
    case 5: return x87_from_int(static_cast<i64>(edge_value(rng)) >> rng.below(4) * 16);
    case 6: return x87_from_int(static_cast<i64>(rng.below(2000)) - 1000);
    case 7: {  // huge or tiny, for FSIN/FPTAN ranges, FSCALE and under/overflow
        const u16 exp = rng.chance(50) ? static_cast<u16>(kX87Bias + 58 + rng.below(10))
                                       : static_cast<u16>(rng.below(0x7fff));
        return {kX87Int | rng.next(), static_cast<u16>(exp | (rng.chance(50) ? 0x8000 : 0))};
    }
    case 8: {  // a double's or a float's value, as after FLD m64/m32
        const u64 d = double_edge(rng);
        const u16 e = static_cast<u16>((d >> 52) & 0x7ff);
        if (e == 0 || e == 0x7ff) return x87_edge(rng);
        return {kX87Int | (d << 11), static_cast<u16>(((d >> 48) & 0x8000) | (e + (kX87Bias - 1023u)))};
    }
    default: return {rng.next(), static_cast<u16>(rng.next())};
    }
}

// The control word: all six rounding x precision combinations, sometimes unmasked
// exceptions. Bit 6 reads as one; bits 13-15 are reserved.
inline u16 x87_control(Prng& rng) {
    u16 cw = 0x037f;
    if (rng.chance(50)) cw = static_cast<u16>((cw & ~u64{0x0c00}) | rng.below(4) << 10);  // RC
    if (rng.chance(40)) cw = static_cast<u16>((cw & ~u64{0x0300}) | rng.below(4) << 8);   // PC
    if (rng.chance(12)) cw = static_cast<u16>(cw & ~rng.below(64));                   // unmask
    return cw;
}

inline X87State x87_state(Prng& rng) {
    X87State x;
    const unsigned top = static_cast<unsigned>(rng.below(8));
    // Mostly a stack filled from ST(0) down, as code leaves it; sometimes any tag pattern.
    const unsigned depth = static_cast<unsigned>(rng.chance(10) ? 8 : rng.below(9));
    for (unsigned i = 0; i < 8; ++i) {
        x.st[i] = x87_value(rng);
        const bool valid = rng.chance(15) ? rng.chance(50) : i < depth;
        if (valid) x.ftw = static_cast<u8>(x.ftw | 1u << ((top + i) & 7));
    }
    x.fcw = x87_control(rng);
    u16 sw = static_cast<u16>(top << 11);
    sw |= static_cast<u16>(rng.next() & 0x4700);                // C0-C3
    if (rng.chance(20)) sw |= static_cast<u16>(rng.below(128));  // sticky flags, SF
    // ES (and B) summarise the flags the control word leaves unmasked: pending ones make
    // the next waiting instruction take #MF. Keep that rare so the arithmetic runs.
    if (sw & ~x.fcw & 0x3f) {
        if (rng.chance(85)) sw = static_cast<u16>(sw & ~(sw & ~x.fcw & 0x3f));
        else sw |= 0x8080;
    }
    x.fsw = sw;
    return x;
}

// A control word's worth of memory for FLDCW or an environment image.
inline u64 x87_control_image(Prng& rng) { return rng.chance(70) ? x87_control(rng) : rng.next() & 0xffff; }

// BCD: 18 packed digits and a sign byte; sometimes invalid digits.
inline X87Reg80 x87_bcd(Prng& rng) {
    u64 digits = 0;
    const unsigned n = static_cast<unsigned>(rng.below(17));
    for (unsigned i = 0; i < n; ++i) digits |= (rng.below(10)) << (4 * i);
    if (rng.chance(10)) digits |= u64{0xa + rng.below(6)} << (4 * rng.below(16));
    const u64 top_digits = rng.chance(20) ? rng.below(10) * 0x11 : 0;  // digits 17 and 16
    return {digits, static_cast<u16>((rng.chance(50) ? 0x8000 : 0) | top_digits)};
}

}  // namespace flint::x86diff
