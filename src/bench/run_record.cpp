#include "bench/run_record.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace flint::bench {

namespace {

enum MarkerIndex : size_t { kInit, kHookStart, kPrompt, kHookEnd };

constexpr std::string_view kResultTag = "FLINT-BENCH-RESULT ";
constexpr std::string_view kErrorTag = "FLINT-BENCH-ERROR ";
constexpr const char* kNoHook = "the guest has no flint.bench hook in its /init: rebuild it with scripts/build-guest";

// The last bytes of the console, on one line, for a failure message.
std::string tail_of(const std::string& output) {
    if (output.empty()) return "(none)";
    std::string tail = output.substr(output.size() - std::min<size_t>(output.size(), 240));
    for (char& ch : tail) {
        if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    }
    return tail;
}

std::string_view rest_of_line(const std::string& output, size_t from) {
    const size_t end = output.find_first_of("\r\n", from);
    return std::string_view(output).substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// "cpu.int 144.253 ms check=343e1bb8fdbe3aad" -> metric and checksum. A known figure in
// another unit than the harness expects (a guest image older than this flint) is an error.
void parse_result(std::string_view line, RunRecord& r, std::vector<std::string>& errors) {
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return;
    const std::string key(line.substr(0, sp));
    std::string_view rest = line.substr(sp + 1);
    double value = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc()) return;
    std::string_view after = rest.substr(static_cast<size_t>(end - rest.data()));
    if (after.starts_with(' ')) after.remove_prefix(1);
    const std::string_view unit = after.substr(0, after.find(' '));
    if (const MetricDef* m = find_metric(key); m && unit != m->unit) {
        errors.push_back(fmt::format("{} came in '{}', not {}: rebuild the guest with scripts/build-guest", key, unit, m->unit));
        return;
    }
    r.metrics[key] = value;
    const size_t check = rest.find("check=");
    if (check != std::string_view::npos) r.checks[key] = std::string(rest.substr(check + 6, rest.find(' ', check) - check - 6));
}

void parse_guest_lines(const std::string& output, RunRecord& r, std::vector<std::string>& errors) {
    for (size_t at = output.find("FLINT-BENCH-"); at != std::string::npos; at = output.find("FLINT-BENCH-", at + 1)) {
        const std::string_view line = rest_of_line(output, at);
        if (line.starts_with(kResultTag)) parse_result(line.substr(kResultTag.size()), r, errors);
        if (line.starts_with(kErrorTag)) errors.emplace_back(line.substr(kErrorTag.size()));
    }
}

}  // namespace

std::string_view run_status_name(RunStatus status) {
    switch (status) {
    case RunStatus::Ok: return "ok";
    case RunStatus::Hang: return "hang";
    case RunStatus::Failed: return "failed";
    }
    return "?";
}

std::vector<Marker> bench_markers() {
    return {
        {"FLINT-GUEST-READY", std::nullopt},
        {"FLINT-BENCH-START", kInit},
        {" # ", kHookStart},  // busybox's root prompt: "~ # "
        {"FLINT-BENCH-END", kHookStart},
    };
}

RunRecord judge_run(const ChildResult& child, std::span<const Suite> suites, double timeout_s) {
    RunRecord r;
    r.exit_status = child.status;
    r.wall_s = child.elapsed_s;
    std::vector<std::string> errors;
    parse_guest_lines(child.output, r, errors);
    if (child.marker_s[kInit]) r.metrics["boot.init"] = *child.marker_s[kInit];
    if (child.marker_s[kPrompt]) r.metrics["boot.prompt"] = *child.marker_s[kPrompt];
    r.metrics["memory.peak_rss"] = child.peak_rss_mib;
    if (child.guest_ram_mib > 0) {
        r.metrics["memory.guest_ram"] = child.guest_ram_mib;
        r.metrics["memory.overhead"] = std::max(0.0, child.peak_rss_mib - child.guest_ram_mib);
    }

    auto fail = [&r](RunStatus status, std::string why) {
        r.status = status;
        r.reason = std::move(why);
        return r;
    };
    // An image from before the hook boots to its shell and waits there: a setup problem.
    const std::vector<Marker> markers = bench_markers();
    const size_t init_at = child.output.find(markers[kInit].text);
    if (child.end == ChildEnd::TimedOut && !child.marker_s[kHookStart] && init_at != std::string::npos &&
        child.output.find(markers[kPrompt].text, init_at) != std::string::npos)
        return fail(RunStatus::Failed, kNoHook);
    if (child.end == ChildEnd::Stopped) return fail(RunStatus::Failed, "stopped: flint bench was interrupted");
    if (child.end == ChildEnd::TimedOut)
        return fail(RunStatus::Hang, fmt::format("still running after {:.0f} s, killed; last output: {}", timeout_s, tail_of(child.output)));
    if (child.end == ChildEnd::Signalled)
        return fail(RunStatus::Failed, fmt::format("killed by signal {} ({}); last output: {}", child.status,
                                                   strsignal(child.status), tail_of(child.output)));
    if (child.status != 0)
        return fail(RunStatus::Failed, fmt::format("exit status {}; last output: {}", child.status, tail_of(child.output)));
    if (!child.marker_s[kInit])
        return fail(RunStatus::Failed, fmt::format("the guest's init marker never showed; last output: {}", tail_of(child.output)));
    if (!child.marker_s[kHookStart]) return fail(RunStatus::Failed, kNoHook);
    if (!errors.empty()) return fail(RunStatus::Failed, fmt::format("the guest reported: {}", errors.front()));
    if (!child.marker_s[kHookEnd]) return fail(RunStatus::Failed, "the guest stopped before its workloads ended");
    for (const MetricDef& m : metrics_of(suites)) {
        if (runs_in_guest(m.suite) && !r.metrics.contains(std::string(m.key)))
            return fail(RunStatus::Failed, fmt::format("the guest printed no figure for {}", m.key));
    }
    return r;
}

}  // namespace flint::bench
