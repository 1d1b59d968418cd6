#include <gtest/gtest.h>

#include <array>
#include <limits>

#include "memory/guest_memory.h"

namespace flint {
namespace {

TEST(GuestMemory, SmallGuest_OneRegionFromZero) {
    auto mem = GuestMemory::create(64 * MiB);
    ASSERT_TRUE(mem) << mem.error().message();
    ASSERT_EQ(mem->regions().size(), 1u);
    EXPECT_EQ(mem->regions()[0].gpa, 0u);
    EXPECT_EQ(mem->regions()[0].size, 64 * MiB);
}

TEST(GuestMemory, LargeGuest_SplitAroundMmioHole) {
    auto mem = GuestMemory::create(3 * GiB + 512 * MiB);
    ASSERT_TRUE(mem) << mem.error().message();
    ASSERT_EQ(mem->regions().size(), 2u);
    EXPECT_EQ(mem->regions()[0].size, kMmioHoleStart);
    EXPECT_EQ(mem->regions()[1].gpa, kMmioHoleEnd);
    EXPECT_EQ(mem->regions()[1].size, 512 * MiB);
    EXPECT_EQ(mem->host_ptr(kMmioHoleStart, 1), nullptr);
    EXPECT_NE(mem->host_ptr(kMmioHoleEnd, 4096), nullptr);
}

TEST(GuestMemory, BadSizes_Rejected) {
    EXPECT_FALSE(GuestMemory::create(0));
    EXPECT_FALSE(GuestMemory::create(MiB + 1));
}

TEST(GuestMemory, ReadWrite_RoundTrip) {
    auto mem = GuestMemory::create(2 * MiB);
    ASSERT_TRUE(mem);
    std::array<u8, 4> in{1, 2, 3, 4}, out{};
    ASSERT_TRUE(mem->write(0x1000, in));
    ASSERT_TRUE(mem->read(0x1000, out));
    EXPECT_EQ(in, out);
}

TEST(GuestMemory, OutOfRangeAccess_RefusedWithoutOverflow) {
    auto mem = GuestMemory::create(2 * MiB);
    ASSERT_TRUE(mem);
    std::array<u8, 8> buf{};
    EXPECT_FALSE(mem->read(2 * MiB - 4, buf));  // straddles the end
    EXPECT_FALSE(mem->write(2 * MiB, buf));
    constexpr u64 max = std::numeric_limits<u64>::max();
    EXPECT_EQ(mem->host_ptr(max - 2, 8), nullptr);  // gpa + len wraps
    EXPECT_EQ(mem->host_ptr(0, max), nullptr);
    EXPECT_NE(mem->host_ptr(2 * MiB - 8, 8), nullptr);
}

}  // namespace
}  // namespace flint
