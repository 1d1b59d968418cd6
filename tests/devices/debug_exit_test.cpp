#include "devices/legacy/debug_exit.h"

#include <gtest/gtest.h>

#include <vector>

namespace flint {
namespace {

class DebugExitTest : public ::testing::Test {
protected:
    std::vector<u32> values;
    DebugExit dev{[this](u32 v) { values.push_back(v); }};
};

TEST_F(DebugExitTest, ByteWrite_ReportsValue) {
    const u8 v = 0x10;
    dev.write(0, std::span<const u8>(&v, 1));
    EXPECT_EQ(values, (std::vector<u32>{0x10}));
}

TEST_F(DebugExitTest, DwordWrite_ReportsLittleEndianValue) {
    const u8 v[4] = {0x78, 0x56, 0x34, 0x12};
    dev.write(0, v);
    EXPECT_EQ(values, (std::vector<u32>{0x12345678}));
}

TEST_F(DebugExitTest, WriteAtOtherOffset_Ignored) {
    const u8 v = 1;
    dev.write(2, std::span<const u8>(&v, 1));
    EXPECT_TRUE(values.empty());
}

TEST_F(DebugExitTest, Read_ReturnsAllOnes) {
    u8 v[2] = {};
    dev.read(0, v);
    EXPECT_EQ(v[0], 0xff);
    EXPECT_EQ(v[1], 0xff);
    EXPECT_TRUE(values.empty());
}

TEST(DebugExit, ExitStatus_ShiftsAndSetsLowBit) {
    EXPECT_EQ(DebugExit::exit_status(0), 1u);
    EXPECT_EQ(DebugExit::exit_status(0x10), 0x21u);
}

}  // namespace
}  // namespace flint
