#include "hv/soft/soft_irq_chip.h"

#include <gtest/gtest.h>

#include "fakes.h"
#include "hv/soft/apic_bus.h"
#include "hv/soft/pit8254.h"
#include "hv/soft/vcpu_irq_port.h"

namespace flint::soft {
namespace {

void init_pic(Pic8259Pair& pic) {
    const u8 master[] = {0x11, 0x20, 0x04, 0x01};
    const u8 slave[] = {0x11, 0x28, 0x02, 0x01};
    pic.write_port(PicChip::Master, PicPort::Command, master[0]);
    for (int i = 1; i < 4; ++i) pic.write_port(PicChip::Master, PicPort::Data, master[i]);
    pic.write_port(PicChip::Slave, PicPort::Command, slave[0]);
    for (int i = 1; i < 4; ++i) pic.write_port(PicChip::Slave, PicPort::Data, slave[i]);
}

void unmask_pin(IoApic& io, unsigned pin, u8 vector) {
    const u8 sel[] = {static_cast<u8>(0x10 + 2 * pin), 0, 0, 0};
    const u8 val[] = {vector, 0, 0, 0};
    io.write(0x00, sel);
    io.write(0x10, val);
}

TEST(SoftIrqChip, Gsi0_ReachesPicIrq0AndIoApicPin2) {
    test::RecordingSink sink;
    SoftIrqChip chip(sink);
    init_pic(chip.pic());
    unmask_pin(chip.ioapic(), 2, 0x30);
    unmask_pin(chip.ioapic(), 0, 0x31);
    chip.irq_line(0)->pulse();
    ASSERT_TRUE(chip.pic().has_interrupt());
    EXPECT_EQ(chip.pic().acknowledge(), 0x20);
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(sink.msgs[0].vector, 0x30);
}

TEST(SoftIrqChip, IsaLine_SameNumberOnBoth_HighLinesIoApicOnly) {
    test::RecordingSink sink;
    SoftIrqChip chip(sink);
    init_pic(chip.pic());
    unmask_pin(chip.ioapic(), 4, 0x34);
    unmask_pin(chip.ioapic(), 17, 0x51);
    chip.irq_line(4)->pulse();
    EXPECT_EQ(chip.pic().acknowledge(), 0x24);
    chip.irq_line(17)->pulse();
    ASSERT_EQ(sink.msgs.size(), 2u);
    EXPECT_EQ(sink.msgs[1].vector, 0x51);
    EXPECT_EQ(chip.irq_line(24), nullptr);
}

TEST(SoftIrqChip, CascadeLine_DrivesNothing) {
    test::RecordingSink sink;
    SoftIrqChip chip(sink);
    init_pic(chip.pic());
    unmask_pin(chip.ioapic(), 2, 0x30);
    chip.irq_line(2)->pulse();
    EXPECT_FALSE(chip.pic().has_interrupt());
    EXPECT_TRUE(sink.msgs.empty());
}

// End to end: the PIT ticks through the IOAPIC into the BSP's local APIC, and the
// 8259A path reaches the core through LINT0 in virtual-wire mode.
TEST(SoftIrqChip, PitTickThroughIoApicToLocalApic) {
    test::FakeClock clock;
    ApicBus bus;
    SoftIrqChip chip(bus);
    LocalApic bsp(LocalApic::Config{.apic_id = 0, .bsp = true}, clock.fn(), [] { return u64{0}; },
                  &bus, &chip.ioapic());
    bus.add(bsp);
    bsp.write_register(ApicReg::Svr, apic::kSvrEnable | 0xff);
    Pit8254 pit(clock.fn(), *chip.irq_line(0));
    VcpuIrqPort port(bsp, &chip.pic(), &pit);
    unmask_pin(chip.ioapic(), 2, 0x30);
    pit.write_port(PitPort::Control, 0x34);
    pit.write_port(PitPort::Channel0, 0xa9);  // 1193: ~1 ms
    pit.write_port(PitPort::Channel0, 0x04);
    EXPECT_FALSE(port.has_interrupt());
    const u64 deadline = port.next_deadline_ns();
    EXPECT_EQ(deadline, ticks_to_ns(1193, kPitHz));
    port.advance(deadline);
    ASSERT_TRUE(port.has_interrupt());
    EXPECT_EQ(port.acknowledge(), 0x30);
}

TEST(SoftIrqChip, VirtualWire_PicVectorViaVcpuPort) {
    test::FakeClock clock;
    ApicBus bus;
    SoftIrqChip chip(bus);
    LocalApic bsp(LocalApic::Config{.apic_id = 0, .bsp = true, .reset_as = LocalApic::ResetAs::VirtualWire},
                  clock.fn(), [] { return u64{0}; }, &bus, &chip.ioapic());
    VcpuIrqPort port(bsp, &chip.pic(), nullptr);
    init_pic(chip.pic());
    chip.irq_line(1)->pulse();
    ASSERT_TRUE(port.has_interrupt());
    EXPECT_EQ(port.acknowledge(), 0x21);
    EXPECT_EQ(port.next_deadline_ns(), kNoDeadline);
}

TEST(SoftIrqChip, LevelLine_EoiFromLocalApicRedelivers) {
    test::FakeClock clock;
    ApicBus bus;
    SoftIrqChip chip(bus);
    LocalApic bsp(LocalApic::Config{.apic_id = 0, .bsp = true}, clock.fn(), [] { return u64{0}; },
                  &bus, &chip.ioapic());
    bus.add(bsp);
    bsp.write_register(ApicReg::Svr, apic::kSvrEnable | 0xff);
    const u8 sel[] = {0x10 + 2 * 20, 0, 0, 0};
    const u8 val[] = {0x61, 0x80, 0, 0};  // vector 0x61, level
    chip.ioapic().write(0x00, sel);
    chip.ioapic().write(0x10, val);
    chip.irq_line(20)->set_level(true);
    EXPECT_EQ(bsp.acknowledge(), 0x61);
    bsp.write_register(ApicReg::Eoi, 0);  // still high: comes back
    EXPECT_EQ(bsp.acknowledge(), 0x61);
    chip.irq_line(20)->set_level(false);
    bsp.write_register(ApicReg::Eoi, 0);
    EXPECT_EQ(bsp.pending_vector(), -1);
}

}  // namespace
}  // namespace flint::soft
