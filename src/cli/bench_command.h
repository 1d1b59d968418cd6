#pragma once
// `flint bench`'s flags. The work is in bench/.
#include <CLI/CLI.hpp>

#include "base/result.h"
#include "bench/options.h"

namespace flint::cli {

struct BenchCommand {
    CLI::App* app = nullptr;
    bench::BenchOptions options;
    std::string suites = "boot,cpu";
    std::string against = "qemu";
    std::string accel = "auto";
    std::string memory = "256M";
    std::string disk_size = "256M";
    std::string net_size = "32M";
};

void add_bench_command(CLI::App& app, BenchCommand& cmd);
// Turns the textual flags into options and runs the bench.
Result<void> run_bench_command(BenchCommand& cmd);

}  // namespace flint::cli
