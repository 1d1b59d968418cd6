#include "hv/speed_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "hv/soft/soft_vm.h"

namespace flint::hv {
namespace {

using namespace std::chrono_literals;

TEST(SpeedProbe, SoftCpu_RunsTheLoopToTheDonePort) {
    soft::SoftHypervisor soft;
    auto elapsed = time_speed_probe(soft, 60s);
    ASSERT_TRUE(elapsed) << elapsed.error().message();
    EXPECT_GT(elapsed->count(), 0);
}

// A back end whose guest never reaches the done port: run() only returns when asked to.
class StuckVcpu final : public Vcpu {
public:
    u32 index() const override { return 0; }
    Result<void> set_state(const CpuState&) override { return ok(); }
    Result<CpuState> get_state() override { return CpuState{}; }
    Result<VcpuExit> run() override {
        while (!m_exit.exchange(false)) std::this_thread::sleep_for(1ms);
        VcpuExit exit;
        exit.kind = VcpuExit::Kind::Interrupted;
        return exit;
    }
    void request_exit() override { m_exit = true; }

private:
    std::atomic<bool> m_exit{false};
};

class StuckVm final : public Vm {
public:
    Result<void> set_memory(const GuestMemory&) override { return ok(); }
    Result<std::unique_ptr<Vcpu>> create_vcpu(u32, u32) override {
        return std::unique_ptr<Vcpu>(std::make_unique<StuckVcpu>());
    }
    Result<std::shared_ptr<IrqLine>> irq_line(u32) override { return Error("no interrupt lines"); }
    void signal_msi(u64, u32) override {}
};

class StuckHypervisor final : public Hypervisor {
public:
    Accel accel() const override { return Accel::Kvm; }
    Result<std::unique_ptr<Vm>> create_vm() override { return std::unique_ptr<Vm>(std::make_unique<StuckVm>()); }
};

TEST(SpeedProbe, GuestThatNeverFinishes_IsStoppedAtTheLimitWithAnError) {
    StuckHypervisor stuck;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = time_speed_probe(stuck, 20ms);
    ASSERT_FALSE(elapsed);
    EXPECT_NE(elapsed.error().message().find("did not finish within 20 ms"), std::string::npos)
        << elapsed.error().message();
    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

}  // namespace
}  // namespace flint::hv
