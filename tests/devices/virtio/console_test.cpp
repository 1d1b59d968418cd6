#include "devices/virtio/console.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "virtio/fake_driver.h"
#include "virtio/fake_transport.h"

namespace flint::virtio {
namespace {

using test::FakeDriver;

// The fixture is the transport too (test::FakeTransport).
class ConsoleTest : public ::testing::Test, public test::FakeTransport {
protected:
    ConsoleTest() : FakeTransport(8) {}
    void SetUp() override {
        ASSERT_TRUE(queues_ready);
        console.connect(*this);
    }

    void send(std::string_view text) { console.receive(std::span(reinterpret_cast<const u8*>(text.data()), text.size())); }
    void offer(u32 len, u64 at) { drv.publish(drv.add_chain({{at, len, true}})); }
    std::string guest_bytes(u64 at, size_t len) const {
        const std::vector<u8> b = drv.read(at, len);
        return std::string(b.begin(), b.end());
    }

    std::string output;
    ConsoleDevice console{[this](std::span<const u8> b) { output.append(b.begin(), b.end()); }};
};

TEST_F(ConsoleTest, Transmit_ReachesSinkInOrder) {
    const std::string a = "hello ", b = "hvc0\n";
    drv.write(FakeDriver::kData, std::span(reinterpret_cast<const u8*>(a.data()), a.size()));
    drv.write(FakeDriver::kData + 0x100, std::span(reinterpret_cast<const u8*>(b.data()), b.size()));
    drv.publish(drv.add_chain({{FakeDriver::kData, static_cast<u32>(a.size()), false},
                               {FakeDriver::kData + 0x100, static_cast<u32>(b.size()), false}}));
    console.process_queue(*this, ConsoleDevice::kTransmitQueue);
    EXPECT_EQ(output, "hello hvc0\n");
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 0u);
    EXPECT_EQ(signals, 1);
}

TEST_F(ConsoleTest, ReceiveBuffers_KeptUntilInput) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 64, true}}));
    console.process_queue(*this, ConsoleDevice::kReceiveQueue);
    EXPECT_EQ(drv.used_idx(), 0);
    EXPECT_EQ(signals, 0);
}

TEST_F(ConsoleTest, HostileTransmitChain_MarksBroken) {
    drv.set_desc(0, FakeDriver::kData, 4, desc_flag::kNext, 0);
    drv.publish(0);
    console.process_queue(*this, ConsoleDevice::kTransmitQueue);
    EXPECT_EQ(broken, 1);
    EXPECT_TRUE(output.empty());
}

TEST_F(ConsoleTest, Input_FillsOfferedBuffer) {
    offer(64, FakeDriver::kData);
    console.process_queue(*this, ConsoleDevice::kReceiveQueue);
    send("uname -r\n");
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_len(0), 9u);
    EXPECT_EQ(guest_bytes(FakeDriver::kData, 9), "uname -r\n");
    EXPECT_EQ(signals, 1);
}

TEST_F(ConsoleTest, InputBeforeBuffers_WaitsForThem) {
    send("early");
    EXPECT_EQ(drv.used_idx(), 0);
    offer(64, FakeDriver::kData);
    console.process_queue(*this, ConsoleDevice::kReceiveQueue);
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(guest_bytes(FakeDriver::kData, 5), "early");
    EXPECT_EQ(console.dropped(), 0u);
}

TEST_F(ConsoleTest, Input_SpreadOverSmallBuffersInOrder) {
    offer(4, FakeDriver::kData);
    offer(4, FakeDriver::kData + 0x100);
    offer(4, FakeDriver::kData + 0x200);
    send("0123456789");
    ASSERT_EQ(drv.used_idx(), 3);
    EXPECT_EQ(drv.used_len(0), 4u);
    EXPECT_EQ(drv.used_len(1), 4u);
    EXPECT_EQ(drv.used_len(2), 2u);
    EXPECT_EQ(guest_bytes(FakeDriver::kData, 4) + guest_bytes(FakeDriver::kData + 0x100, 4) +
                  guest_bytes(FakeDriver::kData + 0x200, 2),
              "0123456789");
    EXPECT_EQ(signals, 1);
}

TEST_F(ConsoleTest, BacklogFull_DropsTheExcess) {
    send(std::string(ConsoleDevice::kMaxBacklog + 10, 'x'));
    EXPECT_EQ(console.dropped(), 10u);
}

TEST_F(ConsoleTest, InputWhileNotRunning_Dropped) {
    running = false;
    offer(64, FakeDriver::kData);
    send("lost");
    EXPECT_EQ(drv.used_idx(), 0);
    EXPECT_EQ(console.dropped(), 4u);
}

TEST_F(ConsoleTest, Reset_ClearsBacklog) {
    send("stale");
    console.reset();
    offer(64, FakeDriver::kData);
    console.process_queue(*this, ConsoleDevice::kReceiveQueue);
    EXPECT_EQ(drv.used_idx(), 0);
}

TEST_F(ConsoleTest, HostileReceiveRing_MarksBrokenAndDropsBacklog) {
    send("input");
    drv.set_desc(0, 0xfffff000, 4096, desc_flag::kWrite, 0);  // outside the 1 MiB of RAM
    drv.publish(0);
    console.process_queue(*this, ConsoleDevice::kReceiveQueue);
    EXPECT_EQ(broken, 1);
    EXPECT_EQ(drv.used_idx(), 0);
}

}  // namespace
}  // namespace flint::virtio
