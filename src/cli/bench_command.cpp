#include "cli/bench_command.h"

#include "bench/bench.h"
#include "vmm/vm_config.h"

namespace flint::cli {

namespace {

constexpr const char* kBenchFooter = R"(Suites:
  boot     process start -> the guest init's marker, and -> the shell prompt
  cpu      integer, memory-bandwidth and branchy loops timed inside the guest
  disk     sequential MiB/s (1 MiB) and random 4 KiB IOPS on a virtio disk, O_DIRECT in
           the guest; both sides attach the same scratch file (--disk-size), made in
           --out DIR (else the temporary directory) and removed at the end
  latency  timer wake-up latency in the guest (cyclictest-style, 1 ms periods): p50,
           p99, max
  memory   peak RSS of the VMM, guest RAM resident, and their difference (overhead)
  net      TCP over user-mode networking (virtio-net; Flint --net user, QEMU -netdev
           user) to a server flint bench runs on 127.0.0.1: guest -> host and host ->
           guest MiB/s (--net-size each way, checked by a hash both ends compute) and
           request/response round trips of 64 bytes (p50, p99)

Ctrl-C or SIGTERM stops the running VM, removes the scratch disk and exits without
results; a second one exits at once.

Times, sizes and latencies are better lower, MiB/s and IOPS higher; the ratio is
Flint/peer either way.

Each run boots the guest once under each contender (the two sides of a pair alternate
which goes first); the guest's /init runs the workloads that its kernel command line
names (flint.bench=...) and powers off. The guest must come from scripts/build-guest.

Example:
  flint bench --suite boot,cpu --against qemu --accel soft --runs 5 --out out/bench)";

}  // namespace

void add_bench_command(CLI::App& app, BenchCommand& cmd) {
    bench::BenchOptions& o = cmd.options;
    cmd.app = app.add_subcommand("bench", "Compare Flint with QEMU on the same guest and workloads");
    CLI::App* b = cmd.app;
    b->add_option("--suite", cmd.suites, "suites to run, comma-separated: boot, cpu, disk, latency, memory, net")->capture_default_str()->type_name("LIST");
    b->add_option("--against", cmd.against, "peer VMM: qemu (-M microvm, from the host's packages) or none")->capture_default_str()->type_name("PEER");
    b->add_option("--accel", cmd.accel, "back ends to compare: kvm (QEMU on KVM), soft (QEMU on TCG), both, auto")->capture_default_str()->type_name("ACCEL");
    b->add_option("--runs", o.runs, "counted runs per contender")->capture_default_str()->type_name("N");
    b->add_option("--warmup", o.warmup, "runs before those, not counted")->capture_default_str()->type_name("N");
    b->add_option("--timeout", o.timeout_s, "seconds before a run is killed and counted as a hang")->capture_default_str()->type_name("S");
    b->add_option("--kernel", o.kernel, "guest kernel (default: the quick-start guest in $FLINT_GUEST_DIR or out/guest)")->type_name("PATH");
    b->add_option("--initrd", o.initrd, "guest initramfs, built by scripts/build-guest")->type_name("PATH");
    b->add_option("--memory,-m", cmd.memory, "guest RAM on both sides")->capture_default_str()->type_name("SIZE");
    b->add_option("--disk-size", cmd.disk_size, "the disk suite's scratch disk")->capture_default_str()->type_name("SIZE");
    b->add_option("--net-size", cmd.net_size, "what the net suite moves each way")->capture_default_str()->type_name("SIZE");
    b->add_option("--cpus", o.cpus, "vCPUs on both sides")->capture_default_str()->type_name("N");
    b->add_option("--out", o.out_dir, "write results.json, report.md and the PNG plots (one per suite and unit) here")->type_name("DIR");
    b->add_option("--qemu", o.qemu, "the QEMU binary")->capture_default_str()->type_name("PATH");
    b->footer(kBenchFooter);
}

Result<void> run_bench_command(BenchCommand& cmd) {
    bench::BenchOptions& o = cmd.options;
    o.suites = FLINT_TRY(bench::parse_suites(cmd.suites));
    o.peer = FLINT_TRY(bench::parse_peer(cmd.against));
    o.backends = FLINT_TRY(bench::parse_backends(cmd.accel));
    o.memory_mib = FLINT_TRY(vmm::parse_memory_size(cmd.memory)) / MiB;
    auto disk = vmm::parse_memory_size(cmd.disk_size);
    if (!disk) return Error::format("--disk-size: {}", disk.error().message());
    o.disk_mib = *disk / MiB;
    auto net = vmm::parse_memory_size(cmd.net_size);
    if (!net) return Error::format("--net-size: {}", net.error().message());
    o.net_mib = *net / MiB;
    FLINT_TRY_VOID(bench::run_bench(o));
    return ok();
}

}  // namespace flint::cli
