#include "acpi/fadt.h"

#include <gtest/gtest.h>

#include "acpi/sleep_control.h"
#include "acpi_fixture.h"

namespace flint::acpi::testing {
namespace {

using AcpiFadt = AcpiFixture;

constexpr u32 kHwReducedBit = 1u << 20;
constexpr u32 kResetRegSupBit = 1u << 10;

TEST_F(AcpiFadt, Header_IsRevision6WithFullLength) {
    const auto fadt = as<Fadt>(table("FACP"));
    EXPECT_EQ(fadt.header.revision, 6);
    EXPECT_EQ(fadt.minor_version & 0x0f, 3);
    EXPECT_EQ(fadt.header.length, 276u);
}

TEST_F(AcpiFadt, XDsdt_PointsToDsdt) {
    const auto fadt = as<Fadt>(table("FACP"));
    ASSERT_NE(fadt.x_dsdt, 0u);
    EXPECT_EQ(signature_of(read_table(*m_mem, fadt.x_dsdt)), "DSDT");
    EXPECT_EQ(fadt.dsdt, 0u);  // one address only, so no 32/64-bit mismatch
}

TEST_F(AcpiFadt, Flags_AreHardwareReducedWithResetRegister) {
    const auto fadt = as<Fadt>(table("FACP"));
    EXPECT_TRUE(fadt.flags & kHwReducedBit);
    EXPECT_TRUE(fadt.flags & kResetRegSupBit);
    // Hardware-reduced: no FACS, no SCI, no fixed register blocks, no PM timer.
    EXPECT_EQ(fadt.firmware_ctrl, 0u);
    EXPECT_EQ(fadt.x_firmware_ctrl, 0u);
    EXPECT_EQ(fadt.sci_int, 0);
    EXPECT_EQ(fadt.smi_cmd, 0u);
    EXPECT_EQ(fadt.pm1a_evt_blk, 0u);
    EXPECT_EQ(fadt.pm_tmr_blk, 0u);
    EXPECT_EQ(fadt.pm_tmr_len, 0);
    EXPECT_EQ(fadt.x_pm_tmr_blk.address, 0u);
    EXPECT_EQ(fadt.x_pm1a_cnt_blk.address, 0u);
}

TEST_F(AcpiFadt, BootArch_Reports8042AndNoVga) {
    const auto fadt = as<Fadt>(table("FACP"));
    EXPECT_TRUE(fadt.iapc_boot_arch & boot_arch::k8042);
    EXPECT_TRUE(fadt.iapc_boot_arch & boot_arch::kVgaNotPresent);
    EXPECT_FALSE(fadt.iapc_boot_arch & boot_arch::kCmosRtcNotPresent);
}

TEST(AcpiFadtConfig, NoI8042_ClearsThe8042Flag) {
    AcpiConfig cfg;
    cfg.has_i8042 = false;
    const auto bytes = build_fadt(cfg, 0xe1000);
    Fadt fadt{};
    std::memcpy(&fadt, bytes.data(), sizeof(fadt));
    EXPECT_FALSE(fadt.iapc_boot_arch & boot_arch::k8042);
    EXPECT_EQ(byte_sum(bytes), 0);
}

TEST_F(AcpiFadt, SleepAndResetRegisters_AreByteIoPorts) {
    const auto fadt = as<Fadt>(table("FACP"));
    for (const Gas& gas : {fadt.sleep_control_reg, fadt.sleep_status_reg, fadt.reset_reg}) {
        EXPECT_EQ(gas.space_id, AddressSpace::SystemIo);
        EXPECT_EQ(gas.bit_width, 8);
        EXPECT_EQ(gas.bit_offset, 0);
        EXPECT_EQ(gas.access_size, AccessSize::Byte);
    }
    EXPECT_EQ(fadt.sleep_control_reg.address, 0x600u);
    EXPECT_EQ(fadt.sleep_status_reg.address, 0x601u);
    EXPECT_EQ(fadt.reset_reg.address, 0x602u);
    EXPECT_EQ(fadt.reset_value, kResetValue);
}

TEST_F(AcpiFadt, HypervisorVendor_IsFlint) {
    const auto fadt = as<Fadt>(table("FACP"));
    char vendor[9] = {};
    std::memcpy(vendor, &fadt.hypervisor_vendor_id, 8);
    EXPECT_STREQ(vendor, "FLINT");
}

// Follows the FADT the way Linux's hardware-reduced power-off and reboot do, and checks
// that the device behind the named ports sees the request.
TEST_F(AcpiFadt, RegistersItNames_DriveSleepControl) {
    const auto fadt = as<Fadt>(table("FACP"));
    int poweroffs = 0;
    int resets = 0;
    SleepControl dev{[&] { ++poweroffs; }, [&] { ++resets; }};
    auto write_port = [&](u64 port, u8 value) {
        ASSERT_GE(port, m_cfg.pm_port_base);
        ASSERT_LT(port, m_cfg.pm_port_base + kPmPortCount);
        const std::array<u8, 1> data{value};
        dev.write(port - m_cfg.pm_port_base, data);
    };
    write_port(fadt.sleep_status_reg.address, 0x80);  // clear WAK_STS
    const u8 slp_typ = kSleepTypeS5;                   // as read from \_S5 (see dsdt_test)
    write_port(fadt.sleep_control_reg.address, static_cast<u8>(((slp_typ << 2) & 0x1c) | 0x20));
    EXPECT_EQ(poweroffs, 1);
    write_port(fadt.reset_reg.address, fadt.reset_value);
    EXPECT_EQ(resets, 1);
    EXPECT_EQ(dev.ignored_writes(), 0u);
}

}  // namespace
}  // namespace flint::acpi::testing
