#pragma once
// Runs one VMM as a child process and watches its console: when each marker first shows,
// whether it ends in time, its exit status and peak RSS.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/types.h"

namespace flint::bench {

// A string to look for in the child's output, searched from the end of an earlier
// marker's first match (`after`), or from the start.
struct Marker {
    std::string text;
    std::optional<size_t> after;
};

struct ChildSpec {
    std::vector<std::string> argv;
    std::vector<Marker> markers;
    double timeout_s = 300;
    u64 guest_ram_bytes = 0;  // when set, follow the resident size of the mapping this big
    // Asked a few times a second (and whenever a signal interrupts the wait): true stops
    // the child as a timeout does.
    std::function<bool()> stop{};
};

enum class ChildEnd { Exited, Signalled, TimedOut, Stopped };

struct ChildResult {
    ChildEnd end = ChildEnd::Exited;
    int status = 0;        // exit code, or the signal number when Signalled
    double elapsed_s = 0;  // process start -> exit (or -> killed)
    std::vector<std::optional<double>> marker_s;  // per marker: seconds after process start
    std::string output;    // stdout and stderr, as printed (the first kMaxOutput bytes)
    double peak_rss_mib = 0;
    double guest_ram_mib = 0;  // the last resident size seen of the guest RAM mapping
};

inline constexpr size_t kMaxOutput = 4 << 20;

// `tick` is called about once a second with the seconds elapsed, for a progress line.
// A child still running at the timeout, or when `stop` says so, is killed with its
// process group.
Result<ChildResult> run_child(const ChildSpec& spec, const std::function<void(double)>& tick);

}  // namespace flint::bench
