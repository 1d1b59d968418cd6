#pragma once
// One side of a comparison: a VMM on a CPU back end ("flint-soft", "qemu-tcg"), and the
// command line that boots the bench guest with it.
#include <string>
#include <vector>

#include "bench/options.h"

namespace flint::bench {

enum class Vmm { Flint, Qemu };

struct Contender {
    std::string id;  // "flint-kvm", "flint-soft", "qemu-kvm", "qemu-tcg"
    Vmm vmm = Vmm::Flint;
    Backend backend = Backend::Soft;
    std::vector<std::string> argv;
};

// The guest both sides boot: same kernel, initramfs, memory, vCPUs and command line.
struct GuestSpec {
    std::string kernel;
    std::string initrd;
    u64 memory_mib = 256;
    u32 cpus = 1;
    std::string cmdline;
    // The host's TSC rate. QEMU's TCG hands the guest the host's TSC without saying its
    // rate, and microvm has no PIT or HPET to measure it against: told nothing, the kernel
    // marks the TSC unstable and may hang there. Flint's soft back end passes its own rate.
    u64 host_tsc_khz = 0;
    // A raw image both sides attach as the guest's first virtio disk (/dev/vda); empty:
    // no disk.
    std::string disk;
    // With it, both sides give the guest a virtio-net NIC on user-mode networking (eth0).
    bool net = false;
};

// What the guest's net-bench is told: the port of flint bench's server on the host's
// loopback, the bytes to move each way and the round trips to time. Port 0: no net suite.
struct NetWorkload {
    u16 port = 0;
    u64 bytes = 0;
    unsigned rounds = 0;
};

// The kernel command line of a bench boot: quiet serial console, and the guest workloads
// of `suites` for the guest's /init (flint.bench=..., see scripts/guest/bench), with the
// net workload's parameters as flint.bench.net=PORT,BYTES,ROUNDS.
std::string bench_cmdline(std::span<const Suite> suites, const NetWorkload& net = {});

Contender flint_contender(Backend backend, const GuestSpec& guest, const std::string& flint_path);
Contender qemu_contender(Backend backend, const GuestSpec& guest, const std::string& qemu_path);

// The argv as one shell-quoted line, for the report.
std::string command_line(const std::vector<std::string>& argv);

}  // namespace flint::bench
