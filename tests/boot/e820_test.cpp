#include "boot/e820.h"

#include <cstring>

#include <gtest/gtest.h>

#include "boot/layout.h"
#include "fake_bzimage.h"

namespace flint::boot {
namespace {

struct Expected {
    u64 addr;
    u64 size;
    E820Type type;
};

void expect_map(const std::vector<E820Entry>& map, const std::vector<Expected>& want) {
    ASSERT_EQ(map.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const E820Entry e = map[i];
        EXPECT_EQ(test::val(e.addr), want[i].addr) << "entry " << i;
        EXPECT_EQ(test::val(e.size), want[i].size) << "entry " << i;
        EXPECT_EQ(test::val(e.type), want[i].type) << "entry " << i;
    }
}

TEST(E820, Guest64MiB_HasConventionalHoleAndHighRam) {
    auto mem = GuestMemory::create(64 * MiB);
    ASSERT_TRUE(mem) << mem.error().message();
    expect_map(build_e820_map(mem->regions()), {
                                                   {0, 0x9fc00, E820Type::kRam},
                                                   {0x9fc00, 0x100000 - 0x9fc00, E820Type::kReserved},
                                                   {0x100000, 63 * MiB, E820Type::kRam},
                                               });
}

TEST(E820, GuestAbove3GiB_AddsRegionAbove4GiB) {
    auto mem = GuestMemory::create(3 * GiB + 512 * MiB);
    ASSERT_TRUE(mem) << mem.error().message();
    expect_map(build_e820_map(mem->regions()), {
                                                   {0, 0x9fc00, E820Type::kRam},
                                                   {0x9fc00, 0x100000 - 0x9fc00, E820Type::kReserved},
                                                   {0x100000, 3 * GiB - MiB, E820Type::kRam},
                                                   {4 * GiB, 512 * MiB, E820Type::kRam},
                                               });
}

TEST(E820, OneMiBGuest_HasNoRamAboveOneMiB) {
    auto mem = GuestMemory::create(MiB);
    ASSERT_TRUE(mem) << mem.error().message();
    expect_map(build_e820_map(mem->regions()), {
                                                   {0, 0x9fc00, E820Type::kRam},
                                                   {0x9fc00, 0x100000 - 0x9fc00, E820Type::kReserved},
                                               });
}

TEST(E820, Store_FillsZeroPageTable) {
    BootParams zp{};
    const std::vector<E820Entry> map = {{0, 0x9fc00, E820Type::kRam}, {4 * GiB, GiB, E820Type::kRam}};
    ASSERT_TRUE(store_e820_map(zp, map));
    EXPECT_EQ(test::val(zp.e820_entries), 2);
    const E820Entry second = zp.e820_table[1];
    EXPECT_EQ(test::val(second.addr), 4 * GiB);
    EXPECT_EQ(test::val(second.size), GiB);
    // The raw bytes sit where the kernel reads them: the table at 0x2d0, 20 bytes each.
    const auto* raw = reinterpret_cast<const u8*>(&zp);
    u64 addr = 0;
    std::memcpy(&addr, raw + 0x2d0 + 20, sizeof(addr));
    EXPECT_EQ(addr, 4 * GiB);
    EXPECT_EQ(raw[0x1e8], 2);
}

TEST(E820, MoreThan128Entries_IsAnError) {
    BootParams zp{};
    const std::vector<E820Entry> map(kE820MaxEntries + 1, E820Entry{0, 4096, E820Type::kRam});
    auto r = store_e820_map(zp, map);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("129 entries"), std::string::npos);
    EXPECT_EQ(test::val(zp.e820_entries), 0);
}

}  // namespace
}  // namespace flint::boot
