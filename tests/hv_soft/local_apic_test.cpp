#include "hv/soft/local_apic.h"

#include <gtest/gtest.h>

#include "base/bits.h"
#include "fakes.h"
#include "hv/soft/apic_bus.h"

namespace flint::soft {
namespace {

class RecordingEoi final : public EoiListener {
public:
    void end_of_interrupt(u8 vector) override { vectors.push_back(vector); }
    std::vector<u8> vectors;
};

class LocalApicTest : public ::testing::Test {
protected:
    LocalApicTest() { enable(); }
    void enable() { apic.write_register(ApicReg::Svr, apic::kSvrEnable | 0xff); }
    void eoi() { apic.write_register(ApicReg::Eoi, 0); }

    test::FakeClock clock;
    u64 tsc = 0;
    test::RecordingSink sink;
    RecordingEoi eoi_listener;
    LocalApic apic{LocalApic::Config{.apic_id = 0, .bsp = true, .timer_hz = 1'000'000'000, .tsc_hz = 2'000'000'000},
                   clock.fn(), [this] { return tsc; }, &sink, &eoi_listener};
};

TEST_F(LocalApicTest, Version_MaxLvtFive) {
    EXPECT_EQ(apic.read_register(ApicReg::Version), 0x00050014u);
}

TEST_F(LocalApicTest, AcceptAck_HighestVectorFirst) {
    apic.accept(0x40, TriggerMode::Edge);
    apic.accept(0x80, TriggerMode::Edge);
    EXPECT_EQ(apic.pending_vector(), 0x80);
    EXPECT_EQ(apic.acknowledge(), 0x80);
    // 0x40 is a lower class than 0x80 in service.
    EXPECT_EQ(apic.pending_vector(), -1);
    EXPECT_EQ(apic.read_register(ApicReg::Ppr), 0x80u);
    eoi();
    EXPECT_EQ(apic.acknowledge(), 0x40);
}

TEST_F(LocalApicTest, SameClassInService_BlocksUntilEoi) {
    apic.accept(0x45, TriggerMode::Edge);
    EXPECT_EQ(apic.acknowledge(), 0x45);
    apic.accept(0x4a, TriggerMode::Edge);
    EXPECT_EQ(apic.pending_vector(), -1);
    eoi();
    EXPECT_EQ(apic.pending_vector(), 0x4a);
}

TEST_F(LocalApicTest, Tpr_MasksLowerClasses) {
    apic.write_register(ApicReg::Tpr, 0x50);
    apic.accept(0x50, TriggerMode::Edge);
    EXPECT_EQ(apic.pending_vector(), -1);
    apic.accept(0x61, TriggerMode::Edge);
    EXPECT_EQ(apic.pending_vector(), 0x61);
    apic.write_register(ApicReg::Tpr, 0x00);
    (void)apic.acknowledge();
    eoi();
    EXPECT_EQ(apic.pending_vector(), 0x50);
}

TEST_F(LocalApicTest, IrrIsrRegisters_ShowBits) {
    apic.accept(0x41, TriggerMode::Edge);
    EXPECT_EQ(apic.read_register(static_cast<ApicReg>(0x22)), 1u << 1);  // IRR 0x40-0x5f
    (void)apic.acknowledge();
    EXPECT_EQ(apic.read_register(static_cast<ApicReg>(0x12)), 1u << 1);  // ISR
}

TEST_F(LocalApicTest, LevelEoi_BroadcastToIoApicEdgeNot) {
    apic.accept(0x50, TriggerMode::Level);
    apic.accept(0x60, TriggerMode::Edge);
    (void)apic.acknowledge();
    eoi();  // 0x60: edge
    EXPECT_TRUE(eoi_listener.vectors.empty());
    (void)apic.acknowledge();
    eoi();  // 0x50: level
    ASSERT_EQ(eoi_listener.vectors.size(), 1u);
    EXPECT_EQ(eoi_listener.vectors[0], 0x50);
}

TEST_F(LocalApicTest, SoftwareDisabled_HeldAndSpuriousOnAck) {
    apic.write_register(ApicReg::Svr, 0x3f);  // disabled, spurious vector 0x3f
    apic.accept(0x70, TriggerMode::Edge);
    EXPECT_EQ(apic.pending_vector(), -1);
    EXPECT_EQ(apic.acknowledge(), 0x3f);
    EXPECT_EQ(apic.read_register(static_cast<ApicReg>(0x13)), 0u);  // no ISR bit set
    apic.write_register(ApicReg::LvtTimer, 0x30);  // mask cannot be cleared
    EXPECT_NE(apic.read_register(ApicReg::LvtTimer) & apic::kLvtMasked, 0u);
}

TEST_F(LocalApicTest, IllegalVector_SetsEsr) {
    apic.accept(0x05, TriggerMode::Edge);
    EXPECT_EQ(apic.pending_vector(), -1);
    apic.write_register(ApicReg::Esr, 0);
    EXPECT_EQ(apic.read_register(ApicReg::Esr), apic::kEsrReceiveIllegalVector);
}

TEST_F(LocalApicTest, OneShotTimer_DeadlineAndSingleFire) {
    apic.write_register(ApicReg::TimerDivide, 0x0b);  // divide by 1
    apic.write_register(ApicReg::LvtTimer, 0xec);
    clock.now = 1000;
    apic.write_register(ApicReg::TimerInitial, 5000);
    EXPECT_EQ(apic.next_deadline_ns(), 6000u);
    clock.now = 3000;
    EXPECT_EQ(apic.read_register(ApicReg::TimerCurrent), 3000u);
    apic.advance(5999);
    EXPECT_EQ(apic.pending_vector(), -1);
    apic.advance(6000);
    EXPECT_EQ(apic.pending_vector(), 0xec);
    EXPECT_EQ(apic.next_deadline_ns(), kNoDeadline);
    clock.now = 7000;
    EXPECT_EQ(apic.read_register(ApicReg::TimerCurrent), 0u);
}

TEST_F(LocalApicTest, PeriodicTimer_DividerAndMissedPeriods) {
    apic.write_register(ApicReg::TimerDivide, 0x01);  // divide by 4
    apic.write_register(ApicReg::LvtTimer, (1u << 17) | 0xd0);
    apic.write_register(ApicReg::TimerInitial, 250);  // 1000 ns period
    EXPECT_EQ(apic.next_deadline_ns(), 1000u);
    apic.advance(1000);
    EXPECT_EQ(apic.acknowledge(), 0xd0);
    eoi();
    EXPECT_EQ(apic.next_deadline_ns(), 2000u);
    apic.advance(4500);  // periods 2, 3 and 4 elapsed: one interrupt
    EXPECT_EQ(apic.acknowledge(), 0xd0);
    EXPECT_EQ(apic.timer_missed(), 2u);
    EXPECT_EQ(apic.next_deadline_ns(), 5000u);
}

TEST_F(LocalApicTest, MaskedTimer_NoDeadlineNoInterrupt) {
    apic.write_register(ApicReg::LvtTimer, apic::kLvtMasked | 0xd0);
    apic.write_register(ApicReg::TimerInitial, 100);
    EXPECT_EQ(apic.next_deadline_ns(), kNoDeadline);
    apic.advance(1'000'000);
    EXPECT_EQ(apic.pending_vector(), -1);
}

TEST_F(LocalApicTest, TscDeadline_FiresAndDisarms) {
    apic.set_tsc_deadline(1234);  // not in TSC-deadline mode: ignored
    EXPECT_EQ(apic.tsc_deadline(), 0u);
    apic.write_register(ApicReg::LvtTimer, (2u << 17) | 0xef);
    clock.now = 100;
    tsc = 200;
    apic.set_tsc_deadline(2200);  // 2000 TSC ticks at 2 GHz = 1000 ns
    EXPECT_EQ(apic.next_deadline_ns(), 1100u);
    tsc = 2199;
    apic.advance(1099);
    EXPECT_EQ(apic.pending_vector(), -1);
    tsc = 2200;
    apic.advance(1100);
    EXPECT_EQ(apic.pending_vector(), 0xef);
    EXPECT_EQ(apic.tsc_deadline(), 0u);
    EXPECT_EQ(apic.next_deadline_ns(), kNoDeadline);
}

TEST_F(LocalApicTest, SelfIpi_AcceptedLocallyWithoutSink) {
    apic.write_register(ApicReg::IcrLow, (1u << 18) | 0x99);  // shorthand self, fixed
    EXPECT_EQ(apic.pending_vector(), 0x99);
    EXPECT_TRUE(sink.msgs.empty());
    EXPECT_EQ(apic.read_register(ApicReg::IcrLow) & (1u << 12), 0u);  // idle
}

TEST_F(LocalApicTest, IcrFixedIpi_SentThroughSinkWithDestination) {
    apic.write_register(ApicReg::IcrHigh, 0x03u << 24);
    apic.write_register(ApicReg::IcrLow, 0x4041);  // fixed, physical, assert
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(sink.msgs[0].dest, 0x03);
    EXPECT_EQ(sink.msgs[0].vector, 0x41);
    EXPECT_EQ(sink.msgs[0].shorthand, Shorthand::None);
}

TEST_F(LocalApicTest, InitDeassert_NotSent) {
    apic.write_register(ApicReg::IcrLow, (3u << 18) | (1u << 15) | 0x500);
    EXPECT_TRUE(sink.msgs.empty());
}

TEST_F(LocalApicTest, VirtualWire_Lint0AcceptsPic) {
    LocalApic vw(LocalApic::Config{.apic_id = 0, .bsp = true, .reset_as = LocalApic::ResetAs::VirtualWire},
                 clock.fn(), [] { return u64{0}; }, nullptr, nullptr);
    EXPECT_TRUE(vw.accepts_pic_interrupts());
    LocalApic cold(LocalApic::Config{}, clock.fn(), [] { return u64{0}; }, nullptr, nullptr);
    EXPECT_FALSE(cold.accepts_pic_interrupts());
    EXPECT_TRUE(cold.set_apic_base(kLocalApicBase));  // global disable: PIC goes direct
    EXPECT_TRUE(cold.accepts_pic_interrupts());
    EXPECT_FALSE(cold.set_apic_base(kLocalApicBase | apic::kBaseEnable | apic::kBaseX2Apic));
}

TEST_F(LocalApicTest, ApicBus_IpiReachesOtherApicNotSender) {
    ApicBus bus;
    LocalApic a(LocalApic::Config{.apic_id = 0}, clock.fn(), [] { return u64{0}; }, &bus, nullptr);
    LocalApic b(LocalApic::Config{.apic_id = 1}, clock.fn(), [] { return u64{0}; }, &bus, nullptr);
    bus.add(a);
    bus.add(b);
    int kicks = 0;
    bus.set_kick([&](LocalApic&) { ++kicks; });
    a.write_register(ApicReg::Svr, apic::kSvrEnable | 0xff);
    b.write_register(ApicReg::Svr, apic::kSvrEnable | 0xff);
    a.write_register(ApicReg::IcrLow, (3u << 18) | 0xf3);  // all excluding self
    EXPECT_EQ(a.pending_vector(), -1);
    EXPECT_EQ(b.pending_vector(), 0xf3);
    EXPECT_EQ(kicks, 1);
    b.write_register(ApicReg::Ldr, 0x02u << 24);  // flat logical ID bit 1
    a.write_register(ApicReg::IcrHigh, 0x02u << 24);
    a.write_register(ApicReg::IcrLow, (1u << 11) | 0x4e4);  // NMI, logical
    EXPECT_TRUE(b.take_nmi());
    EXPECT_FALSE(a.take_nmi());
}

TEST_F(LocalApicTest, Mmio_RegisterAtOffsetTimesSixteen) {
    u8 buf[4];
    store_le<u32>(buf, 0x20);
    apic.write(0x80, buf);  // TPR
    EXPECT_EQ(apic.read_register(ApicReg::Tpr), 0x20u);
    u8 out[4] = {};
    apic.read(0x30, out);
    EXPECT_EQ(load_le<u32>(out), 0x00050014u);
    apic.write(0x81, std::span<const u8>(buf, 2));  // misaligned: ignored
    EXPECT_EQ(apic.guest_errors(), 1u);
}

}  // namespace
}  // namespace flint::soft
