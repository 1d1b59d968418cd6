#include "vmm/queue_kicks.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <tuple>

#include "devices/virtio/rng.h"
#include "fake_irq_line.h"
#include "virtio/fake_driver.h"
#include "virtio/mmio_driver.h"

namespace flint::vmm {
namespace {

using namespace std::chrono_literals;
using test::FakeDriver;

// An ioeventfd without KVM: a plain eventfd the test signals as the guest's write would.
class PlainIoEvent final : public hv::IoEvent {
public:
    PlainIoEvent() : m_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
    int fd() const override { return m_fd.get(); }

private:
    UniqueFd m_fd;
};

// A Vm that only offers (or refuses) MMIO write events, and records what was asked.
class EventVm final : public hv::Vm {
public:
    enum class Offer { Events, Nothing, Failure };
    explicit EventVm(Offer offer) : m_offer(offer) {}

    Result<void> set_memory(const GuestMemory&) override { return ok(); }
    Result<std::unique_ptr<hv::Vcpu>> create_vcpu(u32, u32) override { return Error("no vCPUs"); }
    Result<std::shared_ptr<IrqLine>> irq_line(u32) override { return Error("no interrupt lines"); }
    void signal_msi(u64, u32) override {}
    Result<std::unique_ptr<hv::IoEvent>> mmio_write_event(u64 gpa, u32 size, u64 value) override {
        asked.emplace_back(gpa, size, value);
        if (m_offer == Offer::Failure) return Error("KVM_IOEVENTFD: Invalid argument");
        if (m_offer == Offer::Nothing) return std::unique_ptr<hv::IoEvent>();
        auto e = std::make_unique<PlainIoEvent>();
        fds.push_back(e->fd());
        return std::unique_ptr<hv::IoEvent>(std::move(e));
    }

    std::vector<std::tuple<u64, u32, u64>> asked;
    std::vector<int> fds;

private:
    Offer m_offer;
};

constexpr u64 kBase = 0xd0000000;
constexpr u16 kSize = 16;

class QueueKicksTest : public ::testing::Test {
protected:
    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv{mem, kSize};
    std::shared_ptr<test::FakeIrqLine> irq = std::make_shared<test::FakeIrqLine>();
    std::shared_ptr<virtio::MmioTransport> dev =
        std::make_shared<virtio::MmioTransport>(std::make_shared<virtio::RngDevice>(), mem, irq);
    std::unique_ptr<EventLoop> loop = *EventLoop::create();
};

TEST_F(QueueKicksTest, Offered_KickServedOnLoopThread) {
    EventVm vm(EventVm::Offer::Events);
    QueueKicks kicks(vm, *loop);
    kicks.add(dev, kBase);
    ASSERT_EQ(kicks.count(), 1u);  // virtio-rng has one queue
    EXPECT_EQ(vm.asked, (std::vector<std::tuple<u64, u32, u64>>{{kBase + 0x50, 4u, 0u}}));
    test::MmioDriver(*dev).bring_up(kSize);
    drv.publish(drv.add_chain({{FakeDriver::kData, 32, true}}));
    ASSERT_TRUE(loop->start());
    const u64 one = 1;
    ASSERT_EQ(::write(vm.fds[0], &one, sizeof one), 8);
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (drv.used_idx() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    loop->stop();
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 32u);
    EXPECT_TRUE(irq->high());
}

TEST_F(QueueKicksTest, NotOffered_NothingWatched) {
    EventVm vm(EventVm::Offer::Nothing);
    QueueKicks kicks(vm, *loop);
    kicks.add(dev, kBase);
    EXPECT_EQ(kicks.count(), 0u);
    EXPECT_EQ(vm.asked.size(), 1u);
}

TEST_F(QueueKicksTest, RegistrationFails_FallsBackToExits) {
    EventVm vm(EventVm::Offer::Failure);
    QueueKicks kicks(vm, *loop);
    kicks.add(dev, kBase);
    kicks.add(dev, kBase + 0x1000);  // asked again for the next device, warned only once
    EXPECT_EQ(kicks.count(), 0u);
    EXPECT_EQ(vm.asked.size(), 2u);
    // The register write still works.
    test::MmioDriver(*dev).bring_up(kSize);
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    test::MmioDriver(*dev).wr(virtio::MmioReg::QueueNotify, 0);
    EXPECT_EQ(drv.used_idx(), 1);
}

}  // namespace
}  // namespace flint::vmm
