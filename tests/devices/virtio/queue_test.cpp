#include "devices/virtio/queue.h"

#include <gtest/gtest.h>

#include "devices/virtio/virtio_spec.h"
#include "virtio/fake_driver.h"

namespace flint::virtio {
namespace {

using test::FakeDriver;
using namespace desc_flag;

constexpr u16 kSize = 8;

class VirtioQueueTest : public ::testing::Test {
protected:
    void SetUp() override {
        q.set_size(kSize);
        q.set_desc_addr(FakeDriver::kDesc);
        q.set_avail_addr(FakeDriver::kAvail);
        q.set_used_addr(FakeDriver::kUsed);
        ASSERT_EQ(q.make_ready(mem), QueueError::None);
    }
    Queue::Pop pop() { return q.pop(mem, chain); }

    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv{mem, kSize};
    Queue q{16};
    DescriptorChain chain;
};

TEST_F(VirtioQueueTest, NothingPublished_Empty) { EXPECT_EQ(pop(), Queue::Pop::Empty); }

TEST_F(VirtioQueueTest, Chain_ReadableThenWritableBuffers) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 16, false}, {FakeDriver::kData + 0x100, 100, true},
                               {FakeDriver::kData + 0x200, 1, true}}));
    ASSERT_EQ(pop(), Queue::Pop::Chain);
    EXPECT_EQ(chain.head, 0);
    ASSERT_EQ(chain.readable.size(), 1u);
    ASSERT_EQ(chain.writable.size(), 2u);
    EXPECT_EQ(chain.readable[0].host, mem.host_ptr(FakeDriver::kData, 16));
    EXPECT_EQ(chain.readable_bytes, 16u);
    EXPECT_EQ(chain.writable_bytes, 101u);
    EXPECT_EQ(pop(), Queue::Pop::Empty);
}

TEST_F(VirtioQueueTest, AddUsed_WritesElementAndIndex) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    ASSERT_EQ(pop(), Queue::Pop::Chain);
    q.add_used(chain.head, 5);
    EXPECT_EQ(drv.used_idx(), 1);
    EXPECT_EQ(drv.used_id(0), chain.head);
    EXPECT_EQ(drv.used_len(0), 5u);
}

TEST_F(VirtioQueueTest, ZeroLengthDescriptor_Skipped) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 0, false}, {0xffffffffffff0000, 0, true}, {FakeDriver::kData, 4, true}}));
    ASSERT_EQ(pop(), Queue::Pop::Chain);
    EXPECT_TRUE(chain.readable.empty());
    ASSERT_EQ(chain.writable.size(), 1u);
    EXPECT_EQ(chain.writable_bytes, 4u);
}

TEST_F(VirtioQueueTest, BufferOutsideRam_Broken) {
    drv.publish(drv.add_chain({{mem.size() - 8, 16, true}}));
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::BufferOutsideMemory);
    // Broken stays broken: the next pop does not read the ring again.
    EXPECT_EQ(pop(), Queue::Pop::Broken);
}

TEST_F(VirtioQueueTest, BufferAddressWraps_Broken) {
    drv.publish(drv.add_chain({{0xfffffffffffffff0, 0x20, false}}));
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::BufferOutsideMemory);
}

TEST_F(VirtioQueueTest, SelfLoop_BrokenNotHang) {
    drv.set_desc(0, FakeDriver::kData, 4, kNext, 0);
    drv.publish(0);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::ChainTooLong);
}

TEST_F(VirtioQueueTest, LoopThroughWholeTable_Broken) {
    for (u16 i = 0; i < kSize; ++i) drv.set_desc(i, FakeDriver::kData, 4, kNext, static_cast<u16>((i + 1) % kSize));
    drv.publish(3);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::ChainTooLong);
}

TEST_F(VirtioQueueTest, ChainOfWholeTable_Accepted) {
    for (u16 i = 0; i + 1 < kSize; ++i) drv.set_desc(i, FakeDriver::kData, 4, kNext, static_cast<u16>(i + 1));
    drv.set_desc(kSize - 1, FakeDriver::kData, 4, 0, 0);
    drv.publish(0);
    ASSERT_EQ(pop(), Queue::Pop::Chain);
    EXPECT_EQ(chain.readable.size(), kSize);
}

TEST_F(VirtioQueueTest, NextBeyondTable_Broken) {
    drv.set_desc(0, FakeDriver::kData, 4, kNext, kSize);
    drv.publish(0);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::NextOutOfRange);
}

TEST_F(VirtioQueueTest, HeadBeyondTable_Broken) {
    drv.publish(kSize + 3);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::HeadOutOfRange);
}

TEST_F(VirtioQueueTest, AvailIndexJump_Broken) {
    drv.set_avail_idx(kSize + 1);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::AvailIndexJump);
}

TEST_F(VirtioQueueTest, ReadableAfterWritable_Broken) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 4, true}, {FakeDriver::kData, 4, false}}));
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::ReadableAfterWritable);
}

TEST_F(VirtioQueueTest, Indirect_TableFollowed) {
    q.set_features(false, true);
    drv.set_desc(0, FakeDriver::kData, 16, kNext, 1, FakeDriver::kIndirect);
    drv.set_desc(1, FakeDriver::kData + 0x100, 512, kNext | kWrite, 2, FakeDriver::kIndirect);
    drv.set_desc(2, FakeDriver::kData + 0x400, 1, kWrite, 0, FakeDriver::kIndirect);
    drv.set_desc(5, FakeDriver::kIndirect, 3 * 16, kIndirect, 0);
    drv.publish(5);
    ASSERT_EQ(pop(), Queue::Pop::Chain);
    EXPECT_EQ(chain.head, 5);
    EXPECT_EQ(chain.readable_bytes, 16u);
    EXPECT_EQ(chain.writable_bytes, 513u);
}

TEST_F(VirtioQueueTest, Indirect_NotNegotiated_Broken) {
    drv.set_desc(0, FakeDriver::kData, 16, 0, 0, FakeDriver::kIndirect);
    drv.set_desc(1, FakeDriver::kIndirect, 16, kIndirect, 0);
    drv.publish(1);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::BadIndirect);
}

TEST_F(VirtioQueueTest, Indirect_Malformed_Broken) {
    q.set_features(false, true);
    struct Case {
        u64 addr;
        u32 len;
        u16 flags;
        QueueError want;
    };
    const Case cases[] = {
        {FakeDriver::kIndirect, 0, kIndirect, QueueError::BadIndirect},                 // empty table
        {FakeDriver::kIndirect, 24, kIndirect, QueueError::BadIndirect},                // not whole entries
        {FakeDriver::kIndirect, 16, kIndirect | kNext, QueueError::BadIndirect},        // NEXT as well
        {FakeDriver::kIndirect, 16 * 2048, kIndirect, QueueError::BadIndirect},         // too many entries
        {mem.size() - 16, 32, kIndirect, QueueError::BufferOutsideMemory},             // table outside RAM
    };
    for (const Case& c : cases) {
        q.reset();
        SetUp();
        q.set_features(false, true);
        drv.set_desc(0, c.addr, c.len, c.flags, 1);
        drv.set_desc(0, FakeDriver::kData, 16, 0, 0, FakeDriver::kIndirect);
        drv.set_avail_idx(0);
        drv.publish(0);
        EXPECT_EQ(pop(), Queue::Pop::Broken) << c.len;
        EXPECT_EQ(q.error(), c.want) << c.len;
        drv.set_avail_idx(0);
    }
}

TEST_F(VirtioQueueTest, Indirect_Nested_Broken) {
    q.set_features(false, true);
    drv.set_desc(0, FakeDriver::kIndirect, 16, kIndirect, 0, FakeDriver::kIndirect);
    drv.set_desc(0, FakeDriver::kIndirect, 16, kIndirect, 0);
    drv.publish(0);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::BadIndirect);
}

TEST_F(VirtioQueueTest, Indirect_LoopInsideTable_Broken) {
    q.set_features(false, true);
    drv.set_desc(0, FakeDriver::kData, 4, kNext, 1, FakeDriver::kIndirect);
    drv.set_desc(1, FakeDriver::kData, 4, kNext, 0, FakeDriver::kIndirect);
    drv.set_desc(0, FakeDriver::kIndirect, 32, kIndirect, 0);
    drv.publish(0);
    EXPECT_EQ(pop(), Queue::Pop::Broken);
    EXPECT_EQ(q.error(), QueueError::ChainTooLong);
}

TEST(VirtioQueue, MakeReady_BadSizesAndRings_Refused) {
    GuestMemory mem = *GuestMemory::create(1 * MiB);
    auto try_ready = [&](u16 size, u64 desc, u64 avail, u64 used) {
        Queue q(256);
        q.set_size(size);
        q.set_desc_addr(desc);
        q.set_avail_addr(avail);
        q.set_used_addr(used);
        const QueueError e = q.make_ready(mem);
        EXPECT_EQ(q.ready(), e == QueueError::None);
        return e;
    };
    EXPECT_EQ(try_ready(0, 0x1000, 0x3000, 0x4000), QueueError::BadSize);
    EXPECT_EQ(try_ready(512, 0x1000, 0x3000, 0x4000), QueueError::BadSize);
    EXPECT_EQ(try_ready(6, 0x1000, 0x3000, 0x4000), QueueError::BadSize);
    EXPECT_EQ(try_ready(8, 0x1008, 0x3000, 0x4000), QueueError::RingOutsideMemory);  // misaligned
    EXPECT_EQ(try_ready(8, 0x1000, 0x3000, 0x4002), QueueError::RingOutsideMemory);
    EXPECT_EQ(try_ready(256, mem.size() - 0x800, 0x3000, 0x4000), QueueError::RingOutsideMemory);
    EXPECT_EQ(try_ready(8, 0x1000, 0x3000, 0xffffffffffff0000), QueueError::RingOutsideMemory);
    EXPECT_EQ(try_ready(8, 0x1000, 0x3000, 0x4000), QueueError::None);
}

TEST_F(VirtioQueueTest, ConfigurationIgnoredWhileReady) {
    q.set_size(4);
    q.set_desc_addr(0x8000);
    EXPECT_EQ(q.size(), kSize);
    EXPECT_EQ(q.desc_addr(), FakeDriver::kDesc);
}

TEST_F(VirtioQueueTest, NoInterruptFlag_SuppressesNotification) {
    drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    ASSERT_EQ(pop(), Queue::Pop::Chain);
    q.add_used(chain.head, 0);
    EXPECT_TRUE(q.should_notify());
    drv.set_avail_flags(kAvailFlagNoInterrupt);
    q.add_used(chain.head, 0);
    EXPECT_FALSE(q.should_notify());
}

TEST_F(VirtioQueueTest, EventIdx_NotifiesOnlyWhenUsedEventPassed) {
    q.set_features(true, false);
    for (int i = 0; i < 4; ++i) drv.publish(drv.add_chain({{FakeDriver::kData, 8, true}}));
    drv.set_used_event(2);  // interrupt once the used index passes 2 (reaches 3)
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(pop(), Queue::Pop::Chain);
        q.add_used(chain.head, 0);
        // Used index after this add: i + 1.
        const bool want = i == 0 /* the first signal always goes */ || i + 1 == 3;
        EXPECT_EQ(q.should_notify(), want) << i;
    }
    // The device asks to be notified at the next entry the driver adds.
    EXPECT_EQ(pop(), Queue::Pop::Empty);
    EXPECT_EQ(drv.avail_event(), 4);
}

}  // namespace
}  // namespace flint::virtio
