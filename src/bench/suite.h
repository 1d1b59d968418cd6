#pragma once
// The suites `flint bench` runs and the figures each one yields.
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace flint::bench {

enum class Suite { Boot, Cpu, Memory };

// One figure a run yields. Every figure is a time or a size, lower is better, so a ratio
// Flint/peer below 1 means Flint did better.
struct MetricDef {
    Suite suite;
    std::string_view key;    // results.json key; for guest workloads the name the guest prints
    std::string_view label;  // what it measures, for the table, the report and the plots
    std::string_view unit;   // "s", "ms" or "MiB"
};

// Every figure, grouped by suite in the order of the Suite enum.
std::span<const MetricDef> all_metrics();
std::vector<MetricDef> metrics_of(std::span<const Suite> suites);

std::string_view suite_name(Suite suite);

// "boot,cpu" -> the suites named, in that order, without repeats. disk, net and latency
// are known and refused with the reason: they need virtio devices.
Result<std::vector<Suite>> parse_suites(std::string_view text);

}  // namespace flint::bench
