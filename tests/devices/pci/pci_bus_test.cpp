#include "devices/pci/pci_bus.h"

#include <gtest/gtest.h>

#include "base/bits.h"

namespace flint::pci {
namespace {

constexpr u64 kWindow = 0xc0000000;
constexpr u64 kWindowSize = 0x100000;
constexpr u64 kBarSize = 0x1000;

// A function with one 64-bit memory BAR whose reads return the offset accessed.
class FakeFunction final : public Function {
public:
    FakeFunction() : config(Identity{.vendor = 0x1234, .device = 0x5678}) {
        config.add_memory_bar(0, kBarSize, BarKind::Memory64);
    }
    void config_read(u32 offset, std::span<u8> data) override { config.read(offset, data); }
    void config_write(u32 offset, std::span<const u8> data) override { config.write(offset, data); }
    std::vector<BarWindow> decoded_bars() override { return config.decoded_bars(); }
    void bar_read(u32 bar, u64 offset, std::span<u8> data) override {
        store_le_span(data, offset | (u64{bar} << 16));
    }
    void bar_write(u32, u64 offset, std::span<const u8>) override { writes.push_back(offset); }

    ConfigSpace config;
    std::vector<u64> writes;
};

class PciBusTest : public ::testing::Test {
protected:
    void select(u32 slot, u32 reg) {
        u8 b[4];
        store_le<u32>(b, 0x80000000u | slot << 11 | reg);
        ports->write(0, b);
    }
    u32 cfg_read(u32 slot, u32 reg) {
        select(slot, reg & ~3u);
        u8 b[4];
        ports->read(4, b);
        return load_le<u32>(b);
    }
    void cfg_write(u32 slot, u32 reg, u32 v) {
        select(slot, reg);
        u8 b[4];
        store_le<u32>(b, v);
        ports->write(4, b);
    }
    u32 window_read(u64 gpa) {
        u8 b[4];
        window->read(gpa - kWindow, b);
        return load_le<u32>(b);
    }

    std::shared_ptr<PciBus> bus = std::make_shared<PciBus>(kWindow, kWindowSize);
    std::shared_ptr<BusDevice> ports = config_ports_device(bus);
    std::shared_ptr<BusDevice> window = bar_window_device(bus);
};

TEST_F(PciBusTest, ConfigAddress_ReadsBackWhatWasWritten) {
    select(3, 0x10);
    u8 b[4];
    ports->read(0, b);
    EXPECT_EQ(load_le<u32>(b), 0x80001810u);
}

TEST_F(PciBusTest, HostBridge_AtSlotZero_EmptySlotsReadAllOnes) {
    EXPECT_EQ(cfg_read(0, 0x00), 0x00081b36u);
    EXPECT_EQ(cfg_read(0, 0x08) >> 8, kClassHostBridge);
    EXPECT_EQ(cfg_read(5, 0x00), 0xffffffffu);
    // Another bus or function: nothing there either.
    u8 b[4];
    store_le<u32>(b, 0x80010000u);
    ports->write(0, b);
    ports->read(4, b);
    EXPECT_EQ(load_le<u32>(b), 0xffffffffu);
}

TEST_F(PciBusTest, Add_AssignsBarInWindow_DecodesOnlyWhenEnabled) {
    auto f = std::make_shared<FakeFunction>();
    const u32 slot = *bus->add(f);
    EXPECT_EQ(slot, 1u);
    EXPECT_EQ(cfg_read(slot, 0x00), 0x56781234u);
    const u32 bar = cfg_read(slot, 0x10) & ~0xfu;
    EXPECT_EQ(bar, kWindow);
    EXPECT_EQ(cfg_read(slot, 0x14), 0u);
    EXPECT_EQ(window_read(kWindow + 0x20), 0xffffffffu);  // memory decoding off
    cfg_write(slot, 0x04, command::kMemorySpace);
    EXPECT_EQ(window_read(kWindow + 0x20), 0x20u);
    cfg_write(slot, 0x04, 0);
    EXPECT_EQ(window_read(kWindow + 0x20), 0xffffffffu);
}

TEST_F(PciBusTest, GuestMovesBar_OldAddressUnmappedNewOneDecodes) {
    auto f = std::make_shared<FakeFunction>();
    const u32 slot = *bus->add(f);
    cfg_write(slot, 0x04, command::kMemorySpace);
    cfg_write(slot, 0x10, static_cast<u32>(kWindow + 0x8000));
    EXPECT_EQ(window_read(kWindow + 0x10), 0xffffffffu);
    EXPECT_EQ(window_read(kWindow + 0x8010), 0x10u);
    // Sizing with all-ones parks the BAR outside the window: nothing decodes meanwhile.
    cfg_write(slot, 0x10, 0xffffffff);
    EXPECT_EQ(cfg_read(slot, 0x10), 0xfffff004u);
    EXPECT_EQ(window_read(kWindow + 0x8010), 0xffffffffu);
    EXPECT_EQ(bus->bad_accesses(), 0u);
}

TEST_F(PciBusTest, OverlappingBars_LaterOneDoesNotDecodeAndIsCounted) {
    auto a = std::make_shared<FakeFunction>();
    auto b = std::make_shared<FakeFunction>();
    const u32 sa = *bus->add(a);
    const u32 sb = *bus->add(b);
    cfg_write(sa, 0x04, command::kMemorySpace);
    cfg_write(sb, 0x04, command::kMemorySpace);
    cfg_write(sb, 0x10, static_cast<u32>(kWindow));  // onto a's BAR
    EXPECT_EQ(bus->bad_accesses(), 1u);
    u8 w[4] = {};
    window->write(0x40, w);
    EXPECT_EQ(a->writes, std::vector<u64>{0x40});
    EXPECT_TRUE(b->writes.empty());
}

TEST_F(PciBusTest, AccessStraddlingBarEnd_NotDelivered) {
    auto f = std::make_shared<FakeFunction>();
    const u32 slot = *bus->add(f);
    cfg_write(slot, 0x04, command::kMemorySpace);
    u8 b[8];
    window->read(kBarSize - 4, b);
    EXPECT_EQ(load_le<u64>(b), ~u64{0});
}

TEST_F(PciBusTest, MisalignedDataPortAccess_CountedReadsAllOnes) {
    select(0, 0);
    u8 b[4];
    ports->read(5, std::span<u8>(b, 2));  // 0xCFD, 2 bytes: crosses nothing but misaligned
    EXPECT_EQ(load_le<u16>(b), 0xffffu);
    EXPECT_EQ(bus->bad_accesses(), 1u);
    ports->read(6, std::span<u8>(b, 2));  // 0xCFE: the vendor ID's neighbour, device ID
    EXPECT_EQ(load_le<u16>(b), 0x0008u);
}

TEST_F(PciBusTest, FullBus_AddFails) {
    for (u32 i = 1; i < kSlots; ++i) ASSERT_TRUE(bus->add(std::make_shared<FakeFunction>()));
    EXPECT_FALSE(bus->add(std::make_shared<FakeFunction>()));
}

TEST(PciBus, BarsBeyondWindow_AddFails) {
    auto bus = std::make_shared<PciBus>(kWindow, kBarSize);
    EXPECT_TRUE(bus->add(std::make_shared<FakeFunction>()));
    EXPECT_FALSE(bus->add(std::make_shared<FakeFunction>()));
}

}  // namespace
}  // namespace flint::pci
