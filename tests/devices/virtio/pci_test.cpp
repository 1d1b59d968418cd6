#include "devices/virtio/pci.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "devices/virtio/rng.h"
#include "fake_msi.h"
#include "virtio/fake_driver.h"

namespace flint::virtio {
namespace {

using test::FakeDriver;

constexpr u16 kSize = 16;
constexpr u64 kMsiAddress = 0xfee00000;

// A virtio-rng device behind the PCI transport, driven as Linux's virtio_pci driver does:
// the capabilities found by walking configuration space, then the common configuration
// and MSI-X table in BAR 0.
class VirtioPciTest : public ::testing::Test {
protected:
    u32 cfg32(u32 offset) {
        u8 b[4];
        dev.config_read(offset, b);
        return load_le<u32>(b);
    }
    void cfg16_write(u32 offset, u16 v) {
        u8 b[2];
        store_le<u16>(b, v);
        dev.config_write(offset, b);
    }
    u64 rd(CommonCfg field, size_t size) {
        std::vector<u8> b(size);
        dev.bar_read(0, kCommonCfgOffset + static_cast<u64>(field), b);
        return load_le_span(b);
    }
    void wr(CommonCfg field, u64 v, size_t size) {
        std::vector<u8> b(size);
        store_le_span(b, v);
        dev.bar_write(0, kCommonCfgOffset + static_cast<u64>(field), b);
    }
    void bar_wr32(u64 offset, u32 v) {
        u8 b[4];
        store_le<u32>(b, v);
        dev.bar_write(0, offset, b);
    }
    // Walks the capability list: cfg_type -> offset of each virtio capability, and the
    // MSI-X capability under key 0x100.
    std::map<u32, u32> capabilities() {
        std::map<u32, u32> caps;
        u32 at = cfg32(0x34) & 0xff;
        for (int guard = 0; at && guard < 48; ++guard) {
            const u32 header = cfg32(at);
            if ((header & 0xff) == pci::cap_id::kVendorSpecific) caps[cfg32(at) >> 24] = at;
            if ((header & 0xff) == pci::cap_id::kMsix) caps[0x100] = at;
            at = header >> 8 & 0xff;
        }
        return caps;
    }
    void negotiate(u64 features) {
        wr(CommonCfg::DeviceStatus, 0, 1);
        wr(CommonCfg::DeviceStatus, status::kAcknowledge | status::kDriver, 1);
        wr(CommonCfg::DriverFeatureSelect, 0, 4);
        wr(CommonCfg::DriverFeature, static_cast<u32>(features), 4);
        wr(CommonCfg::DriverFeatureSelect, 1, 4);
        wr(CommonCfg::DriverFeature, static_cast<u32>(features >> 32), 4);
        wr(CommonCfg::DeviceStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk, 1);
    }
    void enable_msix(u16 vectors_unmasked_from) {
        cfg16_write(dev.msix_capability() + 2u, pci::msix_control::kEnable);
        for (u16 v = vectors_unmasked_from; v < 2; ++v) {
            bar_wr32(kMsixTableOffset + v * pci::kMsixEntrySize + 0, static_cast<u32>(kMsiAddress));
            bar_wr32(kMsixTableOffset + v * pci::kMsixEntrySize + 8, 0x40u + v);
            bar_wr32(kMsixTableOffset + v * pci::kMsixEntrySize + 12, 0);
        }
    }
    void bring_up(u16 queue_vector) {
        negotiate(feature::kVersion1);
        ASSERT_TRUE(rd(CommonCfg::DeviceStatus, 1) & status::kFeaturesOk);
        wr(CommonCfg::ConfigMsixVector, 0, 2);
        wr(CommonCfg::QueueSelect, 0, 2);
        wr(CommonCfg::QueueSize, kSize, 2);
        wr(CommonCfg::QueueMsixVector, queue_vector, 2);
        // 64-bit fields as two dwords, as Linux writes them.
        dev.bar_write(0, static_cast<u64>(CommonCfg::QueueDesc), std::vector<u8>{0x00, 0x10, 0, 0});
        dev.bar_write(0, static_cast<u64>(CommonCfg::QueueDesc) + 4, std::vector<u8>{0, 0, 0, 0});
        wr(CommonCfg::QueueDriver, FakeDriver::kAvail, 8);
        wr(CommonCfg::QueueDevice, FakeDriver::kUsed, 8);
        wr(CommonCfg::QueueEnable, 1, 2);
        ASSERT_EQ(rd(CommonCfg::QueueEnable, 2), 1u);
        wr(CommonCfg::DeviceStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk,
           1);
    }
    void notify_queue0() {
        const u64 off = rd(CommonCfg::QueueNotifyOff, 2);
        const u8 b[2] = {0, 0};
        dev.bar_write(0, kNotifyOffset + off * kNotifyOffMultiplier, b);
    }

    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv{mem, kSize};
    test::FakeMsi msi;
    PciTransport dev{std::make_shared<RngDevice>(), mem, msi};
};

TEST_F(VirtioPciTest, Identity_ModernVirtioIds) {
    EXPECT_EQ(cfg32(0x00), (u32{0x1044} << 16) | 0x1af4);  // 0x1040 + entropy (4)
    EXPECT_EQ(cfg32(0x08) & 0xff, 1u);                      // revision 1: modern only
    EXPECT_EQ(cfg32(0x2c), (u32{0x1044} << 16) | 0x1af4);
    EXPECT_EQ(cfg32(0x10) & 0x7, pci::bar_bits::kType64);
}

TEST_F(VirtioPciTest, Capabilities_EveryStructureInBar0) {
    const auto caps = capabilities();
    for (PciCapType t : {PciCapType::CommonCfg, PciCapType::NotifyCfg, PciCapType::IsrCfg, PciCapType::DeviceCfg})
        ASSERT_TRUE(caps.count(static_cast<u32>(t))) << static_cast<int>(t);
    const u32 common = caps.at(static_cast<u32>(PciCapType::CommonCfg));
    EXPECT_EQ(cfg32(common + 4) & 0xff, 0u);  // bar
    EXPECT_EQ(cfg32(common + 8), kCommonCfgOffset);
    EXPECT_EQ(cfg32(common + 12), kCommonCfgSize);
    const u32 notify = caps.at(static_cast<u32>(PciCapType::NotifyCfg));
    EXPECT_EQ(cfg32(notify) >> 16 & 0xff, 20u);  // cap_len with notify_off_multiplier
    EXPECT_EQ(cfg32(notify + 8), kNotifyOffset);
    EXPECT_EQ(cfg32(notify + 16), kNotifyOffMultiplier);
    ASSERT_TRUE(caps.count(0x100));
    const u32 msix = caps.at(0x100);
    EXPECT_EQ(cfg32(msix) >> 16 & pci::msix_control::kTableSizeMask, 1u);  // 2 vectors: config + 1 queue
    EXPECT_EQ(cfg32(msix + 4), kMsixTableOffset);
    EXPECT_EQ(cfg32(msix + 8), kMsixPbaOffset);
}

TEST_F(VirtioPciTest, Negotiation_FeaturesAndStatusThroughCommonCfg) {
    wr(CommonCfg::DeviceFeatureSelect, 1, 4);
    EXPECT_TRUE(rd(CommonCfg::DeviceFeature, 4) & 1);  // VERSION_1
    EXPECT_EQ(rd(CommonCfg::NumQueues, 2), 1u);
    negotiate(0);  // no VERSION_1: refused
    EXPECT_FALSE(rd(CommonCfg::DeviceStatus, 1) & status::kFeaturesOk);
    negotiate(feature::kVersion1);
    EXPECT_TRUE(rd(CommonCfg::DeviceStatus, 1) & status::kFeaturesOk);
    wr(CommonCfg::DriverFeatureSelect, 1, 4);
    EXPECT_EQ(rd(CommonCfg::DriverFeature, 4), 1u);
}

TEST_F(VirtioPciTest, Notify_FillsBufferAndSendsQueueVector) {
    enable_msix(0);
    bring_up(1);
    EXPECT_EQ(rd(CommonCfg::QueueDesc, 8), FakeDriver::kDesc);
    drv.publish(drv.add_chain({{FakeDriver::kData, 32, true}}));
    notify_queue0();
    EXPECT_EQ(drv.used_idx(), 1);
    ASSERT_EQ(msi.messages.size(), 1u);
    EXPECT_EQ(msi.messages[0], (std::pair<u64, u32>{kMsiAddress, 0x41}));
}

TEST_F(VirtioPciTest, MaskedQueueVector_PendingThenFiresOnUnmask) {
    enable_msix(0);
    bring_up(1);
    bar_wr32(kMsixTableOffset + pci::kMsixEntrySize + 12, 1);  // mask vector 1
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    notify_queue0();
    EXPECT_TRUE(msi.messages.empty());
    u8 pba[8];
    dev.bar_read(0, kMsixPbaOffset, pba);
    EXPECT_EQ(load_le<u64>(pba), 2u);
    bar_wr32(kMsixTableOffset + pci::kMsixEntrySize + 12, 0);
    ASSERT_EQ(msi.messages.size(), 1u);
    EXPECT_EQ(msi.messages[0].second, 0x41u);
}

TEST_F(VirtioPciTest, VectorBeyondTable_ReadsNoVector) {
    wr(CommonCfg::QueueSelect, 0, 2);
    wr(CommonCfg::QueueMsixVector, 9, 2);
    EXPECT_EQ(rd(CommonCfg::QueueMsixVector, 2), kMsiNoVector);
    wr(CommonCfg::ConfigMsixVector, 1, 2);
    EXPECT_EQ(rd(CommonCfg::ConfigMsixVector, 2), 1u);
    wr(CommonCfg::QueueSelect, 5, 2);  // no such queue
    EXPECT_EQ(rd(CommonCfg::QueueMsixVector, 2), kMsiNoVector);
    EXPECT_EQ(rd(CommonCfg::QueueSize, 2), 0u);
}

TEST_F(VirtioPciTest, NoVector_IsrRecordsAndReadClears) {
    bring_up(kMsiNoVector);
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    notify_queue0();
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_TRUE(msi.messages.empty());
    u8 isr[1];
    dev.bar_read(0, kIsrOffset, isr);
    EXPECT_EQ(isr[0], kIsrQueue);
    dev.bar_read(0, kIsrOffset, isr);
    EXPECT_EQ(isr[0], 0);
}

TEST_F(VirtioPciTest, HostileChain_ConfigVectorFiresAndResetClears) {
    enable_msix(0);
    bring_up(1);
    drv.set_desc(0, FakeDriver::kData, 8, desc_flag::kNext | desc_flag::kWrite, 0);  // a loop
    drv.publish(0);
    notify_queue0();
    EXPECT_TRUE(rd(CommonCfg::DeviceStatus, 1) & status::kDeviceNeedsReset);
    ASSERT_EQ(msi.messages.size(), 1u);
    EXPECT_EQ(msi.messages[0].second, 0x40u);  // the config vector
    wr(CommonCfg::DeviceStatus, 0, 1);
    EXPECT_EQ(rd(CommonCfg::DeviceStatus, 1), 0u);
    EXPECT_EQ(rd(CommonCfg::ConfigMsixVector, 2), kMsiNoVector);
    EXPECT_EQ(rd(CommonCfg::QueueEnable, 2), 0u);
}

TEST_F(VirtioPciTest, PciCfgWindow_ReachesBar0ThroughConfigSpace) {
    const u32 cap = dev.pci_cfg_capability();
    ASSERT_EQ(capabilities().at(static_cast<u32>(PciCapType::PciCfg)), cap);
    u8 b[4];
    store_le<u32>(b, 0);
    dev.config_write(cap + 4, std::span<const u8>(b, 1));  // bar 0
    store_le<u32>(b, static_cast<u32>(kCommonCfgOffset + static_cast<u64>(CommonCfg::NumQueues)));
    dev.config_write(cap + 8, b);
    store_le<u32>(b, 2);
    dev.config_write(cap + 12, b);
    u8 two[2] = {0xff, 0xff};
    dev.config_read(cap + 16, two);
    EXPECT_EQ(load_le<u16>(two), 1u);
    // A status write through the window reaches the common configuration.
    store_le<u32>(b, static_cast<u32>(CommonCfg::DeviceStatus));
    dev.config_write(cap + 8, b);
    store_le<u32>(b, 1);
    dev.config_write(cap + 12, b);
    const u8 ack[1] = {status::kAcknowledge};
    dev.config_write(cap + 16, ack);
    EXPECT_EQ(dev.status(), status::kAcknowledge);
    // A width other than the length set: counted, nothing happens.
    dev.config_read(cap + 16, b);
    EXPECT_EQ(load_le<u32>(b), 0u);
    EXPECT_EQ(dev.bad_accesses(), 1u);
}

TEST_F(VirtioPciTest, HostileAccesses_CountedNotFatal) {
    u8 two[2];
    dev.bar_read(0, static_cast<u64>(CommonCfg::DeviceFeature) + 1, two);  // misaligned
    wr(CommonCfg::NumQueues, 7, 2);                                                        // read-only
    wr(CommonCfg::DeviceStatus, 0, 4);                                                     // wrong width
    bar_wr32(kNotifyOffset + 2, 0);                                                        // between queues
    bar_wr32(kNotifyOffset + 4 * 9, 0);                                                    // no queue 9
    bar_wr32(kIsrOffset, 0);                                                               // ISR is read-only
    dev.bar_write(3, 0, std::vector<u8>(4));                                               // no BAR 3
    u8 b[4];
    dev.config_read(0x41, std::span<u8>(b, 2));  // misaligned configuration read
    EXPECT_EQ(dev.bad_accesses(), 8u);
    EXPECT_EQ(rd(CommonCfg::NumQueues, 2), 1u);
    EXPECT_EQ(dev.status(), 0u);
}

}  // namespace
}  // namespace flint::virtio
