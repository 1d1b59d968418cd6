#include "acpi/tables.h"

#include <array>

#include <gtest/gtest.h>

#include "acpi/fadt.h"
#include "acpi_fixture.h"

namespace flint::acpi::testing {
namespace {

using AcpiTables = AcpiFixture;

TEST_F(AcpiTables, Rsdp_IsFoundByBiosAreaScan) {
    auto found = find_rsdp(*m_mem);
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, m_rsdp);
    EXPECT_EQ(m_rsdp % 16, 0u);
    EXPECT_GE(m_rsdp, 0xe0000u);
    EXPECT_LT(m_rsdp, 0x100000u);
}

TEST_F(AcpiTables, Rsdp_IsRevision2WithXsdtAndBothChecksums) {
    Rsdp rsdp{};
    ASSERT_TRUE(m_mem->read_obj(m_rsdp, rsdp));
    EXPECT_EQ(rsdp.revision, 2);
    EXPECT_EQ(rsdp.length, 36u);
    EXPECT_NE(rsdp.xsdt_address, 0u);
    EXPECT_EQ(std::string_view(rsdp.oem_id.data(), 6), "FLINT ");
    const auto* bytes = reinterpret_cast<const u8*>(&rsdp);
    EXPECT_EQ(byte_sum({bytes, 20}), 0);
    EXPECT_EQ(byte_sum({bytes, 36}), 0);
}

TEST_F(AcpiTables, EveryTable_ChecksumSumsToZero) {
    Rsdp rsdp{};
    ASSERT_TRUE(m_mem->read_obj(m_rsdp, rsdp));
    std::vector<u64> addresses{rsdp.xsdt_address};
    for (u64 gpa : xsdt_entries(read_table(*m_mem, rsdp.xsdt_address))) addresses.push_back(gpa);
    addresses.push_back(as<Fadt>(table("FACP")).x_dsdt);
    ASSERT_EQ(addresses.size(), 4u);  // XSDT, FACP, APIC, DSDT
    for (u64 gpa : addresses) {
        const auto t = read_table(*m_mem, gpa);
        ASSERT_FALSE(t.empty()) << std::hex << gpa;
        EXPECT_EQ(byte_sum(t), 0) << signature_of(t);
        const auto header = as<SdtHeader>(t);
        EXPECT_EQ(std::string_view(header.oem_id.data(), 6), "FLINT ") << signature_of(t);
    }
}

TEST_F(AcpiTables, Xsdt_ListsFacpAndApic) {
    Rsdp rsdp{};
    ASSERT_TRUE(m_mem->read_obj(m_rsdp, rsdp));
    const auto xsdt = read_table(*m_mem, rsdp.xsdt_address);
    ASSERT_EQ(signature_of(xsdt), "XSDT");
    std::vector<std::string> signatures;
    for (u64 gpa : xsdt_entries(xsdt)) signatures.emplace_back(signature_of(read_table(*m_mem, gpa)));
    EXPECT_EQ(signatures, (std::vector<std::string>{"FACP", "APIC"}));
}

TEST_F(AcpiTables, AllTables_LieInBiosAreaWithoutOverlap) {
    Rsdp rsdp{};
    ASSERT_TRUE(m_mem->read_obj(m_rsdp, rsdp));
    struct Span { u64 start, end; };
    std::vector<Span> spans{{m_rsdp, m_rsdp + sizeof(Rsdp)}};
    std::vector<u64> addresses{rsdp.xsdt_address, as<Fadt>(table("FACP")).x_dsdt};
    for (u64 gpa : xsdt_entries(read_table(*m_mem, rsdp.xsdt_address))) addresses.push_back(gpa);
    for (u64 gpa : addresses) spans.push_back({gpa, gpa + read_table(*m_mem, gpa).size()});
    for (std::size_t i = 0; i < spans.size(); ++i) {
        EXPECT_GE(spans[i].start, kBiosAreaStart);
        EXPECT_LE(spans[i].end, kBiosAreaEnd);
        for (std::size_t j = i + 1; j < spans.size(); ++j) {
            EXPECT_TRUE(spans[i].end <= spans[j].start || spans[j].end <= spans[i].start)
                << i << " overlaps " << j;
        }
    }
}

TEST(AcpiConfig, ZeroOrTooManyVcpus_IsRejected) {
    AcpiConfig cfg;
    cfg.num_vcpus = 0;
    EXPECT_FALSE(validate_config(cfg));
    cfg.num_vcpus = kMaxVcpus + 1;
    EXPECT_FALSE(validate_config(cfg));
    cfg.num_vcpus = kMaxVcpus;
    EXPECT_TRUE(validate_config(cfg));
}

TEST(AcpiConfig, TablesOutsideBiosAreaOrMisaligned_AreRejected) {
    AcpiConfig cfg;
    for (u64 bad : {0x9fc00ul, 0xe0008ul, 0x100000ul}) {
        cfg.tables_address = bad;
        EXPECT_FALSE(validate_config(cfg)) << std::hex << bad;
    }
    cfg.tables_address = 0xf0000;
    EXPECT_TRUE(validate_config(cfg));
}

TEST(AcpiConfig, BadIrqOverrideOrNmiPin_IsRejected) {
    AcpiConfig cfg;
    cfg.irq_overrides.push_back({.isa_irq = 16, .gsi = 16});
    EXPECT_FALSE(validate_config(cfg));
    AcpiConfig nmi;
    nmi.nmi_lint = 2;
    EXPECT_FALSE(validate_config(nmi));
}

TEST(AcpiWrite, TablesRunningPastBiosArea_Fail) {
    auto mem = GuestMemory::create(2 * MiB);
    ASSERT_TRUE(mem);
    AcpiConfig cfg;
    cfg.num_vcpus = kMaxVcpus;
    cfg.tables_address = kBiosAreaEnd - 256;  // valid for the RSDP, too small for the rest
    EXPECT_FALSE(write_acpi_tables(*mem, cfg));
}

TEST(AcpiWrite, MaxVcpusAtDefaultAddress_Succeeds) {
    auto mem = GuestMemory::create(2 * MiB);
    ASSERT_TRUE(mem);
    AcpiConfig cfg;
    cfg.num_vcpus = kMaxVcpus;
    auto rsdp = write_acpi_tables(*mem, cfg);
    ASSERT_TRUE(rsdp) << rsdp.error().message();
    EXPECT_EQ(find_rsdp(*mem), *rsdp);
}

}  // namespace
}  // namespace flint::acpi::testing
