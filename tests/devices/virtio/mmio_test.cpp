#include "devices/virtio/mmio.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "devices/virtio/rng.h"
#include "fake_irq_line.h"
#include "virtio/fake_driver.h"
#include "virtio/mmio_driver.h"

namespace flint::virtio {
namespace {

using test::FakeDriver;
using test::MmioDriver;

constexpr u16 kSize = 16;

// A virtio-rng device behind the MMIO transport, driven register by register as Linux's
// virtio_mmio driver does.
class VirtioMmioTest : public ::testing::Test {
protected:
    u32 rd(MmioReg reg) { return MmioDriver(dev).rd(reg); }
    void wr(MmioReg reg, u32 v) { MmioDriver(dev).wr(reg, v); }
    void negotiate(u64 features) { MmioDriver(dev).negotiate(features); }
    void setup_queue() { MmioDriver(dev).setup_queue(kSize); }
    void bring_up() { MmioDriver(dev).bring_up(kSize); }

    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv{mem, kSize};
    std::shared_ptr<test::FakeIrqLine> irq = std::make_shared<test::FakeIrqLine>();
    std::vector<std::pair<u64, u64>> written;  // ranges reported through the guest-write hook
    MmioTransport dev{std::make_shared<RngDevice>(), mem, irq,
                      [this](u64 gpa, u64 len) { written.emplace_back(gpa, len); }};
};

TEST_F(VirtioMmioTest, Identity_Registers) {
    EXPECT_EQ(rd(MmioReg::MagicValue), kMmioMagic);
    EXPECT_EQ(rd(MmioReg::Version), 2u);
    EXPECT_EQ(rd(MmioReg::DeviceId), static_cast<u32>(DeviceId::Entropy));
    wr(MmioReg::DeviceFeaturesSel, 1);
    EXPECT_TRUE(rd(MmioReg::DeviceFeatures) & 1);  // VERSION_1 is bit 32
    wr(MmioReg::QueueSel, 0);
    EXPECT_EQ(rd(MmioReg::QueueNumMax), kDefaultQueueSize);
    wr(MmioReg::QueueSel, 1);
    EXPECT_EQ(rd(MmioReg::QueueNumMax), 0u);  // no second queue
}

TEST_F(VirtioMmioTest, LegacyDriverWithoutVersion1_FeaturesOkRefused) {
    negotiate(0);
    EXPECT_FALSE(rd(MmioReg::Status) & status::kFeaturesOk);
}

TEST_F(VirtioMmioTest, UnofferedFeature_FeaturesOkRefused) {
    negotiate(feature::kVersion1 | bit(40));
    EXPECT_FALSE(rd(MmioReg::Status) & status::kFeaturesOk);
}

TEST_F(VirtioMmioTest, Notify_FillsBufferAndInterrupts) {
    bring_up();
    drv.write(FakeDriver::kData, std::vector<u8>(64, 0));
    drv.publish(drv.add_chain({{FakeDriver::kData, 64, true}}));
    wr(MmioReg::QueueNotify, 0);
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 64u);
    EXPECT_NE(drv.read(FakeDriver::kData, 64), std::vector<u8>(64, 0));  // 2^-512 to fail
    // A software CPU must hear of the write, to drop code it decoded there.
    EXPECT_EQ(written, (std::vector<std::pair<u64, u64>>{{FakeDriver::kData, 64}}));
    EXPECT_EQ(rd(MmioReg::InterruptStatus), kInterruptUsedBuffer);
    EXPECT_TRUE(irq->high());
    wr(MmioReg::InterruptAck, kInterruptUsedBuffer);
    EXPECT_EQ(rd(MmioReg::InterruptStatus), 0u);
    EXPECT_FALSE(irq->high());
}

TEST_F(VirtioMmioTest, AckLeavingBitsPending_SendsFreshEdge) {
    bring_up();
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    wr(MmioReg::QueueNotify, 0);
    ASSERT_EQ(rd(MmioReg::InterruptStatus), kInterruptUsedBuffer);
    // The driver read the status; before its ack a hostile chain sets the config bit.
    drv.set_desc(1, FakeDriver::kData, 8, desc_flag::kNext | desc_flag::kWrite, 1);
    drv.publish(1);
    wr(MmioReg::QueueNotify, 0);
    ASSERT_EQ(rd(MmioReg::InterruptStatus), kInterruptUsedBuffer | kInterruptConfigChange);
    irq->levels.clear();
    wr(MmioReg::InterruptAck, kInterruptUsedBuffer);
    // An edge-triggered controller must see low then high, or the config bit waits forever.
    EXPECT_EQ(irq->levels, (std::vector<bool>{false, true}));
    wr(MmioReg::InterruptAck, kInterruptConfigChange);
    EXPECT_EQ(irq->levels, (std::vector<bool>{false, true, false}));
}

TEST_F(VirtioMmioTest, NotifyQueue_ServedAsQueueNotifyWrite) {
    bring_up();
    drv.publish(drv.add_chain({{FakeDriver::kData, 16, true}}));
    dev.notify_queue(0);
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_TRUE(irq->high());
    dev.notify_queue(5);  // no such queue: counted like the register write
    EXPECT_EQ(dev.bad_accesses(), 1u);
}

TEST_F(VirtioMmioTest, NotifyBeforeDriverOk_Ignored) {
    negotiate(feature::kVersion1);
    setup_queue();
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    wr(MmioReg::QueueNotify, 0);
    EXPECT_EQ(drv.used_idx(), 0);
    wr(MmioReg::QueueNotify, 7);  // no such queue
    EXPECT_EQ(dev.bad_accesses(), 1u);
}

TEST_F(VirtioMmioTest, HostileChain_NeedsResetThenResetRecovers) {
    bring_up();
    drv.set_desc(0, FakeDriver::kData, 8, desc_flag::kNext | desc_flag::kWrite, 0);  // loops on itself
    drv.publish(0);
    wr(MmioReg::QueueNotify, 0);
    EXPECT_EQ(drv.used_idx(), 0);
    EXPECT_TRUE(rd(MmioReg::Status) & status::kDeviceNeedsReset);
    EXPECT_EQ(rd(MmioReg::InterruptStatus), kInterruptConfigChange);
    EXPECT_TRUE(irq->high());
    // Further notifications are ignored while broken; the driver's write keeps the bit.
    wr(MmioReg::QueueNotify, 0);
    wr(MmioReg::Status, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    EXPECT_TRUE(rd(MmioReg::Status) & status::kDeviceNeedsReset);
    // Reset: everything back to zero, the line low, and the device usable again.
    wr(MmioReg::Status, 0);
    EXPECT_EQ(rd(MmioReg::Status), 0u);
    EXPECT_EQ(rd(MmioReg::QueueReady), 0u);
    EXPECT_FALSE(irq->high());
    FakeDriver fresh(mem, kSize);
    bring_up();
    fresh.publish(fresh.add_chain({{FakeDriver::kData, 8, true}}));
    wr(MmioReg::QueueNotify, 0);
    EXPECT_EQ(fresh.used_idx(), 1);
}

TEST_F(VirtioMmioTest, QueueOutsideRam_NeedsReset) {
    negotiate(feature::kVersion1);
    wr(MmioReg::QueueSel, 0);
    wr(MmioReg::QueueDescLow, 0);
    wr(MmioReg::QueueDescHigh, 0x10);  // 64 GiB: no RAM there
    wr(MmioReg::QueueDriverLow, FakeDriver::kAvail);
    wr(MmioReg::QueueDeviceLow, FakeDriver::kUsed);
    wr(MmioReg::QueueReady, 1);
    EXPECT_EQ(rd(MmioReg::QueueReady), 0u);
    EXPECT_TRUE(rd(MmioReg::Status) & status::kDeviceNeedsReset);
}

TEST_F(VirtioMmioTest, OddWidthsAndUnknownRegisters_CountedNotFatal) {
    u8 two[2] = {0xff, 0xff};
    dev.read(static_cast<u64>(MmioReg::MagicValue), two);
    EXPECT_EQ(two[0], 0);
    dev.write(static_cast<u64>(MmioReg::Status), two);
    EXPECT_EQ(rd(MmioReg::Status), 0u);
    wr(static_cast<MmioReg>(0x0f0), 1);
    EXPECT_EQ(rd(static_cast<MmioReg>(0x008 + 1)), 0u);
    EXPECT_EQ(dev.bad_accesses(), 4u);
}

TEST_F(VirtioMmioTest, EventIdx_DriverSuppressesInterrupt) {
    negotiate(feature::kVersion1 | feature::kEventIdx);
    setup_queue();
    wr(MmioReg::Status, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    wr(MmioReg::QueueNotify, 0);
    EXPECT_TRUE(irq->high());  // the first completion always interrupts
    wr(MmioReg::InterruptAck, kInterruptUsedBuffer);
    drv.set_used_event(5);  // not interested until the used index passes 5
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    wr(MmioReg::QueueNotify, 0);
    EXPECT_EQ(drv.used_idx(), 2);
    EXPECT_FALSE(irq->high());
    EXPECT_EQ(drv.avail_event(), 2);  // asks to be kicked for the next entry
}

}  // namespace
}  // namespace flint::virtio

namespace flint::virtio {
namespace {

// A device that keeps the link its transport hands it, as virtio-net does.
class LinkedDevice final : public Device {
public:
    DeviceId device_id() const override { return DeviceId::Net; }
    u64 device_features() const override { return 0; }
    u32 num_queues() const override { return 1; }
    void read_config(u64 offset, std::span<u8> data) override { read_config_bytes({}, offset, data); }
    void process_queue(Transport&, u32) override {}
    void connect(TransportLink& l) override { link = &l; }
    TransportLink* link = nullptr;
};

TEST(VirtioMmioLink, RunLocked_OnlyWhileDriverRunsTheDevice) {
    GuestMemory mem = *GuestMemory::create(1 * MiB);
    auto device = std::make_shared<LinkedDevice>();
    MmioTransport dev{device, mem, std::make_shared<test::FakeIrqLine>()};
    auto wr = [&](MmioReg reg, u32 v) {
        u8 b[4];
        store_le<u32>(b, v);
        dev.write(static_cast<u64>(reg), b);
    };
    ASSERT_NE(device->link, nullptr);
    int runs = 0;
    auto work = [&](Transport&) { ++runs; };
    EXPECT_FALSE(device->link->run_locked(work));  // not started
    wr(MmioReg::Status, status::kAcknowledge | status::kDriver);
    wr(MmioReg::DriverFeaturesSel, 1);
    wr(MmioReg::DriverFeatures, 1);  // VERSION_1
    wr(MmioReg::Status, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    wr(MmioReg::Status, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    EXPECT_TRUE(device->link->run_locked(work));
    wr(MmioReg::Status, 0);  // reset
    EXPECT_FALSE(device->link->run_locked(work));
    EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace flint::virtio
