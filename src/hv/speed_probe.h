#pragma once
// Does a back end run guest code at hardware speed? A host can expose a /dev/kvm that
// opens and works but runs guest code orders of magnitude slower than the software CPU
// (an emulated or trapping implementation under another hypervisor). `--accel auto` times
// a short guest loop on KVM before trusting it.
#include <chrono>

#include "base/result.h"
#include "hv/hypervisor.h"

namespace flint::hv {

// Guest instructions in the probe: a counted loop, then OUT to the debug-exit port.
inline constexpr u32 kSpeedProbeIterations = 200'000;

// Runs the probe loop in a fresh one-vCPU VM of `hypervisor` and returns how long the
// guest took, or an error when it did not finish within `limit` (it is stopped then).
Result<std::chrono::nanoseconds> time_speed_probe(Hypervisor& hypervisor, std::chrono::milliseconds limit);

}  // namespace flint::hv
