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
    MetricDef{Suite::Disk, "disk.seq_write", "sequential write, 1 MiB O_DIRECT", "MiB/s", Better::Higher},
    MetricDef{Suite::Disk, "disk.seq_read", "sequential read, 1 MiB O_DIRECT", "MiB/s", Better::Higher},
    MetricDef{Suite::Disk, "disk.rand_read", "random read, 4 KiB O_DIRECT, QD1", "IOPS", Better::Higher},
    MetricDef{Suite::Disk, "disk.rand_write", "random write, 4 KiB O_DIRECT, QD1", "IOPS", Better::Higher},
    MetricDef{Suite::Latency, "latency.p50", "timer wake-up latency, p50", "us"},
    MetricDef{Suite::Latency, "latency.p99", "timer wake-up latency, p99", "us"},
    MetricDef{Suite::Latency, "latency.max", "timer wake-up latency, max", "us"},
    MetricDef{Suite::Memory, "memory.peak_rss", "peak RSS of the VMM process", "MiB"},
    MetricDef{Suite::Memory, "memory.guest_ram", "guest RAM resident", "MiB"},
    MetricDef{Suite::Memory, "memory.overhead", "VMM overhead: peak RSS - guest RAM", "MiB"},
    MetricDef{Suite::Net, "net.tx", "TCP throughput, guest -> host", "MiB/s", Better::Higher},
    MetricDef{Suite::Net, "net.rx", "TCP throughput, host -> guest", "MiB/s", Better::Higher},
    MetricDef{Suite::Net, "net.rtt_p50", "TCP request/response round trip, p50", "us"},
    MetricDef{Suite::Net, "net.rtt_p99", "TCP request/response round trip, p99", "us"},
};

struct SuiteInfo {
    Suite suite;
    std::string_view name;
    bool in_guest;
};
constexpr std::array kSuites{
    SuiteInfo{Suite::Boot, "boot", false},
    SuiteInfo{Suite::Cpu, "cpu", true},
    SuiteInfo{Suite::Disk, "disk", true},
    SuiteInfo{Suite::Latency, "latency", true},
    SuiteInfo{Suite::Memory, "memory", false},
    SuiteInfo{Suite::Net, "net", true},
};

const SuiteInfo& info_of(Suite suite) {
    return *std::find_if(kSuites.begin(), kSuites.end(), [suite](const SuiteInfo& s) { return s.suite == suite; });
}

}  // namespace

std::string_view better_name(Better better) { return better == Better::Higher ? "higher" : "lower"; }

std::span<const MetricDef> all_metrics() { return kMetrics; }

std::vector<MetricDef> metrics_of(std::span<const Suite> suites) {
    std::vector<MetricDef> out;
    for (const MetricDef& m : kMetrics) {
        if (std::find(suites.begin(), suites.end(), m.suite) != suites.end()) out.push_back(m);
    }
    return out;
}

const MetricDef* find_metric(std::string_view key) {
    auto it = std::find_if(kMetrics.begin(), kMetrics.end(), [key](const MetricDef& m) { return m.key == key; });
    return it == kMetrics.end() ? nullptr : &*it;
}

std::string_view suite_name(Suite suite) { return info_of(suite).name; }

bool runs_in_guest(Suite suite) { return info_of(suite).in_guest; }

std::optional<Better> suite_better(Suite suite) {
    const std::vector<MetricDef> metrics = metrics_of(std::span(&suite, 1));
    const Better first = metrics.front().better;
    const bool mixed = std::any_of(metrics.begin(), metrics.end(), [first](const MetricDef& m) { return m.better != first; });
    return mixed ? std::nullopt : std::optional(first);
}

Result<std::vector<Suite>> parse_suites(std::string_view text) {
    if (text.empty()) return Error("no suite given: use e.g. --suite boot,cpu");
    std::vector<Suite> suites;
    for (size_t start = 0; start <= text.size();) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view name = text.substr(start, comma - start);
        start = comma + 1;
        if (name.empty()) return Error::format("empty suite name in '{}': separate suites with single commas", text);
        auto known = std::find_if(kSuites.begin(), kSuites.end(), [name](const SuiteInfo& s) { return s.name == name; });
        if (known == kSuites.end())
            return Error::format("unknown suite '{}': use boot, cpu, disk, latency, memory or net, separated by commas", name);
        if (std::find(suites.begin(), suites.end(), known->suite) == suites.end()) suites.push_back(known->suite);
    }
    return suites;
}

}  // namespace flint::bench
