#include "bench/report.h"

#include <algorithm>

#include <fmt/format.h>

namespace flint::bench {

namespace {

int decimals(std::string_view unit) { return unit == "s" ? 2 : 1; }

std::string pairs(const std::optional<Summary>& ratio) {
    const size_t n = ratio ? ratio->count : 0;
    return fmt::format("{} pair{}", n, n == 1 ? "" : "s");
}

std::string vmm_title(const Contender& c) {
    const bool kvm = c.backend == Backend::Kvm;
    if (c.vmm == Vmm::Flint) return kvm ? "Flint on KVM" : "Flint's software CPU";
    return kvm ? "QEMU microvm on KVM" : "QEMU microvm on TCG";
}

std::string nested_sentence(const HostInfo& h) {
    if (!h.nested) return "The host CPU reports no hypervisor (CPUID leaf 1, ECX bit 31 clear): it ran on bare metal.";
    return fmt::format("**This ran nested**: the host is itself a virtual machine (CPUID hypervisor bit set{}). "
                       "Absolute figures mean little there; the ratios of alternating runs still do.",
                       h.hypervisor.empty() ? "" : fmt::format(", signature \"{}\"", h.hypervisor));
}

std::string runs_sentence(const BenchOptions& o) {
    return fmt::format("{} counted run{} per contender after {} warm-up run{}, the two sides of a pair alternating "
                       "which boots first; a run still going after {} s is killed and counted as a hang.",
                       o.runs, o.runs == 1 ? "" : "s", o.warmup, o.warmup == 1 ? "" : "s", o.timeout_s);
}

std::string direction_sentence(Suite suite) {
    const std::optional<Better> better = suite_better(suite);
    if (!better)
        return "Each figure says which way is better: for throughputs (MiB/s) higher, so a ratio Flint/peer above 1 "
               "means Flint did better; for times lower, so a ratio below 1 does.";
    return *better == Better::Higher ? "Higher is better here: a ratio Flint/peer above 1 means Flint did better."
                                     : "Lower is better here: a ratio Flint/peer below 1 means Flint did better.";
}

// How a suite measures, for the report: what the figures mean depends on it.
std::string suite_note(const BenchResults& results, Suite suite) {
    switch (suite) {
    case Suite::Disk:
        return fmt::format(
            "The guest's disk-bench works on /dev/vda, a virtio-blk disk (virtio-mmio) on the raw file `{}` "
            "({} MiB, on {}), which every run of every contender attaches in turn. It opens the disk with O_DIRECT, "
            "so the guest's page cache hides nothing: 1 MiB writes over the whole disk, then 1 MiB reads of it "
            "(checking what the writes left), then 4 KiB reads and 4 KiB writes at pseudo-random offsets from a "
            "fixed seed, one at a time (queue depth 1), for 3 s each; writes are flushed after their timed loop, "
            "outside it. Both VMMs reach the file through the host's page cache (QEMU's default cache=writeback, "
            "Flint's buffered I/O), so these figures measure the virtual I/O path, not the host's disk.\n",
            results.disk_file, results.options.disk_mib, results.disk_fs);
    case Suite::Latency:
        return "The guest's latency-bench sleeps to the next 1 ms period with clock_nanosleep(CLOCK_MONOTONIC, "
               "TIMER_ABSTIME), 2000 times after 20 not counted, as SCHED_FIFO, and keeps how late each wake-up "
               "came: the path from the VMM's timer through its interrupt delivery to the guest scheduler.\n";
    case Suite::Net:
        return fmt::format(
            "The guest (virtio-net, user-mode networking on both sides: Flint's `--net user`, QEMU's `-netdev user`) "
            "takes a DHCP lease, then its net-bench talks TCP with TCP_NODELAY to a server flint bench runs on "
            "127.0.0.1:{}, which the guest reaches as 10.0.2.2: it sends {} MiB and receives {} MiB, each timed "
            "in the guest to the last byte and checked against a hash both ends compute, then times {} "
            "request/response round trips of 64 bytes, after 50 not counted.\n",
            results.net_port, results.options.net_mib, results.options.net_mib, kNetRounds);
    case Suite::Memory:
        return "Peak RSS comes from wait4(); guest RAM resident is the resident size of the guest's RAM "
               "mapping in /proc/PID/smaps, last sampled (every 0.25 s) before the VMM exited; the overhead "
               "is their difference.\n";
    case Suite::Boot: {
        const std::vector<Suite>& suites = results.options.suites;
        const auto has = [&suites](Suite s) { return std::find(suites.begin(), suites.end(), s) != suites.end(); };
        if (!has(Suite::Disk) && !has(Suite::Net)) break;
        return "With the disk or net suite in the same boot the guest has a virtio device, so its /init loads the virtio "
               "modules before printing its init marker: these boot times include that, on both sides, and are "
               "longer than those of a boot without these suites.\n";
    }
    case Suite::Cpu: break;
    }
    return "";
}

}  // namespace

std::string format_summary(const std::optional<Summary>& s, std::string_view unit) {
    if (!s) return "-";
    const int d = decimals(unit);
    return fmt::format("{:.{}f} [{:.{}f}-{:.{}f}]", s->median, d, s->min, d, s->max, d);
}

std::string format_ratio(const std::optional<Summary>& s) {
    if (!s) return "-";
    return fmt::format("{:.2f}x [{:.2f}-{:.2f}]", s->median, s->min, s->max);
}

std::string terminal_table(const BenchResults& results, const std::vector<MetricRow>& rows) {
    std::string out = fmt::format("\nmedian [min-max] of {} run{}; ratio = Flint/peer per run pair, read with the "
                                  "'better' column: where lower is better, below 1 favours Flint; where higher, above 1\n",
                                  results.options.runs, results.options.runs == 1 ? "" : "s");
    std::string_view last_flint;
    for (const MetricRow& row : rows) {
        if (row.flint != last_flint) {
            out += fmt::format("\n{:<40} {:<5} {:<6} {:<24} {:<24} {}\n", "figure", "unit", "better", row.flint,
                               row.peer.empty() ? "" : row.peer, row.peer.empty() ? "" : "ratio (pairs)");
            last_flint = row.flint;
        }
        std::string ratio;
        if (!row.peer.empty()) ratio = fmt::format("{} ({})", format_ratio(row.ratio), row.ratio ? row.ratio->count : 0);
        out += fmt::format("{:<40} {:<5} {:<6} {:<24} {:<24} {}\n", row.metric.label, row.metric.unit,
                           better_name(row.metric.better),
                           format_summary(row.flint_stats, row.metric.unit),
                           row.peer.empty() ? "" : format_summary(row.peer_stats, row.metric.unit), ratio);
    }
    out += "\nruns:";
    for (const Contender& c : results.contenders) {
        const RunCounts n = count_runs(results, c.id);
        out += fmt::format(" {} {} ok, {} hung, {} failed;", c.id, n.ok, n.hang, n.failed);
    }
    out.back() = '\n';
    for (const std::string& m : checksum_mismatches(results)) out += fmt::format("WRONG RESULT: {}\n", m);
    return out;
}

std::string markdown_report(const BenchResults& results, const std::vector<MetricRow>& rows,
                            const std::vector<std::pair<std::string, std::string>>& plots) {
    const BenchOptions& o = results.options;
    const HostInfo& h = results.host;
    std::string md = "# flint bench\n\n";
    md += fmt::format("{}; {}, {} CPUs, {:.1f} GiB, Linux {}; load average {:.1f} at the start, {:.1f} at the end.\n\n",
                      h.date_utc, h.cpu_model, h.cpus, h.memory_gib, h.kernel, h.load_start, h.load_end);
    md += nested_sentence(h) + "\n\n";
    md += "Contenders: ";
    for (size_t i = 0; i < results.contenders.size(); ++i)
        md += fmt::format("{}`{}` ({})", i ? ", " : "", results.contenders[i].id, vmm_title(results.contenders[i]));
    md += ". " + runs_sentence(o) + "\n\n";
    if (!results.peer_version.empty()) md += fmt::format("Peer: {}.\n\n", results.peer_version);
    md += fmt::format("Guest: `{}` and `{}`, {} MiB, {} vCPU{}, kernel command line `{}`.\n\n", o.kernel, o.initrd,
                      o.memory_mib, o.cpus, o.cpus == 1 ? "" : "s", results.guest_cmdline);
    if (!results.plots_skipped.empty() && !plots.empty())
        md += fmt::format("Plots not drawn: {}. Each plot's gnuplot script and data are beside this report: "
                          "`gnuplot NAME.gp` in this directory draws the NAME.png linked below.\n\n",
                          results.plots_skipped);
    md += "Times, sizes and latencies are better lower: there a ratio Flint/peer below 1 means Flint did better. "
          "Throughputs (MiB/s, IOPS) are better higher: there a ratio Flint/peer above 1 means Flint did better. "
          "Ratios are taken per run pair, then their median [min-max] is shown.\n";

    for (Suite suite : o.suites) {
        md += fmt::format("\n## {}\n\n{}\n", suite_name(suite), direction_sentence(suite));
        std::string_view last_flint;
        for (const MetricRow& row : rows) {
            if (row.metric.suite != suite) continue;
            if (row.flint != last_flint) {
                md += row.peer.empty() ? fmt::format("\n| figure | {} |\n|---|---|\n", row.flint)
                                       : fmt::format("\n| figure | {} | {} | {}/{} per pair |\n|---|---|---|---|\n",
                                                     row.flint, row.peer, row.flint, row.peer);
                last_flint = row.flint;
            }
            const std::string label = fmt::format("{} ({})", row.metric.label, row.metric.unit);
            md += row.peer.empty() ? fmt::format("| {} | {} |\n", label, format_summary(row.flint_stats, row.metric.unit))
                                   : fmt::format("| {} | {} | {} | **{}** ({}) |\n", label,
                                                 format_summary(row.flint_stats, row.metric.unit),
                                                 format_summary(row.peer_stats, row.metric.unit),
                                                 format_ratio(row.ratio), pairs(row.ratio));
        }
        for (const auto& [name, file] : plots) {
            // Alt text: the file's stem, which tells a suite's plots apart ("disk-iops").
            if (name == suite_name(suite)) md += fmt::format("\n![{}]({})\n", file.substr(0, file.rfind('.')), file);
        }
        if (const std::string note = suite_note(results, suite); !note.empty()) md += "\n" + note;
    }

    md += "\n## Runs\n\n| contender | completed | hung | failed |\n|---|---|---|---|\n";
    for (const Contender& c : results.contenders) {
        const RunCounts n = count_runs(results, c.id);
        md += fmt::format("| {} | {} | {} | {} |\n", c.id, n.ok, n.hang, n.failed);
    }
    md += "\nWarm-up runs included. Runs that did not complete:\n\n";
    bool any = false;
    for (const RunRecord& r : results.runs) {
        if (r.status == RunStatus::Ok) continue;
        any = true;
        md += fmt::format("- {} run {}{}: {}: {}\n", r.contender, r.index + 1, r.warmup ? " (warm-up)" : "",
                          run_status_name(r.status), r.reason);
    }
    if (!any) md += "- none\n";
    for (const std::string& m : checksum_mismatches(results)) md += fmt::format("\n**Wrong result**: {}\n", m);

    md += "\n## Command lines\n\n";
    for (const Contender& c : results.contenders) md += fmt::format("    {}\n", command_line(c.argv));
    return md;
}

}  // namespace flint::bench
