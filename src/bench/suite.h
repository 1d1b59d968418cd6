#pragma once
// The suites `flint bench` runs and the figures each one yields.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace flint::bench {

enum class Suite { Boot, Cpu, Disk, Latency, Memory, Net };

// Which way a figure improves. Times, sizes and latencies are better lower, throughputs
// (MiB/s, IOPS) higher. The ratio is Flint/peer either way, so it is read with this.
enum class Better { Lower, Higher };

// "lower" or "higher".
std::string_view better_name(Better better);

// One figure a run yields.
struct MetricDef {
    Suite suite;
    std::string_view key;    // results.json key; for guest workloads the name the guest prints
    std::string_view label;  // what it measures, for the table, the report and the plots
    std::string_view unit;   // "s", "ms", "us", "MiB", "MiB/s" or "IOPS"; the guest prints the same
    Better better = Better::Lower;
};

// Every figure, grouped by suite in the order of the Suite enum.
std::span<const MetricDef> all_metrics();
std::vector<MetricDef> metrics_of(std::span<const Suite> suites);
// The figure with this key, or null.
const MetricDef* find_metric(std::string_view key);

std::string_view suite_name(Suite suite);
// Whether the suite's figures come from a program the guest runs (cpu, disk, latency, net),
// rather than from the host watching the VMM (boot, memory).
bool runs_in_guest(Suite suite);
// The direction of every figure of the suite; nullopt for a suite that mixes them (net:
// throughputs and round-trip times).
std::optional<Better> suite_better(Suite suite);

// "boot,cpu" -> the suites named, in that order, without repeats.
Result<std::vector<Suite>> parse_suites(std::string_view text);

}  // namespace flint::bench
