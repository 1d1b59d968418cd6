#include "devices/virtio/net.h"

#include <gtest/gtest.h>

#include <numeric>

#include "virtio/fake_driver.h"
#include "virtio/fake_net_backend.h"
#include "virtio/fake_transport.h"

namespace flint::virtio {
namespace {

using test::FakeDriver;

constexpr u16 kSize = 8;

std::vector<u8> frame_of(size_t len, u8 first = 0) {
    std::vector<u8> f(len);
    std::iota(f.begin(), f.end(), first);
    return f;
}

// The fixture is the transport too (test::FakeTransport).
class NetTest : public ::testing::Test, public test::FakeTransport {
protected:
    NetTest() : FakeTransport(kSize) {}
    void SetUp() override {
        ASSERT_TRUE(queues_ready);
        dev.connect(*this);
    }

    // A transmit chain: the 12-byte header (with `flags` and the checksum range) and the
    // frame, split over two descriptors as Linux does.
    void publish_tx(const std::vector<u8>& frame, u8 flags = 0, u16 csum_start = 0, u16 csum_offset = 0) {
        std::vector<u8> header(net::kHeaderBytes, 0);
        header[0] = flags;
        store_le<u16>(header.data() + net::hdr::kCsumStart, csum_start);
        store_le<u16>(header.data() + net::hdr::kCsumOffset, csum_offset);
        drv.write(FakeDriver::kData, header);
        drv.write(FakeDriver::kData + 0x100, frame);
        drv.publish(drv.add_chain({{FakeDriver::kData, static_cast<u32>(header.size()), false},
                                   {FakeDriver::kData + 0x100, static_cast<u32>(frame.size()), false}}));
    }
    void publish_rx(u32 len, u64 at = FakeDriver::kData) { drv.publish(drv.add_chain({{at, len, true}})); }
    void push(const std::vector<u8>& frame) { backend.sink(frame); }

    test::FakeNetBackend::Shared backend;
    NetDevice dev{std::make_unique<test::FakeNetBackend>(backend), {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}};
};

TEST_F(NetTest, Config_MacAndLinkUp) {
    u8 cfg[10];
    dev.read_config(0, cfg);
    EXPECT_EQ(std::vector<u8>(cfg, cfg + 6), (std::vector<u8>{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}));
    EXPECT_EQ(load_le<u16>(cfg + 6), 1);  // VIRTIO_NET_S_LINK_UP
    EXPECT_EQ(dev.device_features(), net_feature::kMac | net_feature::kStatus | net_feature::kCsum);
}

TEST(NetConfig, BackendMtu_OfferedInFeatureAndConfig) {
    test::FakeNetBackend::Shared shared;
    shared.mtu = 9000;
    NetDevice dev{std::make_unique<test::FakeNetBackend>(shared), {}};
    EXPECT_TRUE(dev.device_features() & net_feature::kMtu);
    u8 cfg[12];
    dev.read_config(0, cfg);
    EXPECT_EQ(load_le<u16>(cfg + 10), 9000);
}

TEST_F(NetTest, Receive_LargeFrameSpansBigPacketChain) {
    // With a large MTU and no mergeable buffers, Linux posts chains of pages.
    std::vector<u8> frame = frame_of(20000);
    drv.publish(drv.add_chain({{FakeDriver::kData, 4096, true},
                               {FakeDriver::kData + 0x1000, 8192, true},
                               {FakeDriver::kData + 0x3000, 16384, true}}));
    push(frame);
    ASSERT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), net::kHeaderBytes + frame.size());
    EXPECT_EQ(drv.read(FakeDriver::kData + net::kHeaderBytes, frame.size()), frame);
}

TEST(NetChecksum, Rfc1071Example) {
    const u8 bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(net::internet_checksum(bytes), 0x220d);
    const u8 odd[] = {0x01};
    EXPECT_EQ(net::internet_checksum(odd), 0xfeff);
}

TEST_F(NetTest, Transmit_ChecksumOffloaded_CompletedOnHost) {
    dev.activate(net_feature::kCsum);
    // An Ethernet header, then 20 bytes from csum_start whose field at +6 holds the
    // pseudo-header's partial sum, as Linux leaves it.
    auto frame = frame_of(14 + 20, 3);
    frame[14 + 6] = 0x12;
    frame[14 + 7] = 0x34;
    publish_tx(frame, net::hdr::kFlagNeedsCsum, 14, 6);
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    ASSERT_EQ(backend.sent.size(), 1u);
    const auto& sent = backend.sent[0];
    // A receiver verifies: the range with the checksum in place, plus the pseudo-header's
    // sum, folds to all ones.
    u32 sum = 0x1234;
    for (size_t i = 14; i < sent.size(); i += 2) sum += u32{sent[i]} << 8 | sent[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    EXPECT_EQ(sum, 0xffffu);
    EXPECT_TRUE(std::equal(frame.begin(), frame.begin() + 20, sent.begin()));
}

TEST_F(NetTest, Transmit_ChecksumRangeOutsideFrame_Dropped) {
    dev.activate(net_feature::kCsum);
    publish_tx(frame_of(60), net::hdr::kFlagNeedsCsum, 50, 9);
    publish_tx(frame_of(60), net::hdr::kFlagNeedsCsum, 0xffff, 0xffff);
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_TRUE(backend.sent.empty());
    EXPECT_EQ(dev.stats().tx_dropped, 2u);
    EXPECT_EQ(dev.stats().last_drop, net::Drop::BadChecksumRange);
}

TEST_F(NetTest, Receive_GuestCsumNegotiated_MarksDataValid) {
    backend.valid_checksums = true;
    EXPECT_TRUE(dev.device_features() & net_feature::kGuestCsum);
    dev.activate(net_feature::kGuestCsum);
    publish_rx(1526);
    push(frame_of(60));
    ASSERT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.read(FakeDriver::kData, 1)[0], net::hdr::kFlagDataValid);
    dev.reset();  // back to unverified frames
    publish_rx(1526, FakeDriver::kData + 0x1000);
    dev.activate(0);
    push(frame_of(60));
    EXPECT_EQ(drv.read(FakeDriver::kData + 0x1000, 1)[0], 0);
}

TEST_F(NetTest, Transmit_FrameReachesBackendWithoutHeader) {
    const auto frame = frame_of(60);
    publish_tx(frame);
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    ASSERT_EQ(backend.sent.size(), 1u);
    EXPECT_EQ(backend.sent[0], frame);
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 0u);
    EXPECT_EQ(signals, 1);
    EXPECT_EQ(dev.stats().tx_frames, 1u);
    EXPECT_EQ(dev.stats().tx_bytes, 60u);
}

TEST_F(NetTest, Transmit_ShortHeader_DroppedAndReturned) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 7, false}}));
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_TRUE(backend.sent.empty());
    EXPECT_EQ(drv.used_idx(), 1);  // the buffer goes back: the queue does not stall
    EXPECT_EQ(dev.stats().tx_dropped, 1u);
    EXPECT_EQ(dev.stats().last_drop, net::Drop::ShortHeader);
    EXPECT_EQ(broken, 0);
}

TEST_F(NetTest, Transmit_HeaderOnlyAndRunt_Dropped) {
    drv.publish(drv.add_chain({{FakeDriver::kData, static_cast<u32>(net::kHeaderBytes), false}}));
    publish_tx(frame_of(13));
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_TRUE(backend.sent.empty());
    EXPECT_EQ(drv.used_idx(), 2);
    EXPECT_EQ(dev.stats().tx_dropped, 2u);
    EXPECT_EQ(dev.stats().last_drop, net::Drop::Runt);
}

TEST_F(NetTest, Transmit_ZeroLengthDescriptors_Dropped) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 0, false}, {FakeDriver::kData + 0x100, 0, false}}));
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_TRUE(backend.sent.empty());
    EXPECT_EQ(dev.stats().last_drop, net::Drop::ShortHeader);
}

TEST_F(NetTest, Transmit_ChecksumOffloadNotOffered_Dropped) {
    publish_tx(frame_of(60), net::hdr::kFlagNeedsCsum);
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_TRUE(backend.sent.empty());
    EXPECT_EQ(dev.stats().last_drop, net::Drop::OffloadNotOffered);
}

TEST_F(NetTest, Transmit_OversizedFrame_Dropped) {
    const u32 len = static_cast<u32>(backends::kMaxFrameBytes + 1);
    drv.publish(drv.add_chain({{FakeDriver::kData, static_cast<u32>(net::kHeaderBytes), false},
                               {FakeDriver::kData + 0x100, len, false}}));
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_TRUE(backend.sent.empty());
    EXPECT_EQ(dev.stats().last_drop, net::Drop::TooLong);
}

TEST_F(NetTest, Transmit_ChainLoop_MarksBrokenNoFrame) {
    drv.set_desc(0, FakeDriver::kData, 16, desc_flag::kNext, 1);
    drv.set_desc(1, FakeDriver::kData, 16, desc_flag::kNext, 0);
    drv.publish(0);
    dev.process_queue(*this, NetDevice::kTransmitQueue);
    EXPECT_EQ(broken, 1);
    EXPECT_TRUE(backend.sent.empty());
}

TEST_F(NetTest, Receive_FillsBufferWithHeaderAndFrame) {
    publish_rx(1526);
    const auto frame = frame_of(100, 7);
    push(frame);
    ASSERT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), net::kHeaderBytes + 100);
    const auto got = drv.read(FakeDriver::kData, net::kHeaderBytes + 100);
    EXPECT_EQ(got[0], 0);                          // flags
    EXPECT_EQ(load_le<u16>(got.data() + 10), 1);  // num_buffers
    EXPECT_EQ(std::vector<u8>(got.begin() + net::kHeaderBytes, got.end()), frame);
    EXPECT_EQ(signals, 1);
    EXPECT_EQ(dev.stats().rx_frames, 1u);
}

TEST_F(NetTest, Receive_FrameSpansTwoBuffers) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 20, true}, {FakeDriver::kData + 0x100, 200, true}}));
    const auto frame = frame_of(100);
    push(frame);
    ASSERT_EQ(drv.used_idx(), 1);
    auto got = drv.read(FakeDriver::kData + net::kHeaderBytes, 8);
    const auto rest = drv.read(FakeDriver::kData + 0x100, 92);
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ(got, frame);
}

TEST_F(NetTest, Receive_NoBuffers_BackloggedUntilKick) {
    push(frame_of(60, 1));
    push(frame_of(60, 2));
    EXPECT_EQ(drv.used_idx(), 0);
    publish_rx(1526, FakeDriver::kData);
    publish_rx(1526, FakeDriver::kData + 0x1000);
    dev.process_queue(*this, NetDevice::kReceiveQueue);
    ASSERT_EQ(drv.used_idx(), 2);
    EXPECT_EQ(drv.read(FakeDriver::kData + net::kHeaderBytes, 1)[0], 1);  // in order
    EXPECT_EQ(drv.read(FakeDriver::kData + 0x1000 + net::kHeaderBytes, 1)[0], 2);
    EXPECT_EQ(signals, 1);
}

TEST_F(NetTest, Receive_BacklogFull_DropsNewest) {
    for (size_t i = 0; i < NetDevice::kMaxBacklog + 3; ++i) push(frame_of(60));
    EXPECT_EQ(dev.stats().rx_dropped, 3u);
    EXPECT_EQ(dev.stats().last_drop, net::Drop::Backlog);
}

TEST_F(NetTest, Receive_BufferTooSmall_ReturnedEmptyAndDropped) {
    publish_rx(net::kHeaderBytes + 10);
    push(frame_of(60));
    ASSERT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 0u);
    EXPECT_EQ(dev.stats().last_drop, net::Drop::BufferTooSmall);
    EXPECT_EQ(dev.stats().rx_frames, 0u);
}

TEST_F(NetTest, Receive_ReadableOnlyChain_ReturnedEmpty) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 1526, false}}));
    push(frame_of(60));
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 0u);
}

TEST_F(NetTest, Receive_DriverNotRunning_Dropped) {
    running = false;
    publish_rx(1526);
    push(frame_of(60));
    EXPECT_EQ(drv.used_idx(), 0);
    EXPECT_EQ(dev.stats().rx_dropped, 1u);
}

TEST_F(NetTest, Receive_HostileRing_MarksBrokenAndDropsBacklog) {
    push(frame_of(60));
    drv.set_desc(0, 0xfffff000, 4096, desc_flag::kWrite, 0);  // outside the 1 MiB of RAM
    drv.publish(0);
    dev.process_queue(*this, NetDevice::kReceiveQueue);
    EXPECT_EQ(broken, 1);
    EXPECT_EQ(drv.used_idx(), 0);
}

TEST_F(NetTest, Reset_ClearsBacklog) {
    push(frame_of(60));
    dev.reset();
    publish_rx(1526);
    dev.process_queue(*this, NetDevice::kReceiveQueue);
    EXPECT_EQ(drv.used_idx(), 0);
}

}  // namespace
}  // namespace flint::virtio
