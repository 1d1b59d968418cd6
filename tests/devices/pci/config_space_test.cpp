#include "devices/pci/config_space.h"

#include <gtest/gtest.h>

#include "base/bits.h"

namespace flint::pci {
namespace {

u32 rd32(const ConfigSpace& c, u32 offset) {
    u8 b[4];
    EXPECT_TRUE(c.read(offset, b));
    return load_le<u32>(b);
}

void wr32(ConfigSpace& c, u32 offset, u32 v) {
    u8 b[4];
    store_le<u32>(b, v);
    c.write(offset, b);
}

ConfigSpace make() {
    return ConfigSpace(Identity{.vendor = 0x1af4, .device = 0x1042, .revision = 1, .class_code = 0x018000});
}

TEST(PciConfigSpace, Header_IdentityAndClass) {
    ConfigSpace c = make();
    EXPECT_EQ(rd32(c, 0x00), 0x10421af4u);
    EXPECT_EQ(rd32(c, 0x08), 0x01800001u);  // class 01/80/00, revision 1
    EXPECT_EQ(rd32(c, 0x3c) >> 8 & 0xff, 0u);  // no interrupt pin
}

TEST(PciConfigSpace, ReadOnlyFields_IgnoreWrites) {
    ConfigSpace c = make();
    wr32(c, 0x00, 0xdeadbeef);
    wr32(c, 0x08, 0);
    EXPECT_EQ(rd32(c, 0x00), 0x10421af4u);
    EXPECT_EQ(rd32(c, 0x08), 0x01800001u);
    wr32(c, 0x3c, 0xffffffff);  // only the interrupt line is the OS's scratch byte
    EXPECT_EQ(rd32(c, 0x3c), 0xffu);
}

TEST(PciConfigSpace, Bar64Sizing_AllOnesReadsSizeMask) {
    ConfigSpace c = make();
    c.add_memory_bar(0, 0x8000, BarKind::Memory64);
    EXPECT_EQ(rd32(c, 0x10), bar_bits::kType64);
    wr32(c, 0x10, 0xffffffff);
    wr32(c, 0x14, 0xffffffff);
    EXPECT_EQ(rd32(c, 0x10), 0xffff8000u | bar_bits::kType64);
    EXPECT_EQ(rd32(c, 0x14), 0xffffffffu);
    // Writes drop the address bits below the size: the BAR stays naturally aligned.
    wr32(c, 0x10, 0xc0001234);
    wr32(c, 0x14, 0);
    EXPECT_EQ(rd32(c, 0x10), 0xc0000000u | bar_bits::kType64);
}

TEST(PciConfigSpace, DecodedBars_OnlyWithMemoryEnabledAndNonZero) {
    ConfigSpace c = make();
    c.add_memory_bar(0, 0x1000, BarKind::Memory64);
    wr32(c, 0x10, 0xc0010000);
    wr32(c, 0x14, 0x1);
    EXPECT_TRUE(c.decoded_bars().empty());
    wr32(c, 0x04, command::kMemorySpace);
    const auto bars = c.decoded_bars();
    ASSERT_EQ(bars.size(), 1u);
    EXPECT_EQ(bars[0].address, 0x1c0010000u);
    EXPECT_EQ(bars[0].size, 0x1000u);
    wr32(c, 0x10, 0);
    wr32(c, 0x14, 0);
    EXPECT_TRUE(c.decoded_bars().empty());
}

TEST(PciConfigSpace, Capabilities_ChainWalksToEnd) {
    ConfigSpace c = make();
    const u8 a[4] = {1, 2, 3, 4};
    const u8 b[10] = {};
    const u8 first = c.add_capability(0x09, a);
    const u8 second = c.add_capability(0x11, b);
    EXPECT_TRUE(rd32(c, 0x04) >> 16 & kStatusCapabilityList);
    u32 at = rd32(c, 0x34) & 0xff;
    std::vector<u8> ids;
    for (int guard = 0; at && guard < 48; ++guard) {
        EXPECT_EQ(at % 4, 0u);
        const u32 header = rd32(c, at);
        ids.push_back(static_cast<u8>(header));
        at = header >> 8 & 0xff;
    }
    EXPECT_EQ(ids, (std::vector<u8>{0x09, 0x11}));
    EXPECT_EQ(first, kCapabilitiesStart);
    EXPECT_EQ(second, kCapabilitiesStart + 8);
}

TEST(PciConfigSpace, HostileAccesses_RefusedWithoutEffect) {
    ConfigSpace c = make();
    u8 b[4] = {0, 0, 0, 0};
    EXPECT_FALSE(c.read(0xfe, b));  // runs past 256
    EXPECT_EQ(load_le<u32>(b), 0xffffffffu);
    EXPECT_FALSE(c.read(0x01, std::span<u8>(b, 2)));  // misaligned
    EXPECT_FALSE(c.write(0x102, std::span<const u8>(b, 2)));
    u8 three[3] = {};
    EXPECT_FALSE(c.read(0x10, three));
}

}  // namespace
}  // namespace flint::pci
