#include "acpi/madt.h"

#include <gtest/gtest.h>

#include "acpi_fixture.h"

namespace flint::acpi::testing {
namespace {

using AcpiMadt = AcpiFixture;

// The interrupt controller structures after the MADT's fixed part, as (type, offset).
std::vector<std::pair<u8, std::size_t>> entries(const std::vector<u8>& madt) {
    std::vector<std::pair<u8, std::size_t>> out;
    std::size_t off = sizeof(MadtFixed);
    while (off + 2 <= madt.size()) {
        const u8 len = madt[off + 1];
        EXPECT_GE(len, 2);
        if (len < 2 || off + len > madt.size()) break;
        out.emplace_back(madt[off], off);
        off += len;
    }
    EXPECT_EQ(off, madt.size()) << "structures must exactly fill the table";
    return out;
}

TEST_F(AcpiMadt, Fixed_HasLocalApicAddressAndPcatCompat) {
    const auto fixed = as<MadtFixed>(table("APIC"));
    EXPECT_EQ(fixed.local_apic_address, 0xfee00000u);
    EXPECT_EQ(fixed.flags, kMadtPcatCompat);
}

TEST_F(AcpiMadt, LocalApics_OneEnabledPerVcpuInOrder) {
    const auto madt = table("APIC");
    u32 count = 0;
    for (auto [type, off] : entries(madt)) {
        if (type != static_cast<u8>(MadtType::LocalApic)) continue;
        const auto lapic = as<MadtLocalApic>(madt, off);
        EXPECT_EQ(lapic.length, 8);
        EXPECT_EQ(lapic.apic_id, count);
        EXPECT_EQ(lapic.processor_uid, count);
        EXPECT_EQ(lapic.flags & kLocalApicEnabled, kLocalApicEnabled);
        ++count;
    }
    EXPECT_EQ(count, kVcpus);
}

TEST_F(AcpiMadt, IoApic_IsPresentOnceAtConfiguredAddress) {
    const auto madt = table("APIC");
    int count = 0;
    for (auto [type, off] : entries(madt)) {
        if (type != static_cast<u8>(MadtType::IoApic)) continue;
        const auto ioapic = as<MadtIoApic>(madt, off);
        EXPECT_EQ(ioapic.length, 12);
        EXPECT_EQ(ioapic.io_apic_id, 0);
        EXPECT_EQ(ioapic.address, 0xfec00000u);
        EXPECT_EQ(ioapic.gsi_base, 0u);
        ++count;
    }
    EXPECT_EQ(count, 1);
}

TEST_F(AcpiMadt, Overrides_MapIrq0ToGsi2Only) {
    const auto madt = table("APIC");
    std::vector<std::pair<u8, u32>> overrides;
    for (auto [type, off] : entries(madt)) {
        if (type != static_cast<u8>(MadtType::InterruptSourceOverride)) continue;
        const auto iso = as<MadtInterruptOverride>(madt, off);
        EXPECT_EQ(iso.length, 10);
        EXPECT_EQ(iso.bus, 0);
        EXPECT_EQ(iso.flags, inti::kConforms);
        overrides.emplace_back(iso.source, iso.gsi);
    }
    EXPECT_EQ(overrides, (std::vector<std::pair<u8, u32>>{{0, 2}}));
}

TEST_F(AcpiMadt, Nmi_IsOnLint1OfEveryProcessor) {
    const auto madt = table("APIC");
    int count = 0;
    for (auto [type, off] : entries(madt)) {
        if (type != static_cast<u8>(MadtType::LocalApicNmi)) continue;
        const auto nmi = as<MadtLocalApicNmi>(madt, off);
        EXPECT_EQ(nmi.length, 6);
        EXPECT_EQ(nmi.processor_uid, 0xff);
        EXPECT_EQ(nmi.lint, 1);
        ++count;
    }
    EXPECT_EQ(count, 1);
}

TEST(AcpiMadtConfig, ExtraOverride_IsListedWithItsFlags) {
    AcpiConfig cfg;
    cfg.num_vcpus = 2;
    cfg.irq_overrides.push_back({.isa_irq = 9, .gsi = 9, .flags = inti::kActiveHigh | inti::kLevel});
    auto madt = build_madt(cfg);
    ASSERT_TRUE(madt);
    EXPECT_EQ(byte_sum(*madt), 0);
    EXPECT_EQ(madt->size(), sizeof(MadtFixed) + 2 * 8 + 12 + 2 * 10 + 6);
    const std::size_t second_iso = sizeof(MadtFixed) + 2 * 8 + 12 + 10;
    MadtInterruptOverride iso{};
    std::memcpy(&iso, madt->data() + second_iso, sizeof(iso));
    EXPECT_EQ(iso.source, 9);
    EXPECT_EQ(iso.flags, 0b1101);
}

}  // namespace
}  // namespace flint::acpi::testing
