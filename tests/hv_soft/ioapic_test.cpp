#include "hv/soft/ioapic.h"

#include <gtest/gtest.h>

#include "base/bits.h"
#include "fakes.h"

namespace flint::soft {
namespace {

class IoApicTest : public ::testing::Test {
protected:
    void write32(u64 offset, u32 value) {
        u8 buf[4];
        store_le<u32>(buf, value);
        ioapic.write(offset, buf);
    }
    u32 read32(u64 offset) {
        u8 buf[4] = {};
        ioapic.read(offset, buf);
        return load_le<u32>(buf);
    }
    void write_reg(u8 index, u32 value) {
        write32(0x00, index);
        write32(0x10, value);
    }
    u32 read_reg(u8 index) {
        write32(0x00, index);
        return read32(0x10);
    }
    void program(unsigned pin, u32 low, u8 dest) {
        write_reg(static_cast<u8>(0x11 + 2 * pin), static_cast<u32>(dest) << 24);
        write_reg(static_cast<u8>(0x10 + 2 * pin), low);
    }

    test::RecordingSink sink;
    IoApic ioapic{sink, IoApicVersion::V20, 1};
};

TEST_F(IoApicTest, IdAndVersion_Reported) {
    EXPECT_EQ(read_reg(0x00), 1u << 24);
    EXPECT_EQ(read_reg(0x01), 0x00170020u);
    write_reg(0x00, 0x0a000000);
    EXPECT_EQ(read_reg(0x00), 0x0a000000u);
}

TEST_F(IoApicTest, Reset_AllPinsMasked) {
    for (unsigned pin = 0; pin < kIoApicPins; ++pin) {
        EXPECT_NE(read_reg(static_cast<u8>(0x10 + 2 * pin)) & (1u << 16), 0u) << pin;
    }
}

TEST_F(IoApicTest, EdgePin_DeliversVectorAndDestination) {
    program(4, 0x0000'0031 | (1u << 11), 0x03);  // vector 0x31, fixed, logical, edge
    ioapic.set_irq(4, true);
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(sink.msgs[0].vector, 0x31);
    EXPECT_EQ(sink.msgs[0].dest, 0x03);
    EXPECT_EQ(sink.msgs[0].dest_mode, DestMode::Logical);
    EXPECT_EQ(sink.msgs[0].delivery, DeliveryMode::Fixed);
    EXPECT_EQ(sink.msgs[0].trigger, TriggerMode::Edge);
    ioapic.set_irq(4, true);  // no new edge
    EXPECT_EQ(sink.msgs.size(), 1u);
}

TEST_F(IoApicTest, MaskedPin_DoesNotDeliver) {
    program(5, 0x0001'0040, 0);  // masked
    ioapic.set_irq(5, true);
    EXPECT_TRUE(sink.msgs.empty());
}

TEST_F(IoApicTest, LevelPin_RemoteIrrUntilEoi) {
    program(9, 0x0000'8050, 0);  // vector 0x50, level
    ioapic.set_irq(9, true);
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(sink.msgs[0].trigger, TriggerMode::Level);
    EXPECT_NE(ioapic.entry(9) & ioapic::kRemoteIrr, 0u);
    ioapic.set_irq(9, false);
    ioapic.set_irq(9, true);  // remote IRR still set: held
    EXPECT_EQ(sink.msgs.size(), 1u);
    ioapic.end_of_interrupt(0x50);  // still asserted: delivered again
    EXPECT_EQ(sink.msgs.size(), 2u);
    ioapic.set_irq(9, false);
    ioapic.end_of_interrupt(0x50);
    EXPECT_EQ(sink.msgs.size(), 2u);
    EXPECT_EQ(ioapic.entry(9) & ioapic::kRemoteIrr, 0u);
}

TEST_F(IoApicTest, EoiRegister_ClearsRemoteIrr) {
    program(9, 0x0000'8050, 0);
    ioapic.set_irq(9, true);
    ioapic.set_irq(9, false);
    write32(0x40, 0x50);
    EXPECT_EQ(ioapic.entry(9) & ioapic::kRemoteIrr, 0u);
}

TEST_F(IoApicTest, UnmaskAssertedLevelPin_Delivers) {
    program(10, 0x0001'8060, 0);  // level, masked
    ioapic.set_irq(10, true);
    EXPECT_TRUE(sink.msgs.empty());
    write_reg(0x10 + 2 * 10, 0x0000'8060);
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(sink.msgs[0].vector, 0x60);
}

TEST_F(IoApicTest, ReadOnlyBits_NotWritableByGuest) {
    program(3, 0x0000'5070, 0);  // tries to set delivery status and remote IRR
    EXPECT_EQ(ioapic.entry(3) & (ioapic::kRemoteIrr | ioapic::kDeliveryStatus), 0u);
}

TEST_F(IoApicTest, BadAccesses_CountedNotFatal) {
    ioapic.set_irq(99, true);
    u8 one[1] = {0};
    ioapic.write(0x10, one);
    write_reg(0x01, 0);  // version is read-only
    EXPECT_EQ(ioapic.guest_errors(), 3u);
    EXPECT_EQ(read_reg(0x01), 0x00170020u);
}

}  // namespace
}  // namespace flint::soft
