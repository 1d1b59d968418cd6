#pragma once
// One boot of one contender, judged: did it count, and what figures did it yield.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "bench/child.h"
#include "bench/suite.h"

namespace flint::bench {

enum class RunStatus { Ok, Hang, Failed };

std::string_view run_status_name(RunStatus status);

struct RunRecord {
    std::string contender;
    unsigned index = 0;  // 0-based among this contender's runs, warm-up runs first
    bool warmup = false;
    RunStatus status = RunStatus::Ok;
    std::string reason;  // why it does not count; empty when Ok
    int exit_status = 0;
    double wall_s = 0;   // process start -> exit
    std::map<std::string, double> metrics;      // MetricDef::key -> value in its unit
    std::map<std::string, std::string> checks;  // cpu workload -> the checksum it printed
};

// What the harness watches for on the console, in this order: the guest init's marker,
// the bench hook's start line, the shell prompt, the end of the workloads.
std::vector<Marker> bench_markers();

// Turns a finished child into a record: figures from the markers and the workload lines
// ("FLINT-BENCH-RESULT cpu.int 144.253 ms check=..."), or why the run does not count.
RunRecord judge_run(const ChildResult& child, std::span<const Suite> suites, double timeout_s);

}  // namespace flint::bench
