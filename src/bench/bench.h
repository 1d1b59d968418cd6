#pragma once
// `flint bench`: boots the bench guest under Flint and its peer, alternating, and reports
// the figures. Child processes only: nothing here runs a VM in this process.
#include "base/result.h"
#include "bench/options.h"
#include "bench/results.h"

namespace flint::bench {

// Checks the options and the tools they need, runs every boot (progress on stderr), prints
// the table on stdout and, with an output directory, writes results.json, report.md and
// the plots there.
Result<BenchResults> run_bench(BenchOptions options);

}  // namespace flint::bench
