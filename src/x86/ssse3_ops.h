#pragma once
// Internal: the SSSE3 integer operations, in portable C++ over the register's elements
// (they are exact integer arithmetic, so the host's SSSE3 is not needed), and the SSE3
// floating-point forms built from SSE2 operations that perform the same single IEEE
// operation per element (so rounding, NaN choice and flags are the hardware's).
#include <algorithm>
#include <limits>
#include <type_traits>

#include "x86/sse.h"
#include "x86/sse_ops.h"

namespace flint::x86::sse {

template <typename T>
T saturate(i32 v) {
    return static_cast<T>(std::clamp<i32>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

// PHADD*/PHSUB*: pairs of adjacent elements of the destination, then of the source.
template <typename T, typename F>
__m128i horizontal(__m128i a, __m128i b, F f) {
    const Xmm x = from_m128i(a), y = from_m128i(b);
    constexpr unsigned n = 16 / sizeof(T);
    Xmm r;
    for (unsigned i = 0; i < n / 2; ++i) {
        r.set<T>(i, f(x.get<T>(2 * i), x.get<T>(2 * i + 1)));
        r.set<T>(n / 2 + i, f(y.get<T>(2 * i), y.get<T>(2 * i + 1)));
    }
    return to_m128i(r);
}

template <typename T, typename F>
__m128i lanewise(__m128i a, __m128i b, F f) {
    const Xmm x = from_m128i(a), y = from_m128i(b);
    Xmm r;
    for (unsigned i = 0; i < 16 / sizeof(T); ++i) r.set<T>(i, f(x.get<T>(i), y.get<T>(i)));
    return to_m128i(r);
}

template <typename T>
T wrap_add(T p, T q) { return static_cast<T>(static_cast<std::make_unsigned_t<T>>(p) + static_cast<std::make_unsigned_t<T>>(q)); }
template <typename T>
T wrap_sub(T p, T q) { return static_cast<T>(static_cast<std::make_unsigned_t<T>>(p) - static_cast<std::make_unsigned_t<T>>(q)); }

inline __m128i phaddw(__m128i a, __m128i b) { return horizontal<i16>(a, b, wrap_add<i16>); }
inline __m128i phaddd(__m128i a, __m128i b) { return horizontal<i32>(a, b, wrap_add<i32>); }
inline __m128i phsubw(__m128i a, __m128i b) { return horizontal<i16>(a, b, wrap_sub<i16>); }
inline __m128i phsubd(__m128i a, __m128i b) { return horizontal<i32>(a, b, wrap_sub<i32>); }
inline __m128i phaddsw(__m128i a, __m128i b) {
    return horizontal<i16>(a, b, [](i16 p, i16 q) { return saturate<i16>(p + q); });
}
inline __m128i phsubsw(__m128i a, __m128i b) {
    return horizontal<i16>(a, b, [](i16 p, i16 q) { return saturate<i16>(p - q); });
}

// Destination bytes select, source bytes index (bit 7 clears).
inline __m128i pshufb(__m128i a, __m128i b) {
    const Xmm x = from_m128i(a), y = from_m128i(b);
    Xmm r;
    for (unsigned i = 0; i < 16; ++i) {
        const u8 sel = y.get<u8>(i);
        r.set<u8>(i, (sel & 0x80) ? u8{0} : x.get<u8>(sel & 15));
    }
    return to_m128i(r);
}

// Unsigned destination bytes times signed source bytes, adjacent products summed with
// signed saturation.
inline __m128i pmaddubsw(__m128i a, __m128i b) {
    const Xmm x = from_m128i(a), y = from_m128i(b);
    Xmm r;
    for (unsigned i = 0; i < 8; ++i) {
        const i32 lo = i32{x.get<u8>(2 * i)} * i32{y.get<i8>(2 * i)};
        const i32 hi = i32{x.get<u8>(2 * i + 1)} * i32{y.get<i8>(2 * i + 1)};
        r.set<i16>(i, saturate<i16>(lo + hi));
    }
    return to_m128i(r);
}

inline __m128i pmulhrsw(__m128i a, __m128i b) {
    return lanewise<i16>(a, b, [](i16 p, i16 q) { return static_cast<i16>((((i32{p} * i32{q}) >> 14) + 1) >> 1); });
}

template <typename T>
__m128i psign(__m128i a, __m128i b) {
    return lanewise<T>(a, b, [](T p, T q) { return q < 0 ? wrap_sub<T>(0, p) : q == 0 ? T{0} : p; });
}

// |source|; the most negative value stays as it is (read as unsigned, it is right).
template <typename T>
__m128i pabs(__m128i, __m128i b) {
    return lanewise<T>(b, b, [](T, T q) { return q < 0 ? wrap_sub<T>(0, q) : q; });
}

// SSE3 floating point from SSE2 operations. HADD/HSUB gather the even and the odd
// elements, so each result element is one IEEE operation on the pair the instruction
// combines. ADDSUB computes the subtracting and the adding lanes separately with the other
// lanes zeroed (0 - 0 and 0 + 0 raise nothing), so only the instruction's flags appear.
inline __m128 evens(__m128 a, __m128 b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); }
inline __m128 odds(__m128 a, __m128 b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); }

inline __m128i haddps(__m128i a, __m128i b) { return bits(add_ps(evens(ps(a), ps(b)), odds(ps(a), ps(b)))); }
inline __m128i hsubps(__m128i a, __m128i b) { return bits(sub_ps(evens(ps(a), ps(b)), odds(ps(a), ps(b)))); }
inline __m128i haddpd(__m128i a, __m128i b) {
    return bits(add_pd(_mm_unpacklo_pd(pd(a), pd(b)), _mm_unpackhi_pd(pd(a), pd(b))));
}
inline __m128i hsubpd(__m128i a, __m128i b) {
    return bits(sub_pd(_mm_unpacklo_pd(pd(a), pd(b)), _mm_unpackhi_pd(pd(a), pd(b))));
}

inline __m128i addsub(__m128i a, __m128i b, __m128i sub_lanes, bool dbl) {
    const __m128i sa = _mm_and_si128(a, sub_lanes), sb = _mm_and_si128(b, sub_lanes);
    const __m128i aa = _mm_andnot_si128(sub_lanes, a), ab = _mm_andnot_si128(sub_lanes, b);
    const __m128i s = dbl ? bits(sub_pd(pd(sa), pd(sb))) : bits(sub_ps(ps(sa), ps(sb)));
    const __m128i d = dbl ? bits(add_pd(pd(aa), pd(ab))) : bits(add_ps(ps(aa), ps(ab)));
    return _mm_or_si128(_mm_and_si128(s, sub_lanes), _mm_andnot_si128(sub_lanes, d));
}
inline __m128i addsubps(__m128i a, __m128i b) { return addsub(a, b, _mm_set_epi32(0, -1, 0, -1), false); }
inline __m128i addsubpd(__m128i a, __m128i b) { return addsub(a, b, _mm_set_epi64x(0, -1), true); }

}  // namespace flint::x86::sse
