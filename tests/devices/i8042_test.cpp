#include "devices/legacy/i8042.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

using Port = I8042::Port;

constexpr u8 kStatusOutputFull = 0x01;
constexpr u8 kStatusAuxData = 0x20;

class I8042Test : public ::testing::Test {
protected:
    int resets = 0;
    I8042 kbc{[this] { ++resets; }};
};

TEST_F(I8042Test, ResetCommand_CallsOnReset) {
    kbc.write(Port::Command, 0xfe);
    EXPECT_EQ(resets, 1);
}

TEST_F(I8042Test, PulseWithoutResetBit_DoesNotReset) {
    kbc.write(Port::Command, 0xff);  // pulses no line
    EXPECT_EQ(resets, 0);
}

TEST_F(I8042Test, SelfTest_Returns55WithOutputFull) {
    EXPECT_EQ(kbc.read(Port::Command) & kStatusOutputFull, 0);
    kbc.write(Port::Command, 0xaa);
    EXPECT_EQ(kbc.read(Port::Command) & kStatusOutputFull, kStatusOutputFull);
    EXPECT_EQ(kbc.read(Port::Data), 0x55);
    EXPECT_EQ(kbc.read(Port::Command) & kStatusOutputFull, 0);
}

TEST_F(I8042Test, InterfaceTests_ReturnZero) {
    kbc.write(Port::Command, 0xab);
    EXPECT_EQ(kbc.read(Port::Data), 0x00);
    kbc.write(Port::Command, 0xa9);
    EXPECT_EQ(kbc.read(Port::Command) & kStatusOutputFull, kStatusOutputFull);
    EXPECT_EQ(kbc.read(Port::Data), 0x00);
}

TEST_F(I8042Test, ConfigByte_WriteThenReadBack) {
    kbc.write(Port::Command, 0x60);
    kbc.write(Port::Data, 0x34);
    EXPECT_EQ(kbc.config(), 0x34);
    kbc.write(Port::Command, 0x20);
    EXPECT_EQ(kbc.read(Port::Data), 0x34);
}

TEST_F(I8042Test, PortEnableCommands_ToggleConfigBits) {
    kbc.write(Port::Command, 0xa7);
    EXPECT_EQ(kbc.config() & 0x20, 0x20);
    kbc.write(Port::Command, 0xa8);
    EXPECT_EQ(kbc.config() & 0x20, 0);
    kbc.write(Port::Command, 0xad);
    EXPECT_EQ(kbc.config() & 0x10, 0x10);
    kbc.write(Port::Command, 0xae);
    EXPECT_EQ(kbc.config() & 0x10, 0);
}

TEST_F(I8042Test, WriteOutputPort_ResetBitClearResets) {
    kbc.write(Port::Command, 0xd1);
    kbc.write(Port::Data, 0x03);  // reset line held high: no reset
    EXPECT_EQ(resets, 0);
    kbc.write(Port::Command, 0xd1);
    kbc.write(Port::Data, 0x02);
    EXPECT_EQ(resets, 1);
}

TEST_F(I8042Test, AuxLoopback_EchoesWithAuxStatus) {
    kbc.write(Port::Command, 0xd3);
    kbc.write(Port::Data, 0x5a);
    EXPECT_EQ(kbc.read(Port::Command) & (kStatusOutputFull | kStatusAuxData),
              kStatusOutputFull | kStatusAuxData);
    EXPECT_EQ(kbc.read(Port::Data), 0x5a);
}

TEST_F(I8042Test, KeyboardByteWithoutKeyboard_IgnoredAndCounted) {
    kbc.write(Port::Data, 0xff);
    EXPECT_EQ(kbc.ignored_writes(), 1u);
    EXPECT_EQ(kbc.read(Port::Command) & kStatusOutputFull, 0);
}

TEST(I8042PortDevice, TwoOneByteMappings_LeavePort61Unclaimed) {
    int resets = 0;
    auto kbc = std::make_shared<I8042>([&] { ++resets; });
    Bus bus("pio");
    ASSERT_TRUE(bus.insert(std::make_shared<I8042PortDevice>(kbc, Port::Data), 0x60, 1));
    ASSERT_TRUE(bus.insert(std::make_shared<I8042PortDevice>(kbc, Port::Command), 0x64, 1));
    const u8 cmd = 0xaa;
    EXPECT_TRUE(bus.write(0x64, std::span<const u8>(&cmd, 1)));
    u8 v = 0;
    EXPECT_FALSE(bus.read(0x61, std::span<u8>(&v, 1)));
    EXPECT_TRUE(bus.read(0x60, std::span<u8>(&v, 1)));
    EXPECT_EQ(v, 0x55);
    const u8 reset = 0xfe;
    EXPECT_TRUE(bus.write(0x64, std::span<const u8>(&reset, 1)));
    EXPECT_EQ(resets, 1);
}

}  // namespace
}  // namespace flint
