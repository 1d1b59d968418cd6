#include "devices/virtio/console.h"

#include <gtest/gtest.h>

#include <string>

#include "virtio/fake_driver.h"

namespace flint::virtio {
namespace {

using test::FakeDriver;

// The two queues on the same rings: each test uses only one of them.
class ConsoleTest : public ::testing::Test, public Transport {
protected:
    void SetUp() override {
        for (Queue& q : m_queues) {
            q.set_size(8);
            q.set_desc_addr(FakeDriver::kDesc);
            q.set_avail_addr(FakeDriver::kAvail);
            q.set_used_addr(FakeDriver::kUsed);
            ASSERT_EQ(q.make_ready(mem), QueueError::None);
        }
    }
    const GuestMemory& memory() const override { return mem; }
    Queue& queue(u32 index) override { return m_queues[index]; }
    void signal_used(u32) override { ++signals; }
    void mark_broken(std::string_view) override { ++broken; }
    void guest_written(u64, u64) override {}

    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv{mem, 8};
    Queue m_queues[2] = {Queue(8), Queue(8)};
    std::string output;
    ConsoleDevice console{[this](std::span<const u8> b) { output.append(b.begin(), b.end()); }};
    int signals = 0;
    int broken = 0;
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

TEST_F(ConsoleTest, ReceiveBuffers_KeptForInput) {
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

}  // namespace
}  // namespace flint::virtio
