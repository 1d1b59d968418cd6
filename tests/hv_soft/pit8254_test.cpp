#include "hv/soft/pit8254.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace flint::soft {
namespace {

u64 at_tick(u64 tick) { return ticks_to_ns(tick, kPitHz); }

class PitTest : public ::testing::Test {
protected:
    void program(unsigned channel, u8 control, u16 count) {
        pit.write_port(PitPort::Control, control);
        pit.write_port(static_cast<PitPort>(channel), static_cast<u8>(count & 0xff));
        pit.write_port(static_cast<PitPort>(channel), static_cast<u8>(count >> 8));
    }
    u16 read_count(unsigned channel) {
        const u8 lo = pit.read_port(static_cast<PitPort>(channel));
        const u8 hi = pit.read_port(static_cast<PitPort>(channel));
        return static_cast<u16>(lo | (hi << 8));
    }

    test::FakeClock clock;
    test::RecordingLine irq0;
    Pit8254 pit{clock.fn(), irq0};
};

TEST_F(PitTest, Mode2Periodic_OnePulsePerPeriod) {
    program(0, 0x34, 1193);  // counter 0, lo/hi, mode 2: ~1 kHz
    for (u64 ms = 1; ms <= 10; ++ms) {
        clock.now = ms * 1'000'000;
        pit.advance(clock.now);
    }
    EXPECT_EQ(irq0.rising, 10u);
    EXPECT_EQ(pit.irq_pulses(), 10u);
    EXPECT_EQ(pit.missed_ticks(), 0u);
    EXPECT_FALSE(irq0.levels.back());  // the line rests low between pulses
}

TEST_F(PitTest, Mode2_LateAdvanceCoalescesAndCountsMissed) {
    program(0, 0x34, 1193);
    clock.now = at_tick(5 * 1193);
    pit.advance(clock.now);
    EXPECT_EQ(irq0.rising, 1u);
    EXPECT_EQ(pit.missed_ticks(), 4u);
    EXPECT_EQ(pit.next_deadline_ns(), at_tick(6 * 1193));
}

TEST_F(PitTest, Mode3SquareWave_DeadlinesEveryPeriod) {
    program(0, 0x36, 1000);
    EXPECT_EQ(pit.next_deadline_ns(), at_tick(1000));
    pit.advance(at_tick(1000) - 1);
    EXPECT_EQ(irq0.rising, 0u);
    pit.advance(at_tick(1000));
    EXPECT_EQ(irq0.rising, 1u);
    EXPECT_EQ(pit.next_deadline_ns(), at_tick(2000));
    pit.advance(at_tick(2000));
    EXPECT_EQ(irq0.rising, 2u);
}

TEST_F(PitTest, Mode0OneShot_FiresOnceThenNoDeadline) {
    program(0, 0x30, 100);
    EXPECT_EQ(pit.next_deadline_ns(), at_tick(100));
    pit.advance(at_tick(99));
    EXPECT_EQ(irq0.rising, 0u);
    pit.advance(at_tick(100));
    pit.advance(at_tick(100000));
    EXPECT_EQ(irq0.rising, 1u);
    EXPECT_EQ(pit.next_deadline_ns(), kNoDeadline);
}

TEST_F(PitTest, Mode4OneShot_FiresAfterTerminalCount) {
    program(0, 0x38, 50);  // Linux's one-shot clockevent mode
    pit.advance(at_tick(50));
    EXPECT_EQ(irq0.rising, 0u);  // OUT is low for the tick at zero
    pit.advance(at_tick(51));
    EXPECT_EQ(irq0.rising, 1u);
}

TEST_F(PitTest, Unprogrammed_NoDeadline) {
    EXPECT_EQ(pit.next_deadline_ns(), kNoDeadline);
    pit.advance(1'000'000'000);
    EXPECT_EQ(irq0.rising, 0u);
}

TEST_F(PitTest, LatchCommand_FreezesCountUntilRead) {
    program(0, 0x34, 1000);
    clock.now = at_tick(300);
    pit.write_port(PitPort::Control, 0x00);  // latch counter 0
    clock.now = at_tick(600);
    EXPECT_EQ(read_count(0), 700);
    EXPECT_EQ(read_count(0), 400);  // unlatched: live count
}

TEST_F(PitTest, ReadBack_StatusThenCount) {
    program(0, 0x34, 1000);
    clock.now = at_tick(10);
    pit.write_port(PitPort::Control, 0xc2);  // read-back: count and status of counter 0
    EXPECT_EQ(pit.read_port(PitPort::Channel0), 0x80 | 0x34);  // OUT high, mode 2, lo/hi
    EXPECT_EQ(read_count(0), 990);
}

TEST_F(PitTest, ReadBack_NullCountUntilCountWritten) {
    pit.write_port(PitPort::Control, 0x34);
    pit.write_port(PitPort::Control, 0xe2);  // status only
    EXPECT_EQ(pit.read_port(PitPort::Channel0) & 0x40, 0x40);
}

TEST_F(PitTest, LowByteAccess_SingleByteCount) {
    pit.write_port(PitPort::Control, 0x14);  // counter 0, LSB only, mode 2
    pit.write_port(PitPort::Channel0, 200);
    clock.now = at_tick(50);
    EXPECT_EQ(pit.read_port(PitPort::Channel0), 150);
}

TEST_F(PitTest, Port61_Out2FollowsCounter2WithGate) {
    pit.write_port61(0x01);  // gate 2 on, speaker off
    program(2, 0xb0, 100);   // counter 2, lo/hi, mode 0: the TSC calibration setup
    clock.now = at_tick(99);
    EXPECT_EQ(pit.read_port61() & port61::kOut2, 0);
    clock.now = at_tick(100);
    EXPECT_EQ(pit.read_port61() & port61::kOut2, port61::kOut2);
    EXPECT_EQ(pit.read_port61() & port61::kGate2, port61::kGate2);
}

TEST_F(PitTest, Port61_GateLowStopsCounter2) {
    program(2, 0xb0, 100);  // gate still low
    clock.now = at_tick(500);
    EXPECT_EQ(pit.read_port61() & port61::kOut2, 0);
    pit.write_port61(0x01);
    clock.now = at_tick(599);
    EXPECT_EQ(pit.read_port61() & port61::kOut2, 0);
    clock.now = at_tick(600);
    EXPECT_NE(pit.read_port61() & port61::kOut2, 0);
}

TEST_F(PitTest, Port61_RefreshBitToggles) {
    clock.now = 0;
    const u8 a = pit.read_port61() & port61::kRefreshToggle;
    clock.now = port61::kRefreshPeriodNs;
    const u8 b = pit.read_port61() & port61::kRefreshToggle;
    EXPECT_NE(a, b);
}

TEST_F(PitTest, BcdRequest_CountedNotFatal) {
    program(0, 0x35, 0x1000);
    EXPECT_EQ(pit.guest_errors(), 1u);
}

TEST_F(PitTest, SaveRestore_RoundTripsCounterState) {
    program(0, 0x34, 1000);
    const PitState saved = pit.save();
    test::RecordingLine other_irq;
    Pit8254 other(clock.fn(), other_irq);
    other.restore(saved);
    EXPECT_EQ(other.next_deadline_ns(), at_tick(1000));
}

}  // namespace
}  // namespace flint::soft
