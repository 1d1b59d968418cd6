#pragma once
// A fresh guest with Flint's ACPI tables written into it, per test.
#include <cstring>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "acpi/tables.h"
#include "table_reader.h"

namespace flint::acpi::testing {

class AcpiFixture : public ::testing::Test {
protected:
    static constexpr u32 kVcpus = 4;

    void SetUp() override {
        auto mem = GuestMemory::create(2 * MiB);
        ASSERT_TRUE(mem) << mem.error().message();
        m_mem.emplace(std::move(*mem));
        m_cfg.num_vcpus = kVcpus;
        auto rsdp = write_acpi_tables(*m_mem, m_cfg);
        ASSERT_TRUE(rsdp) << rsdp.error().message();
        m_rsdp = *rsdp;
    }

    // The table with `signature` as the guest sees it; fails the test when absent.
    std::vector<u8> table(std::string_view signature) {
        auto gpa = find_table(*m_mem, m_rsdp, signature);
        EXPECT_TRUE(gpa) << signature << " not in the XSDT";
        return gpa ? read_table(*m_mem, *gpa) : std::vector<u8>{};
    }

    template <typename T>
    static T as(const std::vector<u8>& bytes, std::size_t offset = 0) {
        T v{};
        EXPECT_LE(offset + sizeof(T), bytes.size());
        if (offset + sizeof(T) <= bytes.size()) std::memcpy(&v, bytes.data() + offset, sizeof(T));
        return v;
    }

    std::optional<GuestMemory> m_mem;
    AcpiConfig m_cfg;
    u64 m_rsdp = 0;
};

}  // namespace flint::acpi::testing
