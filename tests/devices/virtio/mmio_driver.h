#pragma once
// The register side of Linux's virtio_mmio driver, for tests of the MMIO transport: feature
// negotiation and queue 0 set up at FakeDriver's ring addresses.
#include <gtest/gtest.h>

#include "base/bits.h"
#include "devices/virtio/mmio.h"
#include "virtio/fake_driver.h"

namespace flint::test {

class MmioDriver {
public:
    explicit MmioDriver(virtio::MmioTransport& dev) : m_dev(dev) {}

    u32 rd(virtio::MmioReg reg) {
        u8 b[4];
        m_dev.read(static_cast<u64>(reg), b);
        return load_le<u32>(b);
    }
    void wr(virtio::MmioReg reg, u32 v) {
        u8 b[4];
        store_le<u32>(b, v);
        m_dev.write(static_cast<u64>(reg), b);
    }
    void negotiate(u64 features) {
        using virtio::MmioReg;
        namespace status = virtio::status;
        wr(MmioReg::Status, 0);
        wr(MmioReg::Status, status::kAcknowledge | status::kDriver);
        wr(MmioReg::DriverFeaturesSel, 0);
        wr(MmioReg::DriverFeatures, static_cast<u32>(features));
        wr(MmioReg::DriverFeaturesSel, 1);
        wr(MmioReg::DriverFeatures, static_cast<u32>(features >> 32));
        wr(MmioReg::Status, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    }
    void setup_queue(u16 size) {
        using virtio::MmioReg;
        wr(MmioReg::QueueSel, 0);
        wr(MmioReg::QueueNum, size);
        wr(MmioReg::QueueDescLow, FakeDriver::kDesc);
        wr(MmioReg::QueueDescHigh, 0);
        wr(MmioReg::QueueDriverLow, FakeDriver::kAvail);
        wr(MmioReg::QueueDeviceLow, FakeDriver::kUsed);
        wr(MmioReg::QueueReady, 1);
    }
    // VERSION_1 accepted, queue 0 ready, DRIVER_OK.
    void bring_up(u16 size) {
        using virtio::MmioReg;
        namespace status = virtio::status;
        negotiate(virtio::feature::kVersion1);
        ASSERT_TRUE(rd(MmioReg::Status) & status::kFeaturesOk);
        setup_queue(size);
        ASSERT_EQ(rd(MmioReg::QueueReady), 1u);
        wr(MmioReg::Status, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    }

private:
    virtio::MmioTransport& m_dev;
};

}  // namespace flint::test
