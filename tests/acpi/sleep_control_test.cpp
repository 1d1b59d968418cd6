#include "acpi/sleep_control.h"

#include <array>

#include <gtest/gtest.h>

#include "acpi/config.h"

namespace flint::acpi {
namespace {

class SleepControlTest : public ::testing::Test {
protected:
    void write_u8(u64 offset, u8 value) {
        const std::array<u8, 1> data{value};
        m_dev.write(offset, data);
    }
    static u8 sleep_value(u8 type, bool enable) {
        return static_cast<u8>((type << SleepControl::kSlpTypShift) |
                               (enable ? SleepControl::kSlpEn : 0));
    }

    int m_poweroffs = 0;
    int m_resets = 0;
    SleepControl m_dev{[this] { ++m_poweroffs; }, [this] { ++m_resets; }};
};

TEST_F(SleepControlTest, SlpEnWithS5_CallsPoweroff) {
    write_u8(kSleepControlOffset, sleep_value(kSleepTypeS5, true));
    EXPECT_EQ(m_poweroffs, 1);
    EXPECT_EQ(m_resets, 0);
    EXPECT_EQ(m_dev.ignored_writes(), 0u);
}

TEST_F(SleepControlTest, S5WithoutSlpEn_IsIgnoredAndCounted) {
    write_u8(kSleepControlOffset, sleep_value(kSleepTypeS5, false));
    EXPECT_EQ(m_poweroffs, 0);
    EXPECT_EQ(m_dev.ignored_writes(), 1u);
}

TEST_F(SleepControlTest, SlpEnWithOtherSleepTypes_IsIgnored) {
    for (u8 type = 0; type < 8; ++type) {
        if (type == kSleepTypeS5) continue;
        write_u8(kSleepControlOffset, sleep_value(type, true));
    }
    EXPECT_EQ(m_poweroffs, 0);
    EXPECT_EQ(m_dev.ignored_writes(), 7u);
}

TEST_F(SleepControlTest, S5WithOtherBitsSet_StillPowersOff) {
    // Bits 0-1 and 6-7 are reserved/other fields; only SLP_TYP and SLP_EN decide.
    write_u8(kSleepControlOffset, static_cast<u8>(sleep_value(kSleepTypeS5, true) | 0x80));
    EXPECT_EQ(m_poweroffs, 1);
}

TEST_F(SleepControlTest, S5AtStatusOrResetRegister_DoesNotPowerOff) {
    write_u8(kSleepStatusOffset, sleep_value(kSleepTypeS5, true));
    write_u8(kResetOffset, sleep_value(kSleepTypeS5, true));
    EXPECT_EQ(m_poweroffs, 0);
    EXPECT_EQ(m_resets, 0);
}

TEST_F(SleepControlTest, WideWrite_IsIgnored) {
    const std::array<u8, 2> data{sleep_value(kSleepTypeS5, true), 0};
    m_dev.write(kSleepControlOffset, data);
    EXPECT_EQ(m_poweroffs, 0);
    EXPECT_EQ(m_dev.ignored_writes(), 1u);
}

TEST_F(SleepControlTest, ResetValue_CallsReset) {
    write_u8(kResetOffset, kResetValue);
    EXPECT_EQ(m_resets, 1);
    EXPECT_EQ(m_poweroffs, 0);
}

TEST_F(SleepControlTest, OtherResetValue_IsIgnoredAndCounted) {
    write_u8(kResetOffset, 0x06);
    write_u8(kResetOffset, 0x00);
    EXPECT_EQ(m_resets, 0);
    EXPECT_EQ(m_dev.ignored_writes(), 2u);
}

TEST_F(SleepControlTest, WakeStatusClear_IsAcceptedSilently) {
    write_u8(kSleepStatusOffset, 0x80);  // WAK_STS, as Linux writes before sleeping
    EXPECT_EQ(m_dev.ignored_writes(), 0u);
    EXPECT_EQ(m_poweroffs + m_resets, 0);
}

TEST_F(SleepControlTest, WriteOutsideBlock_IsIgnored) {
    write_u8(kPmPortCount, kResetValue);
    EXPECT_EQ(m_resets, 0);
    EXPECT_EQ(m_dev.ignored_writes(), 1u);
}

TEST_F(SleepControlTest, Reads_ReturnZero) {
    for (u64 offset = 0; offset < kPmPortCount; ++offset) {
        std::array<u8, 1> data{0xff};
        m_dev.read(offset, data);
        EXPECT_EQ(data[0], 0) << offset;
    }
}

TEST(SleepControl, NoHandlers_DoesNotCrash) {
    SleepControl dev{nullptr, nullptr};
    const std::array<u8, 1> off{static_cast<u8>((kSleepTypeS5 << SleepControl::kSlpTypShift) |
                                                SleepControl::kSlpEn)};
    dev.write(kSleepControlOffset, off);
    const std::array<u8, 1> reset{kResetValue};
    dev.write(kResetOffset, reset);
    EXPECT_EQ(dev.ignored_writes(), 0u);
}

}  // namespace
}  // namespace flint::acpi
