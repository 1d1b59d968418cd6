#include "bench/suite.h"

#include <algorithm>
#include <array>

namespace flint::bench {

namespace {

constexpr std::array kMetrics{
    MetricDef{Suite::Boot, "boot.init", "process start -> guest init marker", "s"},
    MetricDef{Suite::Boot, "boot.prompt", "process start -> shell prompt", "s"},
    MetricDef{Suite::Cpu, "cpu.int", "integer ALU loop", "ms"},
    MetricDef{Suite::Cpu, "cpu.memory", "memory bandwidth loop (16 MiB)", "ms"},
    MetricDef{Suite::Cpu, "cpu.branchy", "branchy loop (quicksort)", "ms"},
    MetricDef{Suite::Memory, "memory.peak_rss", "peak RSS of the VMM process", "MiB"},
    MetricDef{Suite::Memory, "memory.guest_ram", "guest RAM resident", "MiB"},
    MetricDef{Suite::Memory, "memory.overhead", "VMM overhead: peak RSS - guest RAM", "MiB"},
};

struct SuiteName {
    Suite suite;
    std::string_view name;
};
constexpr std::array kSuiteNames{
    SuiteName{Suite::Boot, "boot"},
    SuiteName{Suite::Cpu, "cpu"},
    SuiteName{Suite::Memory, "memory"},
};

// Suites of issue-level scope that cannot run until the guest has the devices they measure.
constexpr std::array<std::string_view, 3> kNeedVirtio{"disk", "net", "latency"};

}  // namespace

std::span<const MetricDef> all_metrics() { return kMetrics; }

std::vector<MetricDef> metrics_of(std::span<const Suite> suites) {
    std::vector<MetricDef> out;
    for (const MetricDef& m : kMetrics) {
        if (std::find(suites.begin(), suites.end(), m.suite) != suites.end()) out.push_back(m);
    }
    return out;
}

std::string_view suite_name(Suite suite) {
    for (const SuiteName& s : kSuiteNames) {
        if (s.suite == suite) return s.name;
    }
    return "?";
}

Result<std::vector<Suite>> parse_suites(std::string_view text) {
    if (text.empty()) return Error("no suite given: use e.g. --suite boot,cpu");
    std::vector<Suite> suites;
    for (size_t start = 0; start <= text.size();) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view name = text.substr(start, comma - start);
        start = comma + 1;
        if (name.empty()) return Error::format("empty suite name in '{}': separate suites with single commas", text);
        if (std::find(kNeedVirtio.begin(), kNeedVirtio.end(), name) != kNeedVirtio.end())
            return Error::format("suite '{}' needs virtio devices, which Flint does not have yet; "
                                 "available now: boot, cpu, memory", name);
        auto known = std::find_if(kSuiteNames.begin(), kSuiteNames.end(),
                                  [name](const SuiteName& s) { return s.name == name; });
        if (known == kSuiteNames.end())
            return Error::format("unknown suite '{}': use boot, cpu or memory, separated by commas", name);
        if (std::find(suites.begin(), suites.end(), known->suite) == suites.end()) suites.push_back(known->suite);
    }
    return suites;
}

}  // namespace flint::bench
