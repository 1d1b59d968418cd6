#include "hv/soft/pic8259_pair.h"

#include <gtest/gtest.h>

namespace flint::soft {
namespace {

class PicTest : public ::testing::Test {
protected:
    void out(PicChip chip, PicPort port, u8 v) { pic.write_port(chip, port, v); }
    // The sequence Linux and PC firmware use: edge, cascade, 8086 mode.
    void init(u8 master_base = 0x20, u8 slave_base = 0x28, u8 icw4 = 0x01) {
        out(PicChip::Master, PicPort::Command, 0x11);
        out(PicChip::Master, PicPort::Data, master_base);
        out(PicChip::Master, PicPort::Data, 0x04);  // slave on IR2
        out(PicChip::Master, PicPort::Data, icw4);
        out(PicChip::Slave, PicPort::Command, 0x11);
        out(PicChip::Slave, PicPort::Data, slave_base);
        out(PicChip::Slave, PicPort::Data, 0x02);  // slave identity 2
        out(PicChip::Slave, PicPort::Data, icw4);
    }
    void eoi(PicChip chip) { out(chip, PicPort::Command, 0x20); }

    Pic8259Pair pic;
};

TEST_F(PicTest, Init_VectorBaseFromIcw2AndImrCleared) {
    pic.write_port(PicChip::Master, PicPort::Data, 0xff);  // not yet initialised: OCW1
    init(0x30, 0x38);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Data), 0x00);
    pic.set_irq(1, true);
    ASSERT_TRUE(pic.has_interrupt());
    EXPECT_EQ(pic.acknowledge(), 0x31);
}

TEST_F(PicTest, Mask_BlocksUntilUnmasked) {
    init();
    out(PicChip::Master, PicPort::Data, 0x02);  // mask IR1
    pic.set_irq(1, true);
    EXPECT_FALSE(pic.has_interrupt());
    out(PicChip::Master, PicPort::Data, 0x00);
    EXPECT_TRUE(pic.has_interrupt());
}

TEST_F(PicTest, Priority_LowerIrqFirstAndInServiceBlocksLower) {
    init();
    pic.set_irq(4, true);
    pic.set_irq(1, true);
    EXPECT_EQ(pic.acknowledge(), 0x21);
    // IR1 in service: IR4 waits for the EOI.
    EXPECT_FALSE(pic.has_interrupt());
    pic.set_irq(0, true);  // but IR0 has higher priority and nests
    EXPECT_TRUE(pic.has_interrupt());
    EXPECT_EQ(pic.acknowledge(), 0x20);
    eoi(PicChip::Master);  // retires IR0
    EXPECT_FALSE(pic.has_interrupt());
    eoi(PicChip::Master);  // retires IR1
    EXPECT_EQ(pic.acknowledge(), 0x24);
}

TEST_F(PicTest, ReadIsrIrr_ThroughOcw3) {
    init();
    pic.set_irq(3, true);
    pic.set_irq(5, true);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x28);  // IRR by default
    (void)pic.acknowledge();
    out(PicChip::Master, PicPort::Command, 0x0b);  // OCW3: read ISR
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x08);
    out(PicChip::Master, PicPort::Command, 0x0a);  // OCW3: read IRR
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x20);
}

TEST_F(PicTest, SpecificEoi_ClearsNamedLevel) {
    init();
    pic.set_irq(3, true);
    (void)pic.acknowledge();
    out(PicChip::Master, PicPort::Command, 0x60 | 3);  // specific EOI for IR3
    out(PicChip::Master, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x00);
}

TEST_F(PicTest, Cascade_SlaveIrqDeliveredThroughMasterIr2) {
    init();
    pic.set_irq(12, true);
    ASSERT_TRUE(pic.has_interrupt());
    EXPECT_EQ(pic.acknowledge(), 0x2c);
    out(PicChip::Master, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x04);  // IR2 in service
    out(PicChip::Slave, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Slave, PicPort::Command), 0x10);   // IR4 (IRQ12)
    pic.set_irq(14, true);
    EXPECT_FALSE(pic.has_interrupt());  // lower priority than IRQ12 in service
    eoi(PicChip::Slave);
    eoi(PicChip::Master);
    ASSERT_TRUE(pic.has_interrupt());
    EXPECT_EQ(pic.acknowledge(), 0x2e);
}

TEST_F(PicTest, AutoEoi_LeavesNothingInService) {
    init(0x20, 0x28, 0x03);
    pic.set_irq(1, true);
    EXPECT_EQ(pic.acknowledge(), 0x21);
    out(PicChip::Master, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x00);
    pic.set_irq(1, false);
    pic.set_irq(1, true);
    EXPECT_TRUE(pic.has_interrupt());
}

TEST_F(PicTest, EdgeTriggered_PulseLatchedOnceAndNotRepeated) {
    init();
    pic.set_irq(5, true);
    pic.set_irq(5, false);
    ASSERT_TRUE(pic.has_interrupt());
    EXPECT_EQ(pic.acknowledge(), 0x25);
    eoi(PicChip::Master);
    EXPECT_FALSE(pic.has_interrupt());
    pic.set_irq(5, true);
    pic.set_irq(5, true);  // no new edge
    (void)pic.acknowledge();
    eoi(PicChip::Master);
    EXPECT_FALSE(pic.has_interrupt());
}

TEST_F(PicTest, LevelTriggered_ElcrRequestsAgainAfterEoiWhileHigh) {
    init();
    pic.write_elcr(ElcrPort::Slave, 0xff);
    EXPECT_EQ(pic.read_elcr(ElcrPort::Slave), kElcrSlaveWritable);  // IRQ8/13 stay edge
    pic.set_irq(11, true);
    EXPECT_EQ(pic.acknowledge(), 0x2b);
    eoi(PicChip::Slave);
    eoi(PicChip::Master);
    ASSERT_TRUE(pic.has_interrupt());  // still high: requests again
    EXPECT_EQ(pic.acknowledge(), 0x2b);
    pic.set_irq(11, false);
    eoi(PicChip::Slave);
    eoi(PicChip::Master);
    EXPECT_FALSE(pic.has_interrupt());
}

TEST_F(PicTest, LevelDroppedBeforeInta_SpuriousIrq7WithoutIsr) {
    init();
    pic.write_elcr(ElcrPort::Master, 0x20);
    pic.set_irq(5, true);
    ASSERT_TRUE(pic.has_interrupt());
    pic.set_irq(5, false);
    EXPECT_EQ(pic.acknowledge(), 0x27);
    out(PicChip::Master, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x00);
    EXPECT_EQ(pic.spurious_count(), 1u);
}

TEST_F(PicTest, SlaveSpurious_Irq15VectorWithMasterIr2InService) {
    init();
    pic.write_elcr(ElcrPort::Slave, 0x08);  // IRQ11 level
    pic.set_irq(11, true);
    ASSERT_TRUE(pic.has_interrupt());
    // The slave's request vanishes after the master latched IR2 (edge).
    pic.set_irq(11, false);
    EXPECT_EQ(pic.acknowledge(), 0x2f);
    out(PicChip::Master, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x04);
    out(PicChip::Slave, PicPort::Command, 0x0b);
    EXPECT_EQ(pic.read_port(PicChip::Slave, PicPort::Command), 0x00);
}

TEST_F(PicTest, RotateOnEoi_ServicedIrqBecomesLowestPriority) {
    init();
    pic.set_irq(1, true);
    EXPECT_EQ(pic.acknowledge(), 0x21);
    out(PicChip::Master, PicPort::Command, 0xa0);  // rotate on non-specific EOI
    pic.set_irq(1, false);
    pic.set_irq(1, true);
    pic.set_irq(3, true);
    EXPECT_EQ(pic.acknowledge(), 0x23);  // IR1 is now the lowest priority
}

TEST_F(PicTest, Poll_ReturnsLevelAndAcknowledges) {
    init();
    pic.set_irq(6, true);
    out(PicChip::Master, PicPort::Command, 0x0c);  // OCW3 poll
    EXPECT_EQ(pic.read_port(PicChip::Master, PicPort::Command), 0x86);
    EXPECT_FALSE(pic.has_interrupt());
}

TEST_F(PicTest, Notifier_CalledWhenOutputRises) {
    init();
    int calls = 0;
    pic.set_notifier([&] { ++calls; });
    pic.set_irq(3, true);
    pic.set_irq(4, true);  // output already high
    EXPECT_EQ(calls, 1);
}

TEST_F(PicTest, CascadeLineAsInput_IgnoredAndCounted) {
    init();
    pic.set_irq(2, true);
    pic.set_irq(99, true);
    EXPECT_FALSE(pic.has_interrupt());
    EXPECT_GE(pic.guest_errors(), 1u);
}

TEST_F(PicTest, PortsFacade_ByteAccessReachesChip) {
    init();
    PicPortsDevice master(pic, PicChip::Master);
    const u8 mask[] = {0x5a};
    master.write(1, mask);
    u8 back[1] = {};
    master.read(1, back);
    EXPECT_EQ(back[0], 0x5a);
}

}  // namespace
}  // namespace flint::soft
