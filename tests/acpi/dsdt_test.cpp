#include <algorithm>
#include <initializer_list>

#include <gtest/gtest.h>

#include "acpi/fadt.h"
#include "acpi_fixture.h"

namespace flint::acpi::testing {
namespace {

using AcpiDsdt = AcpiFixture;

// Decodes the integer data object at `p` (ZeroOp, OneOp or a Byte/Word/DWord prefix).
std::optional<u64> aml_integer(const u8* p, const u8* end) {
    if (p >= end) return std::nullopt;
    switch (*p) {
    case 0x00: return 0;
    case 0x01: return 1;
    case 0x0a: return p + 1 < end ? std::optional<u64>(p[1]) : std::nullopt;
    case 0x0b: return p + 2 < end ? std::optional<u64>(load_le<u16>(p + 1)) : std::nullopt;
    case 0x0c: return p + 4 < end ? std::optional<u64>(load_le<u32>(p + 1)) : std::nullopt;
    default: return std::nullopt;
    }
}

TEST_F(AcpiDsdt, Body_DeclaresS5PackageWithSleepTypeA) {
    const auto fadt = as<Fadt>(table("FACP"));
    const auto dsdt = read_table(*m_mem, fadt.x_dsdt);
    ASSERT_GT(dsdt.size(), sizeof(SdtHeader));
    EXPECT_EQ(byte_sum(dsdt), 0);
    EXPECT_EQ(as<SdtHeader>(dsdt).revision, 2);

    // NameOp "_S5_" PackageOp PkgLength(1 byte) NumElements SLP_TYPa ...
    const std::array<u8, 5> name{0x08, '_', 'S', '5', '_'};
    auto it = std::search(dsdt.begin() + sizeof(SdtHeader), dsdt.end(), name.begin(), name.end());
    ASSERT_NE(it, dsdt.end()) << "no Name(_S5, ...)";
    const u8* p = dsdt.data() + (it - dsdt.begin()) + name.size();
    const u8* end = dsdt.data() + dsdt.size();
    ASSERT_LT(p + 3, end);
    EXPECT_EQ(p[0], 0x12);           // PackageOp
    EXPECT_LT(p[1], 0x40);           // one-byte PkgLength
    EXPECT_LE(p + 1 + p[1], end);    // the package fits in the table
    EXPECT_GE(p[2], 2);              // at least SLP_TYPa and SLP_TYPb
    EXPECT_EQ(aml_integer(p + 3, end), std::optional<u64>(kSleepTypeS5));
}

std::size_t count(const std::vector<u8>& hay, std::initializer_list<u8> needle) {
    std::size_t n = 0;
    auto it = hay.begin();
    while ((it = std::search(it, hay.end(), needle.begin(), needle.end())) != hay.end()) {
        ++n;
        ++it;
    }
    return n;
}

TEST_F(AcpiDsdt, Body_DeclaresRtcAndCom1UnderSb) {
    const auto dsdt = read_table(*m_mem, as<Fadt>(table("FACP")).x_dsdt);
    EXPECT_EQ(count(dsdt, {0x5c, '_', 'S', 'B', '_'}), 1u);  // Scope (\_SB)
    EXPECT_EQ(count(dsdt, {0x5b, 0x82}), 2u);                // two devices
    // _HID EisaId("PNP0B00") and EisaId("PNP0501"), as DWord constants.
    EXPECT_EQ(count(dsdt, {'_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0b, 0x00}), 1u);
    EXPECT_EQ(count(dsdt, {'_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01}), 1u);
    // IO (Decode16, 0x3F8, 0x3F8, 1, 8) and IRQNoFlags () {4}
    EXPECT_EQ(count(dsdt, {0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00}), 1u);
    // IO (Decode16, 0x70, 0x70, 1, 2) and IRQNoFlags () {8}
    EXPECT_EQ(count(dsdt, {0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02, 0x22, 0x00, 0x01}), 1u);
}

TEST(AcpiDsdtBuild, NoLegacyDevices_LeavesOnlyS5) {
    AcpiConfig cfg;
    cfg.has_cmos_rtc = false;
    cfg.serial_ports.clear();
    auto a = build_dsdt(cfg);
    auto b = build_dsdt(cfg);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(a->size(), sizeof(SdtHeader) + 13);
    EXPECT_EQ(byte_sum(*a), 0);
}

TEST(AcpiDsdtBuild, FourSerialPorts_AreNamedCom1ToCom4) {
    AcpiConfig cfg;
    cfg.serial_ports = {{0x3f8, 4}, {0x2f8, 3}, {0x3e8, 4}, {0x2e8, 3}};
    auto dsdt = build_dsdt(cfg);
    ASSERT_TRUE(dsdt);
    for (char n : {'1', '2', '3', '4'}) {
        EXPECT_EQ(count(*dsdt, {'C', 'O', 'M', static_cast<u8>(n)}), 1u) << n;
    }
    cfg.serial_ports.push_back({0x3f0, 5});
    EXPECT_FALSE(build_dsdt(cfg));
}

TEST(AcpiDsdtBuild, VirtioMmio_DeclaresLnro0005WithWindowAndIrq) {
    AcpiConfig cfg;
    cfg.virtio_mmio = {{.base = 0xd0000000, .size = 0x1000, .irq = 5}, {.base = 0xd0001000, .size = 0x1000, .irq = 6}};
    auto dsdt = build_dsdt(cfg);
    ASSERT_TRUE(dsdt);
    EXPECT_EQ(byte_sum(*dsdt), 0);
    EXPECT_EQ(count(*dsdt, {'V', 'R', '0', '0'}), 1u);
    EXPECT_EQ(count(*dsdt, {'V', 'R', '0', '1'}), 1u);
    // Name (_HID, "LNRO0005"): a String, NUL-terminated.
    EXPECT_EQ(count(*dsdt, {'_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5', 0}), 2u);
    // Memory32Fixed (ReadWrite, 0xD0001000, 0x1000) then IRQNoFlags () {6}
    EXPECT_EQ(count(*dsdt, {0x86, 0x09, 0x00, 0x01, 0x00, 0x10, 0x00, 0xd0, 0x00, 0x10, 0x00, 0x00, 0x22, 0x40, 0x00}),
              1u);
    cfg.virtio_mmio.resize(kMaxVirtioMmioDevices + 1, {.base = 0xd0000000, .size = 0x1000, .irq = 5});
    EXPECT_FALSE(build_dsdt(cfg));
    cfg.virtio_mmio = {{.base = 0xd0000000, .size = 0x1000, .irq = 16}};
    EXPECT_FALSE(build_dsdt(cfg));
}

TEST(AcpiDsdtBuild, PciRootBridge_DeclaresPnp0a03WithBusPortsAndWindow) {
    AcpiConfig cfg;
    auto without = build_dsdt(cfg);
    ASSERT_TRUE(without);
    EXPECT_EQ(count(*without, {'P', 'C', 'I', '0'}), 0u);
    cfg.pci = PciRootBridge{.window_base = 0xc0000000, .window_size = 0x10000000};
    auto dsdt = build_dsdt(cfg);
    ASSERT_TRUE(dsdt);
    EXPECT_EQ(byte_sum(*dsdt), 0);
    EXPECT_EQ(count(*dsdt, {'P', 'C', 'I', '0'}), 1u);
    // Name (_HID, EisaId ("PNP0A03")): a DWord, 0x030AD041.
    EXPECT_EQ(count(*dsdt, {'_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03}), 1u);
    // WordBusNumber: bus 0 to 0, one bus.
    EXPECT_EQ(count(*dsdt, {0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00}), 1u);
    // IO (Decode16, 0xCF8, 0xCF8, 1, 8)
    EXPECT_EQ(count(*dsdt, {0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08}), 1u);
    // DWordMemory: 0xC0000000 to 0xCFFFFFFF, length 0x10000000.
    EXPECT_EQ(count(*dsdt, {0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff,
                            0xff, 0xcf, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x10}),
              1u);
}

}  // namespace
}  // namespace flint::acpi::testing
