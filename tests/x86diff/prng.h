#pragma once
// A small, fast, seedable generator. Each case draws from its own stream derived from
// (seed, index), so any case can be regenerated alone from the two numbers it prints.
#include "base/types.h"

namespace flint::x86diff {

class Prng {
public:
    Prng(u64 seed, u64 index) : m_state(mix(seed ^ mix(index + 0x9e3779b97f4a7c15ull))) {}
    explicit Prng(u64 seed) : m_state(mix(seed)) {}

    u64 next() {
        m_state += 0x9e3779b97f4a7c15ull;
        return mix(m_state);
    }
    // Uniform in [0, n); n > 0. The slight modulo bias is irrelevant for test generation.
    u64 below(u64 n) { return next() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <typename T, unsigned N>
    const T& pick(const T (&items)[N]) { return items[below(N)]; }

private:
    static u64 mix(u64 z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    u64 m_state;
};

}  // namespace flint::x86diff
