#include "bench/report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bench/plot.h"

namespace flint::bench {
namespace {

RunRecord run(std::string who, unsigned index, RunStatus status, double init, double cpu_int, std::string check = "c0ffee") {
    RunRecord r;
    r.contender = std::move(who);
    r.index = index;
    r.warmup = index == 0;
    r.status = status;
    if (status != RunStatus::Ok) {
        r.reason = "still running after 300 s, killed";
        return r;
    }
    r.metrics = {{"boot.init", init}, {"boot.prompt", init + 0.5}, {"cpu.int", cpu_int},
                 {"cpu.memory", 10}, {"cpu.branchy", 20}, {"memory.peak_rss", 100}};
    r.checks = {{"cpu.int", std::move(check)}};
    return r;
}

// flint-soft against qemu-tcg: a warm-up and three counted runs each, QEMU hanging once.
BenchResults sample() {
    BenchResults b;
    b.options.runs = 3;
    b.options.warmup = 1;
    b.options.kernel = "out/guest/vmlinuz";
    b.options.initrd = "out/guest/initramfs.cpio.gz";
    b.host.nested = true;
    b.host.hypervisor = "KVMKVMKVM";
    b.host.cpu_model = "Test CPU";
    b.guest_cmdline = "console=ttyS0 flint.bench=cpu";
    b.peer_version = "QEMU emulator version 7.2.22";
    GuestSpec g{b.options.kernel, b.options.initrd, 256, 1, b.guest_cmdline, 2000000, ""};
    b.contenders = {flint_contender(Backend::Soft, g, "/usr/bin/flint"), qemu_contender(Backend::Soft, g, "qemu-system-x86_64")};
    b.comparisons = {{0, 1}};
    b.runs = {run("flint-soft", 0, RunStatus::Ok, 99, 99), run("qemu-tcg", 0, RunStatus::Ok, 99, 99),
              run("flint-soft", 1, RunStatus::Ok, 10, 100), run("qemu-tcg", 1, RunStatus::Ok, 20, 50),
              run("qemu-tcg", 2, RunStatus::Hang, 0, 0), run("flint-soft", 2, RunStatus::Ok, 12, 90),
              run("flint-soft", 3, RunStatus::Ok, 11, 110), run("qemu-tcg", 3, RunStatus::Ok, 44, 100)};
    return b;
}

const MetricRow& row_of(const std::vector<MetricRow>& rows, std::string_view key) {
    for (const MetricRow& r : rows) {
        if (r.metric.key == key) return r;
    }
    throw std::runtime_error("no row");
}

TEST(BenchResults, Summary_UsesCountedRunsAndPairsThatCompleted) {
    const BenchResults b = sample();
    const auto rows = summarize_results(b);
    const MetricRow& init = row_of(rows, "boot.init");
    ASSERT_TRUE(init.flint_stats && init.peer_stats && init.ratio);
    EXPECT_EQ(init.flint_stats->count, 3u);  // the warm-up's 99 is not counted
    EXPECT_DOUBLE_EQ(init.flint_stats->median, 11);
    EXPECT_EQ(init.peer_stats->count, 2u);   // one hang
    EXPECT_DOUBLE_EQ(init.peer_stats->median, 32);
    EXPECT_EQ(init.ratio->count, 2u);        // 10/20 and 11/44
    EXPECT_DOUBLE_EQ(init.ratio->min, 0.25);
    EXPECT_DOUBLE_EQ(init.ratio->max, 0.5);
    EXPECT_DOUBLE_EQ(init.ratio->median, 0.375);
}

TEST(BenchResults, Hangs_AreCountedPerContender) {
    const BenchResults b = sample();
    const RunCounts q = count_runs(b, "qemu-tcg");
    EXPECT_EQ(q.ok, 3u);
    EXPECT_EQ(q.hang, 1u);
    EXPECT_EQ(count_runs(b, "flint-soft").hang, 0u);
}

TEST(BenchResults, DifferentChecksums_AreReported) {
    BenchResults b = sample();
    EXPECT_TRUE(checksum_mismatches(b).empty());
    b.runs.push_back(run("flint-soft", 4, RunStatus::Ok, 1, 1, "bad"));
    const auto m = checksum_mismatches(b);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_NE(m[0].find("flint-soft run 5"), std::string::npos) << m[0];
}

TEST(BenchResults, Json_HoldsRunsSummaryAndHost) {
    const BenchResults b = sample();
    const nlohmann::json j = nlohmann::json::parse(to_json(b, summarize_results(b)).dump());
    EXPECT_EQ(j["runs"].size(), 8u);
    EXPECT_EQ(j["runs"][4]["status"], "hang");
    EXPECT_TRUE(j["host"]["nested"].get<bool>());
    EXPECT_EQ(j["config"]["peer_version"], "QEMU emulator version 7.2.22");
    EXPECT_EQ(j["contenders"][1]["hangs"], 1);
    EXPECT_EQ(j["summary"][0]["metric"], "boot.init");
    EXPECT_DOUBLE_EQ(j["summary"][0]["ratio"]["median"].get<double>(), 0.375);
}

TEST(BenchReport, Markdown_SaysNestedAndShowsTablesHangsAndPlots) {
    const BenchResults b = sample();
    const std::string md = markdown_report(b, summarize_results(b), {{"boot", "boot.png"}});
    EXPECT_NE(md.find("This ran nested"), std::string::npos);
    EXPECT_NE(md.find("KVMKVMKVM"), std::string::npos);
    EXPECT_NE(md.find("| process start -> guest init marker (s) | 11.00 [10.00-12.00] | 32.00 [20.00-44.00] | **0.38x [0.25-0.50]** (2 pairs) |"),
              std::string::npos) << md;
    EXPECT_NE(md.find("| qemu-tcg | 3 | 1 | 0 |"), std::string::npos) << md;
    EXPECT_NE(md.find("qemu-tcg run 3: hang"), std::string::npos) << md;
    EXPECT_NE(md.find("![boot](boot.png)"), std::string::npos);
    EXPECT_NE(md.find("-accel tcg"), std::string::npos);
    EXPECT_NE(md.find("Peer: QEMU emulator version 7.2.22."), std::string::npos);
}

TEST(BenchReport, Markdown_PlotsSkipped_SaysWhyAndHowToDrawThem) {
    BenchResults b = sample();
    EXPECT_EQ(markdown_report(b, summarize_results(b), {{"boot", "boot.png"}}).find("Plots not drawn"), std::string::npos);
    b.plots_skipped = "gnuplot does not run on this machine";
    const std::string md = markdown_report(b, summarize_results(b), {{"boot", "boot.png"}});
    EXPECT_NE(md.find("Plots not drawn: gnuplot does not run on this machine."), std::string::npos) << md;
    EXPECT_NE(md.find("`gnuplot NAME.gp`"), std::string::npos) << md;
    EXPECT_NE(md.find("![boot](boot.png)"), std::string::npos) << md;
}

TEST(BenchReport, Markdown_BareMetalHostIsNotCalledNested) {
    BenchResults b = sample();
    b.host.nested = false;
    const std::string md = markdown_report(b, summarize_results(b), {});
    EXPECT_EQ(md.find("nested"), std::string::npos);
    EXPECT_NE(md.find("bare metal"), std::string::npos);
}

TEST(BenchReport, Terminal_ShowsRatioPairsAndHangs) {
    const BenchResults b = sample();
    const std::string t = terminal_table(b, summarize_results(b));
    EXPECT_NE(t.find("0.38x [0.25-0.50] (2)"), std::string::npos) << t;
    EXPECT_NE(t.find("qemu-tcg 3 ok, 1 hung, 0 failed"), std::string::npos) << t;
}

TEST(BenchReport, NoRuns_ShowDashes) {
    EXPECT_EQ(format_summary(std::nullopt, "s"), "-");
    EXPECT_EQ(format_ratio(std::nullopt), "-");
    EXPECT_EQ(format_summary(Summary{1.5, 1, 2, 3}, "ms"), "1.5 [1.0-2.0]");
}

TEST(BenchPlot, Data_HasMedianMinMaxPerContender) {
    const BenchResults b = sample();
    const std::vector<PlotGroup> groups = plot_groups(std::vector{Suite::Boot});
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].name, "boot");
    const std::string data = plot_data(b, summarize_results(b), groups[0]);
    EXPECT_EQ(data.substr(0, data.find('\n')), "\"process start -> guest init marker\"\t11\t10\t12\t32\t20\t44");
    EXPECT_EQ(y_scale_for(summarize_results(b), groups[0]), YScale::Linear);  // 10 to 44 s
    const std::string gp = plot_script(b, groups[0], YScale::Linear, "boot.dat", "boot.png");
    EXPECT_NE(gp.find("set yrange [0:*]"), std::string::npos) << gp;
    EXPECT_NE(gp.find("set title \"flint bench: boot (median, whiskers min-max; lower is better)\""), std::string::npos) << gp;
    EXPECT_NE(gp.find("using 2:3:4:xtic(1) title 'flint-soft'"), std::string::npos) << gp;
    EXPECT_NE(gp.find("using 5:6:7 title 'qemu-tcg'"), std::string::npos) << gp;
}

// The disk suite, flint-soft against qemu-tcg: two counted runs each, Flint faster in
// sequential reads and slower in random reads.
BenchResults disk_sample() {
    BenchResults b = sample();
    b.options.suites = {Suite::Disk};
    b.options.runs = 2;
    b.options.warmup = 0;
    b.disk_file = "/tmp/flint-bench-disk-abc.img";
    b.disk_fs = "ext4";
    auto disk_run = [](std::string who, unsigned index, double seq, double iops) {
        RunRecord r;
        r.contender = std::move(who);
        r.index = index;
        r.metrics = {{"disk.seq_write", seq}, {"disk.seq_read", seq}, {"disk.rand_read", iops}, {"disk.rand_write", iops}};
        return r;
    };
    b.runs = {disk_run("flint-soft", 0, 800, 500), disk_run("qemu-tcg", 0, 400, 1000),
              disk_run("qemu-tcg", 1, 400, 1000), disk_run("flint-soft", 1, 1200, 1500)};
    return b;
}

TEST(BenchReport, Disk_RatioIsFlintOverPeerAndHigherIsBetter) {
    const BenchResults b = disk_sample();
    const auto rows = summarize_results(b);
    const MetricRow& seq = row_of(rows, "disk.seq_read");
    ASSERT_TRUE(seq.ratio);
    EXPECT_DOUBLE_EQ(seq.ratio->median, 2.5);  // 800/400 and 1200/400: Flint moved more data
    EXPECT_EQ(seq.metric.better, Better::Higher);
    const std::string md = markdown_report(b, rows, {{"disk", "disk-mibs.png"}, {"disk", "disk-iops.png"}});
    EXPECT_NE(md.find("## disk\n\nHigher is better here: a ratio Flint/peer above 1 means Flint did better."),
              std::string::npos) << md;
    EXPECT_NE(md.find("| sequential read, 1 MiB O_DIRECT (MiB/s) | 1000.0 [800.0-1200.0] | 400.0 [400.0-400.0] | "
                      "**2.50x [2.00-3.00]** (2 pairs) |"), std::string::npos) << md;
    EXPECT_NE(md.find("`/tmp/flint-bench-disk-abc.img` (256 MiB, on ext4)"), std::string::npos) << md;
    EXPECT_NE(md.find("![disk-mibs](disk-mibs.png)"), std::string::npos);
    EXPECT_NE(md.find("![disk-iops](disk-iops.png)"), std::string::npos);
    const nlohmann::json j = to_json(b, rows);
    EXPECT_EQ(j["summary"][0]["better"], "higher");
    EXPECT_EQ(j["config"]["disk_file"], "/tmp/flint-bench-disk-abc.img");
    const std::string t = terminal_table(b, rows);
    EXPECT_NE(t.find("sequential read, 1 MiB O_DIRECT          MiB/s higher"), std::string::npos) << t;
}

TEST(BenchReport, LatencySection_SaysLowerIsBetter) {
    BenchResults b = sample();
    b.options.suites = {Suite::Latency};
    const std::string md = markdown_report(b, summarize_results(b), {});
    EXPECT_NE(md.find("## latency\n\nLower is better here: a ratio Flint/peer below 1 means Flint did better."),
              std::string::npos) << md;
    EXPECT_NE(md.find("clock_nanosleep"), std::string::npos);
}

TEST(BenchReport, NetSection_GivesEachFigureItsDirectionAndTwoPlots) {
    BenchResults b = sample();
    b.options.suites = {Suite::Net};
    b.options.net_mib = 32;
    b.net_port = 40123;
    for (RunRecord& r : b.runs) r.metrics = {{"net.tx", 20}, {"net.rx", 30}, {"net.rtt_p50", 300}, {"net.rtt_p99", 900}};
    const auto rows = summarize_results(b);
    const std::string md = markdown_report(b, rows, {});
    EXPECT_NE(md.find("## net\n\nEach figure says which way is better"), std::string::npos) << md;
    EXPECT_NE(md.find("127.0.0.1:40123"), std::string::npos) << md;
    EXPECT_NE(md.find("sends 32 MiB and receives 32 MiB"), std::string::npos) << md;
    EXPECT_EQ(row_of(rows, "net.rx").metric.better, Better::Higher);
    EXPECT_EQ(row_of(rows, "net.rtt_p99").metric.better, Better::Lower);
    const nlohmann::json j = to_json(b, rows);
    EXPECT_EQ(j["config"]["net_mib"], 32);
    const std::vector<PlotGroup> groups = plot_groups(b.options.suites);
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].name, "net-mibs");
    EXPECT_EQ(groups[1].name, "net-us");
    const std::string gp = plot_script(b, groups[1], YScale::Linear, "net-us.dat", "net-us.png");
    EXPECT_NE(gp.find("lower is better"), std::string::npos) << gp;
}

TEST(BenchReport, BootWithDisk_SaysTheModulesLoadFirst) {
    BenchResults b = sample();
    EXPECT_EQ(markdown_report(b, summarize_results(b), {}).find("virtio modules"), std::string::npos);
    b.options.suites = {Suite::Boot, Suite::Disk};
    EXPECT_NE(markdown_report(b, summarize_results(b), {}).find("virtio modules"), std::string::npos);
    b.options.suites = {Suite::Boot, Suite::Net};
    EXPECT_NE(markdown_report(b, summarize_results(b), {}).find("virtio modules"), std::string::npos);
}

TEST(BenchPlot, WideSpan_IsDrawnOnALogScale) {
    BenchResults b = sample();
    b.options.suites = {Suite::Latency};
    for (RunRecord& r : b.runs) r.metrics = {{"latency.p50", 100}, {"latency.p99", 900}, {"latency.max", 2900}};
    const std::vector<PlotGroup> groups = plot_groups(b.options.suites);
    EXPECT_EQ(y_scale_for(summarize_results(b), groups[0]), YScale::Linear);  // a factor of 29
    b.runs[2].metrics["latency.max"] = 3100;
    EXPECT_EQ(y_scale_for(summarize_results(b), groups[0]), YScale::Log);
}

TEST(BenchPlot, SuiteOfTwoUnits_GetsAPlotPerUnit) {
    const BenchResults b = disk_sample();
    const std::vector<PlotGroup> groups = plot_groups(std::vector{Suite::Boot, Suite::Disk});
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(groups[1].name, "disk-mibs");
    EXPECT_EQ(groups[2].name, "disk-iops");
    ASSERT_EQ(groups[2].metrics.size(), 2u);
    EXPECT_EQ(groups[2].metrics[0].key, "disk.rand_read");
    const std::string data = plot_data(b, summarize_results(b), groups[2]);
    EXPECT_EQ(data.substr(0, data.find('\n')), "\"random read, 4 KiB O_DIRECT, QD1\"\t1000\t500\t1500\t1000\t1000\t1000");
    const std::string gp = plot_script(b, groups[2], YScale::Log, "disk-iops.dat", "disk-iops.png");
    EXPECT_NE(gp.find("set title \"flint bench: disk, IOPS (median, whiskers min-max; higher is better; log scale)\""),
              std::string::npos) << gp;
    EXPECT_NE(gp.find("set logscale y"), std::string::npos) << gp;
    EXPECT_NE(gp.find("set ylabel \"IOPS\""), std::string::npos) << gp;
}

}  // namespace
}  // namespace flint::bench
