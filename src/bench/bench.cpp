#include "bench/bench.h"

#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/child.h"
#include "bench/interrupt.h"
#include "bench/net_server.h"
#include "bench/plot.h"
#include "bench/report.h"
#include "bench/scratch_disk.h"
#include "bench/text_file.h"

namespace flint::bench {

namespace {

// Runs `argv` (a --version query) to check that a tool the bench needs is there; returns
// the first line it printed.
Result<std::string> check_tool(std::vector<std::string> argv, std::string_view hint) {
    auto run = FLINT_TRY(run_child({std::move(argv), {}, 30}, {}));
    if (run.end != ChildEnd::Exited || run.status != 0) return Error(std::string(hint));
    return run.output.substr(0, run.output.find('\n'));
}

// Progress on stderr: a line per finished run, and a live line on a terminal.
class Progress {
public:
    Progress(size_t total, unsigned runs) : m_total(total), m_runs(runs), m_live(::isatty(STDERR_FILENO)) {}

    void tick(const RunRecord& r, unsigned counted, double elapsed) const {
        if (m_live) fmt::print(stderr, "\r\033[K{} {:.0f} s", prefix(r, counted), elapsed);
    }
    void done(const RunRecord& r, unsigned counted) {
        std::string what = std::string(run_status_name(r.status));
        if (auto it = r.metrics.find("boot.init"); r.status == RunStatus::Ok && it != r.metrics.end())
            what += fmt::format(", init marker at {:.2f} s", it->second);
        if (r.status != RunStatus::Ok) what += ": " + r.reason.substr(0, 200);
        fmt::print(stderr, "{}{}: {} ({:.1f} s)\n", m_live ? "\r\033[K" : "", prefix(r, counted), what, r.wall_s);
        ++m_done;
    }

private:
    std::string prefix(const RunRecord& r, unsigned counted) const {
        return fmt::format("flint bench: [{}/{}] {} {}", m_done + 1, m_total, r.contender,
                           r.warmup ? std::string("warm-up") : fmt::format("run {}/{}", counted, m_runs));
    }
    size_t m_total;
    unsigned m_runs;
    size_t m_done = 0;
    bool m_live;
};

void run_one(BenchResults& results, const Contender& c, unsigned index, Progress& progress) {
    const BenchOptions& o = results.options;
    RunRecord pending;
    pending.contender = c.id;
    pending.index = index;
    pending.warmup = index < o.warmup;
    const unsigned counted = pending.warmup ? 0 : index - o.warmup + 1;
    auto child = run_child({c.argv, bench_markers(), static_cast<double>(o.timeout_s), o.memory_mib * MiB,
                            [] { return InterruptGuard::caught() != 0; }},
                           [&](double t) { progress.tick(pending, counted, t); });
    RunRecord r;
    if (child) {
        r = judge_run(*child, o.suites, o.timeout_s);
    } else {
        r.status = RunStatus::Failed;
        r.reason = child.error().message();
    }
    r.contender = c.id;
    r.index = index;
    r.warmup = pending.warmup;
    progress.done(r, counted);
    results.runs.push_back(std::move(r));
}

bool has_suite(const BenchOptions& o, Suite suite) {
    return std::find(o.suites.begin(), o.suites.end(), suite) != o.suites.end();
}

Error interrupted() {
    const int sig = InterruptGuard::caught();
    return Error::format("interrupted by SIG{} ({}): stopped the VM that was running and removed the scratch disk; "
                         "no results written", sigabbrev_np(sig), strsignal(sig));
}

}  // namespace

Result<BenchResults> run_bench(BenchOptions options) {
    // First, so that it outlives (and so covers) the scratch disk, the net server and the
    // child VMs: on a signal the runs stop and those unwind before it.
    InterruptGuard interrupt;
    FLINT_TRY_VOID(finish_options(options));
    std::string peer_version;
    if (options.peer == Peer::Qemu) {
        peer_version = FLINT_TRY(check_tool({options.qemu, "--version"},
                                            fmt::format("'{}' does not run: install Debian's qemu-system-x86 "
                                                        "(scripts/setup), or compare nothing with --against none",
                                                        options.qemu)));
    }
    if (!options.out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.out_dir, ec);
        if (ec) return Error::format("cannot create output directory '{}': {}", options.out_dir, ec.message());
    }

    BenchResults results;
    // Without gnuplot the figures are still the point: the report and results.json are
    // written, with each plot's script and data to draw it elsewhere.
    if (!options.out_dir.empty()) {
        auto gnuplot = check_tool({"gnuplot", "--version"}, "gnuplot does not run on this machine (install gnuplot-nox)");
        if (!gnuplot) results.plots_skipped = gnuplot.error().message();
    }
    results.options = options;
    results.peer_version = peer_version;
    results.host = probe_host();
    // The net suite's server runs on the host's loopback until the bench ends; every run's
    // guest reaches the same port.
    std::unique_ptr<NetServer> server;
    NetWorkload net;
    if (has_suite(options, Suite::Net)) {
        server = FLINT_TRY(NetServer::start());
        net = {server->port(), options.net_mib * MiB, kNetRounds};
        results.net_port = server->port();
    }
    results.guest_cmdline = bench_cmdline(options.suites, net);
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    GuestSpec guest{options.kernel, options.initrd, options.memory_mib, options.cpus, results.guest_cmdline,
                    results.host.tsc_khz, "", server != nullptr};
    // The disk suite's image lives beside the results, else in the temporary directory,
    // until the bench ends.
    std::optional<ScratchDisk> disk;
    if (has_suite(options, Suite::Disk)) {
        std::error_code tmp_ec;
        const std::string dir = options.out_dir.empty() ? std::filesystem::temp_directory_path(tmp_ec).string() : options.out_dir;
        disk.emplace(FLINT_TRY(ScratchDisk::create(dir, options.disk_mib * MiB)));
        guest.disk = results.disk_file = disk->path();
        results.disk_fs = disk->file_system();
    }
    for (Backend b : options.backends) {
        Comparison c{results.contenders.size(), std::nullopt};
        results.contenders.push_back(flint_contender(b, guest, ec ? "/proc/self/exe" : self));
        if (options.peer == Peer::Qemu) {
            c.peer = results.contenders.size();
            results.contenders.push_back(qemu_contender(b, guest, options.qemu));
        }
        results.comparisons.push_back(c);
    }

    // A B, B A, A B, ...: neither side always boots on a machine the other just warmed up.
    const unsigned total_runs = options.warmup + options.runs;
    Progress progress(total_runs * results.contenders.size(), options.runs);
    for (unsigned i = 0; i < total_runs; ++i) {
        for (const Comparison& c : results.comparisons) {
            std::vector<size_t> order{c.flint};
            if (c.peer) order.insert(i % 2 ? order.begin() : order.end(), *c.peer);
            for (size_t k : order) {
                if (InterruptGuard::caught()) return interrupted();
                run_one(results, results.contenders[k], i, progress);
            }
        }
    }
    if (InterruptGuard::caught()) return interrupted();
    results.host.load_end = load_average();
    // The server closes a connection on a command it does not know (a guest image older or
    // newer than this flint, say); the runs then fail on their own, and this says why.
    if (server && server->rejected() > 0)
        fmt::print(stderr, "flint bench: the net suite's server closed {} connection(s) on a malformed command; "
                           "rebuild the guest with scripts/build-guest\n", server->rejected());

    const std::vector<MetricRow> rows = summarize_results(results);
    fmt::print("{}", terminal_table(results, rows));
    if (!options.out_dir.empty()) {
        const std::string& dir = options.out_dir;
        FLINT_TRY_VOID(write_text_file(dir + "/results.json", to_json(results, rows).dump(2) + "\n"));
        // The report is written even without plots: the figures are the point.
        auto plots = write_plots(results, rows, dir, results.plots_skipped.empty());
        FLINT_TRY_VOID(write_text_file(dir + "/report.md",
                                  markdown_report(results, rows, plots ? *plots : std::vector<std::pair<std::string, std::string>>{})));
        if (!plots) return plots.error();
        if (results.plots_skipped.empty())
            fmt::print(stderr, "flint bench: wrote {0}/results.json, {0}/report.md and the plots\n", dir);
        else
            fmt::print(stderr, "flint bench: wrote {0}/results.json and {0}/report.md; plots skipped: {1}; "
                               "`cd {0} && gnuplot NAME.gp` draws each from the scripts written there\n",
                       dir, results.plots_skipped);
    }
    return results;
}

}  // namespace flint::bench
