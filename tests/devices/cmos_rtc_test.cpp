#include "devices/legacy/cmos_rtc.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

constexpr u8 kBinary = 0x04;
constexpr u8 k24Hour = 0x02;
constexpr u8 kSet = 0x80;

std::time_t utc(int year, int mon, int mday, int hour, int min, int sec) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = mday;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    return timegm(&tm);
}

class CmosRtcTest : public ::testing::Test {
protected:
    u8 get(CmosReg reg) { return get(static_cast<u8>(reg)); }
    u8 get(u8 index) {
        rtc.write(0, std::span<const u8>(&index, 1));
        u8 v = 0;
        rtc.read(1, std::span<u8>(&v, 1));
        return v;
    }
    void set(CmosReg reg, u8 v) { set(static_cast<u8>(reg), v); }
    void set(u8 index, u8 v) {
        rtc.write(0, std::span<const u8>(&index, 1));
        rtc.write(1, std::span<const u8>(&v, 1));
    }

    // Thursday, 29 February 2024, 13:45:56 UTC.
    std::time_t now = utc(2024, 2, 29, 13, 45, 56);
    CmosRtc rtc{[this] { return now; }};
};

TEST_F(CmosRtcTest, DefaultBcd24Hour_ReadsTimeFields) {
    EXPECT_EQ(get(CmosReg::StatusB), k24Hour);
    EXPECT_EQ(get(CmosReg::Seconds), 0x56);
    EXPECT_EQ(get(CmosReg::Minutes), 0x45);
    EXPECT_EQ(get(CmosReg::Hours), 0x13);
    EXPECT_EQ(get(CmosReg::DayOfWeek), 0x05);  // Sunday is 1
    EXPECT_EQ(get(CmosReg::DayOfMonth), 0x29);
    EXPECT_EQ(get(CmosReg::Month), 0x02);
    EXPECT_EQ(get(CmosReg::Year), 0x24);
    EXPECT_EQ(get(CmosReg::Century), 0x20);
}

TEST_F(CmosRtcTest, BinaryMode_ReadsPlainNumbers) {
    set(CmosReg::StatusB, k24Hour | kBinary);
    EXPECT_EQ(get(CmosReg::Seconds), 56);
    EXPECT_EQ(get(CmosReg::Minutes), 45);
    EXPECT_EQ(get(CmosReg::Hours), 13);
    EXPECT_EQ(get(CmosReg::DayOfMonth), 29);
    EXPECT_EQ(get(CmosReg::Year), 24);
    EXPECT_EQ(get(CmosReg::Century), 20);
}

TEST_F(CmosRtcTest, TwelveHourMode_SetsPmBit) {
    set(CmosReg::StatusB, 0);  // 12-hour, BCD
    EXPECT_EQ(get(CmosReg::Hours), 0x81);  // 1 PM
    now = utc(2024, 2, 29, 0, 5, 0);
    EXPECT_EQ(get(CmosReg::Hours), 0x12);  // 12 AM
    now = utc(2024, 2, 29, 12, 5, 0);
    EXPECT_EQ(get(CmosReg::Hours), 0x92);  // 12 PM
    set(CmosReg::StatusB, kBinary);
    now = utc(2024, 2, 29, 23, 5, 0);
    EXPECT_EQ(get(CmosReg::Hours), 0x80 | 11);
}

TEST_F(CmosRtcTest, Century_FollowsClock) {
    now = utc(2101, 1, 1, 0, 0, 0);
    EXPECT_EQ(get(CmosReg::Century), 0x21);
    EXPECT_EQ(get(CmosReg::Year), 0x01);
}

TEST_F(CmosRtcTest, GuestSetsTimeUnderSetBit_LaterReadsAdvanceFromIt) {
    set(CmosReg::StatusB, k24Hour | kSet);
    set(CmosReg::Seconds, 0x05);
    set(CmosReg::Minutes, 0x04);
    set(CmosReg::Hours, 0x03);
    set(CmosReg::DayOfMonth, 0x31);  // not valid in February: staged, checked on commit
    set(CmosReg::Month, 0x01);
    set(CmosReg::Year, 0x30);
    set(CmosReg::Century, 0x20);
    EXPECT_EQ(get(CmosReg::Seconds), 0x05);  // frozen while SET is on
    now += 100;
    EXPECT_EQ(get(CmosReg::Seconds), 0x05);
    set(CmosReg::StatusB, k24Hour);
    now += 10;
    EXPECT_EQ(get(CmosReg::Seconds), 0x15);
    EXPECT_EQ(get(CmosReg::Minutes), 0x04);
    EXPECT_EQ(get(CmosReg::Hours), 0x03);
    EXPECT_EQ(get(CmosReg::DayOfMonth), 0x31);
    EXPECT_EQ(get(CmosReg::Month), 0x01);
    EXPECT_EQ(get(CmosReg::Year), 0x30);
    EXPECT_EQ(get(CmosReg::DayOfWeek), 0x05);  // 31 January 2030 is a Thursday
}

TEST_F(CmosRtcTest, GuestWriteWithoutSetBit_AppliesAtOnce) {
    set(CmosReg::Minutes, 0x10);
    EXPECT_EQ(get(CmosReg::Minutes), 0x10);
    EXPECT_EQ(get(CmosReg::Hours), 0x13);
    now += 60;
    EXPECT_EQ(get(CmosReg::Minutes), 0x11);
}

TEST_F(CmosRtcTest, TwelveHourWrite_PmBitDecoded) {
    set(CmosReg::StatusB, 0);
    set(CmosReg::Hours, 0x80 | 0x07);  // 7 PM
    set(CmosReg::StatusB, k24Hour);
    EXPECT_EQ(get(CmosReg::Hours), 0x19);
}

TEST_F(CmosRtcTest, InvalidBcdWrite_IgnoredAndCounted) {
    set(CmosReg::Minutes, 0x7a);
    set(CmosReg::Month, 0x13);
    EXPECT_EQ(get(CmosReg::Minutes), 0x45);
    EXPECT_EQ(get(CmosReg::Month), 0x02);
    EXPECT_EQ(rtc.rejected_writes(), 2u);
}

TEST_F(CmosRtcTest, StatusA_UpdateInProgressReadsZeroDividerWritable) {
    EXPECT_EQ(get(CmosReg::StatusA), 0x26);
    set(CmosReg::StatusA, 0xa6);
    EXPECT_EQ(get(CmosReg::StatusA), 0x26);
    set(CmosReg::StatusA, 0x20);
    EXPECT_EQ(get(CmosReg::StatusA), 0x20);
}

TEST_F(CmosRtcTest, StatusC_ClearedByRead) {
    rtc.set_ram(0x0c, 0x90);
    EXPECT_EQ(get(CmosReg::StatusC), 0x90);
    EXPECT_EQ(get(CmosReg::StatusC), 0x00);
}

TEST_F(CmosRtcTest, StatusD_ReportsValidAndIgnoresWrites) {
    set(CmosReg::StatusD, 0x00);
    EXPECT_EQ(get(CmosReg::StatusD), 0x80);
}

TEST_F(CmosRtcTest, Ram_RoundTripsWithIndexMasked) {
    set(0x40, 0x5a);
    EXPECT_EQ(get(0x40), 0x5a);
    EXPECT_EQ(rtc.nmi_mask(), CmosRtc::NmiMask::Enabled);
    EXPECT_EQ(get(0xc0), 0x5a);  // bit 7 masks NMIs, it does not select a register
    EXPECT_EQ(rtc.nmi_mask(), CmosRtc::NmiMask::Masked);
}

TEST_F(CmosRtcTest, IndexPort_ReadsAllOnes) {
    u8 v = 0;
    rtc.read(0, std::span<u8>(&v, 1));
    EXPECT_EQ(v, 0xff);
}

TEST_F(CmosRtcTest, WordWrite_SetsIndexThenData) {
    const u8 pair[2] = {0x41, 0x77};
    rtc.write(0, pair);
    EXPECT_EQ(get(0x41), 0x77);
}

}  // namespace
}  // namespace flint
