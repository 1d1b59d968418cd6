#include "bench/suite.h"

#include <gtest/gtest.h>

#include "bench/contender.h"

namespace flint::bench {
namespace {

TEST(BenchSuite, List_KeepsOrderAndDropsRepeats) {
    auto s = parse_suites("cpu,boot,cpu");
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(*s, (std::vector{Suite::Cpu, Suite::Boot}));
}

TEST(BenchSuite, Net_IsAGuestWorkloadThatMixesDirections) {
    auto s = parse_suites("boot,net");
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(*s, (std::vector{Suite::Boot, Suite::Net}));
    EXPECT_TRUE(runs_in_guest(Suite::Net));
    EXPECT_EQ(suite_better(Suite::Net), std::nullopt);
    ASSERT_NE(find_metric("net.tx"), nullptr);
    EXPECT_EQ(find_metric("net.tx")->better, Better::Higher);
    EXPECT_EQ(find_metric("net.rx")->better, Better::Higher);
    EXPECT_EQ(find_metric("net.rtt_p50")->better, Better::Lower);
    EXPECT_EQ(find_metric("net.rtt_p99")->unit, "us");
}

TEST(BenchSuite, DiskAndLatency_AreGuestWorkloads) {
    auto s = parse_suites("disk,latency,memory");
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(*s, (std::vector{Suite::Disk, Suite::Latency, Suite::Memory}));
    EXPECT_TRUE(runs_in_guest(Suite::Disk));
    EXPECT_TRUE(runs_in_guest(Suite::Latency));
    EXPECT_FALSE(runs_in_guest(Suite::Memory));
    EXPECT_EQ(bench_cmdline(*s), "console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench=disk,latency");
}

TEST(BenchSuite, Throughputs_AreBetterHigher) {
    EXPECT_EQ(suite_better(Suite::Disk), Better::Higher);
    EXPECT_EQ(suite_better(Suite::Latency), Better::Lower);
    EXPECT_EQ(suite_better(Suite::Boot), Better::Lower);
    const MetricDef* iops = find_metric("disk.rand_read");
    ASSERT_NE(iops, nullptr);
    EXPECT_EQ(iops->unit, "IOPS");
    EXPECT_EQ(find_metric("disk.bogus"), nullptr);
    // Where suite_better speaks for a suite, it speaks for all its figures.
    for (const MetricDef& m : all_metrics()) {
        if (const auto better = suite_better(m.suite)) {
            EXPECT_EQ(m.better, *better) << m.key;
        }
    }
}

TEST(BenchSuite, UnknownOrEmpty_Refused) {
    EXPECT_FALSE(parse_suites("bogus"));
    EXPECT_FALSE(parse_suites(""));
    EXPECT_FALSE(parse_suites("boot,"));
}

TEST(BenchContender, BothSidesBootTheSameGuest) {
    GuestSpec g{"/k", "/i", 256, 2, bench_cmdline(std::vector{Suite::Boot, Suite::Cpu}), 2596000, ""};
    const Contender f = flint_contender(Backend::Soft, g, "/bin/flint");
    const Contender q = qemu_contender(Backend::Soft, g, "qemu-system-x86_64");
    EXPECT_EQ(command_line(f.argv),
              "/bin/flint run --accel soft --memory 256M --cpus 2 --console stdio --kernel /k --initrd /i "
              "--cmdline 'console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench=cpu'");
    EXPECT_EQ(command_line(q.argv),
              "qemu-system-x86_64 -M microvm -accel tcg -cpu max -m 256M -smp 2 -nodefaults -no-user-config "
              "-display none -serial stdio -no-reboot -kernel /k -initrd /i "
              "-append 'console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench=cpu tsc_early_khz=2596000 tsc=reliable'");
    const Contender qk = qemu_contender(Backend::Kvm, g, "qemu-system-x86_64");
    EXPECT_EQ(qk.id, "qemu-kvm");
    EXPECT_EQ(command_line(qk.argv).find("tsc_early_khz"), std::string::npos);
}

TEST(BenchContender, Disk_BothSidesAttachTheSameFile) {
    GuestSpec g{"/k", "/i", 256, 1, bench_cmdline(std::vector{Suite::Disk}), 0, "/tmp/d.img"};
    const std::string f = command_line(flint_contender(Backend::Soft, g, "/bin/flint").argv);
    const std::string q = command_line(qemu_contender(Backend::Soft, g, "qemu-system-x86_64").argv);
    EXPECT_TRUE(f.ends_with(" --disk path=/tmp/d.img")) << f;
    EXPECT_TRUE(q.ends_with(" -drive id=d0,file=/tmp/d.img,format=raw,if=none -device virtio-blk-device,drive=d0")) << q;
    g.disk.clear();
    EXPECT_EQ(command_line(flint_contender(Backend::Soft, g, "/bin/flint").argv).find("--disk"), std::string::npos);
}

TEST(BenchContender, Net_BothSidesGetAUserModeNicAndTheGuestItsServer) {
    const NetWorkload net{40123, 1 << 20, 1000};
    GuestSpec g{"/k", "/i", 256, 1, bench_cmdline(std::vector{Suite::Net}, net), 0, "", true};
    EXPECT_EQ(g.cmdline, "console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench=net flint.bench.net=40123,1048576,1000");
    const std::string f = command_line(flint_contender(Backend::Soft, g, "/bin/flint").argv);
    const std::string q = command_line(qemu_contender(Backend::Soft, g, "qemu-system-x86_64").argv);
    EXPECT_TRUE(f.ends_with(" --net user")) << f;
    EXPECT_TRUE(q.ends_with(" -netdev user,id=n0 -device virtio-net-device,netdev=n0")) << q;
    g.net = false;
    EXPECT_EQ(command_line(flint_contender(Backend::Soft, g, "/bin/flint").argv).find("--net"), std::string::npos);
}

TEST(BenchContender, BootOnly_StillAsksForTheHook) {
    EXPECT_EQ(bench_cmdline(std::vector{Suite::Boot}), "console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench=boot");
}

}  // namespace
}  // namespace flint::bench
