#include "bench/run_record.h"

#include <gtest/gtest.h>

namespace flint::bench {
namespace {

constexpr std::array kBootCpu{Suite::Boot, Suite::Cpu};

// A child that printed `output`, with the markers found at the given times.
ChildResult finished(std::string output, std::vector<std::optional<double>> markers, int status = 0) {
    ChildResult c;
    c.status = status;
    c.elapsed_s = 50;
    c.output = std::move(output);
    c.marker_s = std::move(markers);
    c.peak_rss_mib = 300;
    return c;
}

const char* kGoodOutput =
    "FLINT-GUEST-READY\r\nFLINT-BENCH-START cpu\r\n~ # \x1b[6nFLINT-BENCH-RESULT cpu.int 144.253 ms check=343e\r\n"
    "FLINT-BENCH-RESULT cpu.memory 543.5 ms check=39fd\r\nFLINT-BENCH-RESULT cpu.branchy 287.0 ms check=a7ea\r\n"
    "FLINT-BENCH-DONE cpu\r\nFLINT-BENCH-END\r\n";

TEST(BenchRunRecord, CompleteRun_YieldsEveryFigure) {
    RunRecord r = judge_run(finished(kGoodOutput, {41.5, 41.6, 42.0, 48.0}), kBootCpu, 300);
    ASSERT_EQ(r.status, RunStatus::Ok) << r.reason;
    EXPECT_DOUBLE_EQ(r.metrics.at("boot.init"), 41.5);
    EXPECT_DOUBLE_EQ(r.metrics.at("boot.prompt"), 42.0);
    EXPECT_DOUBLE_EQ(r.metrics.at("cpu.int"), 144.253);  // after the prompt's escape sequence
    EXPECT_DOUBLE_EQ(r.metrics.at("cpu.memory"), 543.5);
    EXPECT_DOUBLE_EQ(r.metrics.at("memory.peak_rss"), 300);
    EXPECT_EQ(r.checks.at("cpu.branchy"), "a7ea");
    EXPECT_FALSE(r.metrics.contains("memory.overhead"));  // no guest RAM sample
}

TEST(BenchRunRecord, GuestRamSample_GivesTheOverhead) {
    ChildResult c = finished(kGoodOutput, {41.5, 41.6, 42.0, 48.0});
    c.guest_ram_mib = 90;
    RunRecord r = judge_run(c, std::vector{Suite::Memory}, 300);
    ASSERT_EQ(r.status, RunStatus::Ok) << r.reason;
    EXPECT_DOUBLE_EQ(r.metrics.at("memory.guest_ram"), 90);
    EXPECT_DOUBLE_EQ(r.metrics.at("memory.overhead"), 210);
}

TEST(BenchRunRecord, Timeout_IsAHangNotAFailure) {
    ChildResult c = finished("FLINT-GUEST-READY\r\n", {12.0, std::nullopt, std::nullopt, std::nullopt});
    c.end = ChildEnd::TimedOut;
    RunRecord r = judge_run(c, kBootCpu, 300);
    EXPECT_EQ(r.status, RunStatus::Hang);
    EXPECT_NE(r.reason.find("300 s"), std::string::npos) << r.reason;
}

TEST(BenchRunRecord, NonZeroExit_FailsWithTheStatus) {
    RunRecord r = judge_run(finished(kGoodOutput, {41.5, 41.6, 42.0, 48.0}, 4), kBootCpu, 300);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("exit status 4"), std::string::npos) << r.reason;
}

TEST(BenchRunRecord, GuestWithoutHook_SaysToRebuildIt) {
    RunRecord r = judge_run(finished("FLINT-GUEST-READY\r\n~ # ", {30.0, std::nullopt, std::nullopt, std::nullopt}), kBootCpu, 300);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("scripts/build-guest"), std::string::npos) << r.reason;
}

TEST(BenchRunRecord, OldImageWaitingAtItsShell_SaysToRebuildIt) {
    ChildResult c = finished("FLINT-GUEST-READY\r\n~ # ", {30.0, std::nullopt, std::nullopt, std::nullopt});
    c.end = ChildEnd::TimedOut;
    RunRecord r = judge_run(c, kBootCpu, 300);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("scripts/build-guest"), std::string::npos) << r.reason;
}

TEST(BenchRunRecord, MissingWorkloadFigure_Fails) {
    const char* out = "FLINT-GUEST-READY\nFLINT-BENCH-START cpu\nFLINT-BENCH-RESULT cpu.int 1 ms check=1\nFLINT-BENCH-END\n";
    RunRecord r = judge_run(finished(out, {1.0, 1.1, std::nullopt, 3.0}), kBootCpu, 300);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("cpu.memory"), std::string::npos) << r.reason;
}

TEST(BenchRunRecord, GuestError_IsReported) {
    const char* out = "FLINT-GUEST-READY\nFLINT-BENCH-START cpu\nFLINT-BENCH-ERROR cpu-bench failed\nFLINT-BENCH-END\n";
    RunRecord r = judge_run(finished(out, {1.0, 1.1, std::nullopt, 3.0}), kBootCpu, 300);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("cpu-bench failed"), std::string::npos) << r.reason;
}

const char* kDiskLatencyOutput =
    "FLINT-GUEST-READY\r\nFLINT-BENCH-START disk,latency\r\n~ # \x1b[6nFLINT-BENCH-RESULT disk.seq_write 811.6 MiB/s\r\n"
    "FLINT-BENCH-RESULT disk.seq_read 410.6 MiB/s check=2d86c4312b112325\r\n"
    "FLINT-BENCH-RESULT disk.rand_read 847.7 IOPS\r\nFLINT-BENCH-RESULT disk.rand_write 1008.3 IOPS\r\n"
    "FLINT-BENCH-DONE disk\r\nFLINT-BENCH-RESULT latency.p50 306.2 us\r\nFLINT-BENCH-RESULT latency.p99 15303.8 us\r\n"
    "FLINT-BENCH-RESULT latency.max 20708.9 us\r\nFLINT-BENCH-DONE latency\r\nFLINT-BENCH-END\r\n";
constexpr std::array kDiskLatency{Suite::Disk, Suite::Latency};

TEST(BenchRunRecord, DiskAndLatencyLines_YieldTheirFigures) {
    RunRecord r = judge_run(finished(kDiskLatencyOutput, {30.0, 30.1, 30.5, 40.0}), kDiskLatency, 300);
    ASSERT_EQ(r.status, RunStatus::Ok) << r.reason;
    EXPECT_DOUBLE_EQ(r.metrics.at("disk.seq_write"), 811.6);
    EXPECT_DOUBLE_EQ(r.metrics.at("disk.seq_read"), 410.6);
    EXPECT_DOUBLE_EQ(r.metrics.at("disk.rand_read"), 847.7);
    EXPECT_DOUBLE_EQ(r.metrics.at("disk.rand_write"), 1008.3);
    EXPECT_DOUBLE_EQ(r.metrics.at("latency.p50"), 306.2);
    EXPECT_DOUBLE_EQ(r.metrics.at("latency.p99"), 15303.8);
    EXPECT_DOUBLE_EQ(r.metrics.at("latency.max"), 20708.9);
    EXPECT_EQ(r.checks.at("disk.seq_read"), "2d86c4312b112325");
    EXPECT_EQ(r.checks.size(), 1u);
}

// One suite's run whose guest printed `lines` between the hook's start and end.
RunRecord judge_workload(Suite suite, const std::string& lines) {
    const std::string out = "FLINT-GUEST-READY\nFLINT-BENCH-START\n" + lines + "FLINT-BENCH-END\n";
    return judge_run(finished(out, {1.0, 1.1, std::nullopt, 3.0}), std::vector{suite}, 300);
}

TEST(BenchRunRecord, MissingDiskFigure_Fails) {
    RunRecord r = judge_workload(Suite::Disk, "FLINT-BENCH-RESULT disk.seq_write 800 MiB/s\n"
                                              "FLINT-BENCH-ERROR disk-bench: /dev/vda: No such file or directory\n");
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("/dev/vda"), std::string::npos) << r.reason;
    r = judge_workload(Suite::Latency, "FLINT-BENCH-RESULT latency.p50 3 us\n");
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("latency.p99"), std::string::npos) << r.reason;
}

TEST(BenchRunRecord, FigureInAnotherUnit_FailsAndNamesIt) {
    RunRecord r = judge_workload(Suite::Latency, "FLINT-BENCH-RESULT latency.p50 0.3 ms\nFLINT-BENCH-RESULT latency.p99 9 us\n"
                                                 "FLINT-BENCH-RESULT latency.max 20 us\n");
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_NE(r.reason.find("latency.p50 came in 'ms', not us"), std::string::npos) << r.reason;
    EXPECT_FALSE(r.metrics.contains("latency.p50"));
}

TEST(BenchRunRecord, BootOnly_NeedsNoWorkloadFigures) {
    const std::array boot{Suite::Boot};
    const char* out = "FLINT-GUEST-READY\nFLINT-BENCH-START boot\n~ # FLINT-BENCH-END\n";
    RunRecord r = judge_run(finished(out, {1.0, 1.1, 1.2, 3.0}), boot, 300);
    EXPECT_EQ(r.status, RunStatus::Ok) << r.reason;
    EXPECT_FALSE(r.metrics.contains("cpu.int"));
}

}  // namespace
}  // namespace flint::bench
