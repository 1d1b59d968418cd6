#pragma once
// Little-endian loads and stores on byte spans, and bit-field helpers.
#include <cstring>
#include <span>

#include "base/types.h"

namespace flint {

template <typename T>
inline T load_le(const u8* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));  // x86 hosts only: little-endian already.
    return v;
}

template <typename T>
inline void store_le(u8* p, T v) {
    std::memcpy(p, &v, sizeof(T));
}

// Reads up to 8 bytes of a span as a little-endian integer (for 1/2/4/8-byte accesses).
inline u64 load_le_span(std::span<const u8> data) {
    u64 v = 0;
    std::memcpy(&v, data.data(), data.size() < 8 ? data.size() : 8);
    return v;
}

inline void store_le_span(std::span<u8> data, u64 v) {
    std::memcpy(data.data(), &v, data.size() < 8 ? data.size() : 8);
}

constexpr u64 bit(unsigned n) { return u64{1} << n; }

constexpr u64 align_up(u64 v, u64 align) { return (v + align - 1) & ~(align - 1); }
constexpr u64 align_down(u64 v, u64 align) { return v & ~(align - 1); }

}  // namespace flint
