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

TEST(BenchSuite, VirtioSuites_RefusedWithTheReason) {
    for (const char* name : {"disk", "boot,net", "latency"}) {
        auto s = parse_suites(name);
        ASSERT_FALSE(s) << name;
        EXPECT_NE(s.error().message().find("virtio"), std::string::npos) << s.error().message();
    }
}

TEST(BenchSuite, UnknownOrEmpty_Refused) {
    EXPECT_FALSE(parse_suites("bogus"));
    EXPECT_FALSE(parse_suites(""));
    EXPECT_FALSE(parse_suites("boot,"));
}

TEST(BenchContender, BothSidesBootTheSameGuest) {
    GuestSpec g{"/k", "/i", 256, 2, bench_cmdline(std::vector{Suite::Boot, Suite::Cpu}), 2596000};
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

TEST(BenchContender, BootOnly_StillAsksForTheHook) {
    EXPECT_EQ(bench_cmdline(std::vector{Suite::Boot}), "console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench=boot");
}

}  // namespace
}  // namespace flint::bench
