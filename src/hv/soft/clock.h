#pragma once
// Time as the interrupt and timer models see it: an injected monotonic clock in
// nanoseconds, so that tests can drive time by hand. Conversions between nanoseconds and
// a counter's ticks use 128-bit intermediates so they neither overflow nor drift.
#include <functional>

#include "base/types.h"

namespace flint::soft {

using MonotonicClock = std::function<u64()>;  // nanoseconds, never decreasing

inline constexpr u64 kNsPerSecond = 1'000'000'000;

// Whole ticks of a `hz` clock elapsed at `ns` (floor).
constexpr u64 ns_to_ticks(u64 ns, u64 hz) {
    return static_cast<u64>(static_cast<unsigned __int128>(ns) * hz / kNsPerSecond);
}

// The first nanosecond at which `ticks` ticks of a `hz` clock have elapsed (ceiling),
// saturating at kNoDeadline-like ~0 on overflow.
constexpr u64 ticks_to_ns(u64 ticks, u64 hz) {
    const unsigned __int128 ns =
        (static_cast<unsigned __int128>(ticks) * kNsPerSecond + hz - 1) / hz;
    return ns > ~u64{0} ? ~u64{0} : static_cast<u64>(ns);
}

}  // namespace flint::soft
