#include "devices/bus.h"

#include <gtest/gtest.h>

#include <vector>

namespace flint {
namespace {

// Records the last access; reads return offset + index so dispatch is visible.
class RecordingDevice final : public BusDevice {
public:
    void read(u64 offset, std::span<u8> data) override {
        ++reads;
        last_offset = offset;
        last_size = data.size();
        for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<u8>(offset + i);
    }
    void write(u64 offset, std::span<const u8> data) override {
        ++writes;
        last_offset = offset;
        last_size = data.size();
        written.assign(data.begin(), data.end());
    }

    int reads = 0;
    int writes = 0;
    u64 last_offset = ~u64{0};
    std::size_t last_size = 0;
    std::vector<u8> written;
};

TEST(Bus, Insert_OverlappingRangesRejected) {
    Bus bus("pio");
    ASSERT_TRUE(bus.insert(std::make_shared<RecordingDevice>(), 0x100, 8));
    EXPECT_FALSE(bus.insert(std::make_shared<RecordingDevice>(), 0x104, 8));
    EXPECT_FALSE(bus.insert(std::make_shared<RecordingDevice>(), 0xf8, 9));
    EXPECT_FALSE(bus.insert(std::make_shared<RecordingDevice>(), 0x107, 1));
    EXPECT_FALSE(bus.insert(std::make_shared<RecordingDevice>(), 0x0, 0x1000));
    // Adjacent ranges on both sides are fine.
    EXPECT_TRUE(bus.insert(std::make_shared<RecordingDevice>(), 0x108, 8));
    EXPECT_TRUE(bus.insert(std::make_shared<RecordingDevice>(), 0xf8, 8));
}

TEST(Bus, Insert_OverlapErrorNamesBothRanges) {
    Bus bus("pio");
    ASSERT_TRUE(bus.insert(std::make_shared<RecordingDevice>(), 0x3f8, 8));
    auto r = bus.insert(std::make_shared<RecordingDevice>(), 0x3fc, 4);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("overlaps"), std::string::npos);
    EXPECT_NE(r.error().message().find("0x3f8"), std::string::npos);
}

TEST(Bus, Insert_ZeroLengthRejected) {
    Bus bus("pio");
    EXPECT_FALSE(bus.insert(std::make_shared<RecordingDevice>(), 0x60, 0));
}

TEST(Bus, Insert_WrapAroundRejected) {
    Bus bus("mmio");
    EXPECT_FALSE(bus.insert(std::make_shared<RecordingDevice>(), ~u64{0} - 3, 8));
}

TEST(Bus, Insert_RangeEndingAtTopOfAddressSpaceAccepted) {
    Bus bus("mmio");
    auto dev = std::make_shared<RecordingDevice>();
    ASSERT_TRUE(bus.insert(dev, ~u64{0} - 0xfff, 0x1000));
    u8 b = 0;
    EXPECT_TRUE(bus.read(~u64{0}, std::span<u8>(&b, 1)));
    EXPECT_EQ(dev->last_offset, 0xfffu);
}

TEST(Bus, Insert_NullDeviceRejected) {
    Bus bus("pio");
    EXPECT_FALSE(bus.insert(nullptr, 0x60, 1));
}

TEST(Bus, Read_DispatchesOffsetWithinRange) {
    Bus bus("pio");
    auto a = std::make_shared<RecordingDevice>();
    auto b = std::make_shared<RecordingDevice>();
    ASSERT_TRUE(bus.insert(a, 0x60, 1));
    ASSERT_TRUE(bus.insert(b, 0x3f8, 8));
    u8 data[2] = {};
    EXPECT_TRUE(bus.read(0x3fd, std::span<u8>(data, 1)));
    EXPECT_EQ(b->last_offset, 5u);
    EXPECT_EQ(data[0], 5);
    EXPECT_EQ(a->reads, 0);
    EXPECT_TRUE(bus.read(0x3fe, std::span<u8>(data, 2)));
    EXPECT_EQ(b->last_size, 2u);
    EXPECT_EQ(data[1], 7);
}

TEST(Bus, Write_DispatchesOffsetAndData) {
    Bus bus("pio");
    auto dev = std::make_shared<RecordingDevice>();
    ASSERT_TRUE(bus.insert(dev, 0x70, 2));
    const u8 data[1] = {0x8a};
    EXPECT_TRUE(bus.write(0x71, data));
    EXPECT_EQ(dev->last_offset, 1u);
    ASSERT_EQ(dev->written.size(), 1u);
    EXPECT_EQ(dev->written[0], 0x8a);
}

TEST(Bus, Read_UnclaimedAddressFillsOnesAndReturnsFalse) {
    Bus bus("pio");
    ASSERT_TRUE(bus.insert(std::make_shared<RecordingDevice>(), 0x60, 1));
    u8 data[4] = {1, 2, 3, 4};
    EXPECT_FALSE(bus.read(0x61, data));
    for (u8 b : data) EXPECT_EQ(b, 0xff);
}

TEST(Bus, Write_UnclaimedAddressReturnsFalse) {
    Bus bus("pio");
    const u8 data[1] = {0};
    EXPECT_FALSE(bus.write(0x80, data));
}

TEST(Bus, Access_StraddlingRangeBoundaryIsUnclaimed) {
    Bus bus("pio");
    auto dev = std::make_shared<RecordingDevice>();
    ASSERT_TRUE(bus.insert(dev, 0x100, 8));
    u8 data[4] = {};
    EXPECT_FALSE(bus.read(0x106, std::span<u8>(data, 4)));  // runs past the end
    EXPECT_FALSE(bus.read(0xfe, std::span<u8>(data, 4)));   // starts before the range
    EXPECT_EQ(dev->reads, 0);
    // The first and last byte are claimed; the byte after is not.
    EXPECT_TRUE(bus.read(0x100, std::span<u8>(data, 1)));
    EXPECT_EQ(dev->last_offset, 0u);
    EXPECT_TRUE(bus.read(0x104, std::span<u8>(data, 4)));
    EXPECT_EQ(dev->last_offset, 4u);
    EXPECT_TRUE(bus.read(0x107, std::span<u8>(data, 1)));
    EXPECT_EQ(dev->last_offset, 7u);
    EXPECT_FALSE(bus.read(0x108, std::span<u8>(data, 1)));
    EXPECT_EQ(dev->reads, 3);
}

}  // namespace
}  // namespace flint
