#pragma once
// Everything one `flint bench` produced: the setup, every run, and the summaries the
// table, the report, the plots and results.json are made from.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bench/contender.h"
#include "bench/host_info.h"
#include "bench/options.h"
#include "bench/run_record.h"
#include "bench/stats.h"

namespace flint::bench {

// Flint on one back end, against its peer on the same back end (or nobody).
struct Comparison {
    size_t flint = 0;            // index into BenchResults::contenders
    std::optional<size_t> peer;  // the same for QEMU
};

struct BenchResults {
    BenchOptions options;
    HostInfo host;
    std::string guest_cmdline;
    std::string peer_version;  // first line of `qemu-system-x86_64 --version`; empty without a peer
    std::string disk_file;     // the disk suite's scratch image; empty without that suite
    std::string disk_fs;       // the file system it was on
    u16 net_port = 0;          // the net suite's server on 127.0.0.1; 0 without that suite
    std::string plots_skipped; // why --out has no PNGs (gnuplot does not run); empty when drawn
    std::vector<Contender> contenders;
    std::vector<Comparison> comparisons;
    std::vector<RunRecord> runs;  // in the order they ran
};

// One figure of one comparison, over the counted runs that completed.
struct MetricRow {
    MetricDef metric;
    std::string flint;  // contender ids
    std::string peer;   // empty without a peer
    std::optional<Summary> flint_stats;
    std::optional<Summary> peer_stats;
    std::optional<Summary> ratio;  // of the per-pair ratios Flint/peer, whichever way the figure is better
};

struct RunCounts {
    size_t ok = 0;
    size_t hang = 0;
    size_t failed = 0;
};

std::vector<MetricRow> summarize_results(const BenchResults& results);
// Every run of one contender, warm-up runs included.
RunCounts count_runs(const BenchResults& results, const std::string& contender);
// The cpu workloads' checksums must agree across all runs: a different one means an engine
// computed a wrong result. Returns one line per disagreement.
std::vector<std::string> checksum_mismatches(const BenchResults& results);

nlohmann::json to_json(const BenchResults& results, const std::vector<MetricRow>& rows);

}  // namespace flint::bench
