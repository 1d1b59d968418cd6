#pragma once
// Bit operations on the local APIC's 256-bit IRR/ISR/TMR banks.
#include <bit>

#include "hv/soft/local_apic.h"

namespace flint::soft::bitmap {

inline void set(Bitmap256& b, u8 v) { b[v / 32u] |= 1u << (v % 32u); }
inline void clear(Bitmap256& b, u8 v) { b[v / 32u] &= ~(1u << (v % 32u)); }
inline bool test(const Bitmap256& b, u8 v) { return (b[v / 32u] >> (v % 32u)) & 1u; }

// The highest set vector, or -1.
inline int highest(const Bitmap256& b) {
    for (int word = 7; word >= 0; --word) {
        const u32 w = b[static_cast<unsigned>(word)];
        if (w) return word * 32 + 31 - std::countl_zero(w);
    }
    return -1;
}

}  // namespace flint::soft::bitmap
