// The `flint` command line. Flags become a VmConfig; everything else happens in vmm/.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include "base/log.h"
#include "cli/bench_command.h"
#include "vmm/exit_status.h"
#include "vmm/machine.h"
#include "vmm/vm_config.h"

namespace {

using flint::vmm::ExitStatus;

constexpr const char* kRunFooter = R"(Console:
  The guest's serial port (ttyS0) is the terminal. Type Ctrl-A x to quit, Ctrl-A Ctrl-A
  to send a Ctrl-A to the guest.

Exit status:
  0   the guest powered off            2   the guest rebooted (reset)
  4   the guest crashed (triple fault) 6   Flint error (bad input, host failure)
  8   stopped from the host (Ctrl-A x, SIGINT, SIGTERM, SIGHUP)
  odd the guest wrote v to the isa-debug-exit port 0xf4: status (v << 1) | 1

Example:
  flint run --kernel out/guest/vmlinuz --initrd out/guest/initramfs.cpio.gz)";

int fail(std::string_view message) {
    fmt::print(stderr, "flint: error: {}\n", message);
    return static_cast<int>(ExitStatus::VmmError);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Flint: a virtual machine monitor. One process runs one VM."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "flint 0.1.0");
    std::string log_level = "warn";
    app.add_option("--log-level", log_level, "error, warn, info, debug or trace (to stderr)")
        ->check(CLI::IsMember({"error", "warn", "info", "debug", "trace"}))
        ->capture_default_str();

    flint::vmm::VmConfig config;
    std::string memory = "512M", accel = "auto", console = "stdio";
    auto* run = app.add_subcommand("run", "Boot a Linux kernel in a new VM");
    run->add_option("--kernel", config.kernel, "Linux bzImage to boot")->required()->type_name("PATH");
    run->add_option("--initrd", config.initrd, "initramfs to hand the kernel")->type_name("PATH");
    run->add_option("--cmdline", config.cmdline, "kernel command line")->capture_default_str()->type_name("STR");
    run->add_option("--memory,-m", memory, "guest RAM: 512M, 2G, ... (a plain number is MiB)")->capture_default_str()->type_name("SIZE");
    run->add_option("--cpus", config.cpus, "number of vCPUs")->capture_default_str()->type_name("N");
    run->add_option("--accel", accel, "CPU back end: kvm, soft, or auto (kvm when /dev/kvm opens)")->capture_default_str()->type_name("ACCEL");
    run->add_option("--console", console, "serial console: stdio, none, or file:PATH")->capture_default_str()->type_name("CONSOLE");
    run->footer(kRunFooter);

    flint::cli::BenchCommand bench;
    flint::cli::add_bench_command(app, bench);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(fmt::format("{} (see 'flint --help', 'flint run --help' or 'flint bench --help')", e.what()));
    }

    using flint::LogLevel;
    flint::init_logging(log_level == "error" ? LogLevel::Error
                        : log_level == "info" ? LogLevel::Info
                        : log_level == "debug" ? LogLevel::Debug
                        : log_level == "trace" ? LogLevel::Trace
                                               : LogLevel::Warn);

    if (bench.app->parsed()) {
        auto done = flint::cli::run_bench_command(bench);
        return done ? 0 : fail(done.error().message());
    }

    auto mem = flint::vmm::parse_memory_size(memory);
    if (!mem) return fail(mem.error().message());
    config.memory = *mem;
    auto acc = flint::vmm::parse_accel(accel);
    if (!acc) return fail(acc.error().message());
    config.accel = *acc;
    auto con = flint::vmm::parse_console(console);
    if (!con) return fail(con.error().message());
    config.console = *con;

    auto machine = flint::vmm::Machine::create(config);
    if (!machine) return fail(machine.error().message());
    return (*machine)->run();
}
