#pragma once
// What `flint bench` was asked to do: plain data, filled by the command line.
#include <string>
#include <vector>

#include "base/result.h"
#include "base/types.h"
#include "bench/suite.h"

namespace flint::bench {

// The CPU back end of a compared pair: Flint on kvm or soft, against QEMU on kvm or TCG.
enum class Backend { Kvm, Soft };

// Whom Flint is compared with.
enum class Peer { None, Qemu };

struct BenchOptions {
    std::vector<Suite> suites{Suite::Boot, Suite::Cpu};
    Peer peer = Peer::Qemu;
    std::vector<Backend> backends{Backend::Soft};
    unsigned runs = 5;    // counted runs per VMM and back end
    unsigned warmup = 1;  // runs before those, not counted
    unsigned timeout_s = 300;
    std::string kernel;   // empty: the quick-start guest's
    std::string initrd;
    std::string out_dir;  // empty: terminal output only
    u64 memory_mib = 256;
    u64 disk_mib = 256;   // the disk suite's scratch disk
    u64 net_mib = 32;     // the net suite's transfer, each way
    u32 cpus = 1;
    std::string qemu = "qemu-system-x86_64";
};

// The net suite's timed round trips (after 50 more that warm up, in the guest).
inline constexpr unsigned kNetRounds = 1000;

std::string_view backend_name(Backend backend);

// "kvm", "soft", "both", or "auto" (the back end `flint run --accel auto` picks).
Result<std::vector<Backend>> parse_backends(std::string_view text);
// "qemu" or "none".
Result<Peer> parse_peer(std::string_view text);

// Fills in the quick-start guest when no kernel is given and checks what a parser cannot:
// files exist, counts are in range.
Result<void> finish_options(BenchOptions& options);

}  // namespace flint::bench
