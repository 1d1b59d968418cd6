#pragma once
// Fixed ACPI Description Table (ACPI 6.x, 5.2.9), signature "FACP", revision 6. Flint
// describes a hardware-reduced platform (4.1): no PM1/GPE register blocks, no PM timer,
// no SCI, no FACS. Sleep and reset go through the registers named by SLEEP_CONTROL_REG,
// SLEEP_STATUS_REG and RESET_REG instead.
#include <array>
#include <cstddef>

#include "acpi/sdt.h"
#include "base/bits.h"
#include "base/types.h"

namespace flint::acpi {

inline constexpr u8 kFadtRevision = 6;
inline constexpr u8 kFadtMinorRevision = 3;  // the table as ACPI 6.3 defines it

// FADT Flags (Table 5.10), the ones Flint uses.
namespace fadt_flags {
inline constexpr u32 kPowerButtonNotFixed = static_cast<u32>(bit(4));  // PWR_BUTTON
inline constexpr u32 kSleepButtonNotFixed = static_cast<u32>(bit(5));  // SLP_BUTTON
inline constexpr u32 kResetRegSupported = static_cast<u32>(bit(10));   // RESET_REG_SUP
inline constexpr u32 kHardwareReduced = static_cast<u32>(bit(20));     // HW_REDUCED_ACPI
}  // namespace fadt_flags

// IA-PC Boot Architecture Flags (Table 5.11).
namespace boot_arch {
inline constexpr u16 kLegacyDevices = static_cast<u16>(bit(0));  // ISA/LPC devices exist
inline constexpr u16 k8042 = static_cast<u16>(bit(1));           // an 8042 at 0x60/0x64
inline constexpr u16 kVgaNotPresent = static_cast<u16>(bit(2));
inline constexpr u16 kMsiNotSupported = static_cast<u16>(bit(3));
inline constexpr u16 kPcieAspmControls = static_cast<u16>(bit(4));
inline constexpr u16 kCmosRtcNotPresent = static_cast<u16>(bit(5));
}  // namespace boot_arch

struct [[gnu::packed]] Fadt {
    SdtHeader header;  // "FACP"
    u32 firmware_ctrl;  // FACS: none on a hardware-reduced platform
    u32 dsdt;           // 0: X_DSDT is used
    u8 reserved0;
    u8 preferred_pm_profile;
    u16 sci_int;  // no SCI on a hardware-reduced platform
    u32 smi_cmd;  // 0: no SMM, ACPI mode is always on
    u8 acpi_enable;
    u8 acpi_disable;
    u8 s4bios_req;
    u8 pstate_cnt;
    u32 pm1a_evt_blk;
    u32 pm1b_evt_blk;
    u32 pm1a_cnt_blk;
    u32 pm1b_cnt_blk;
    u32 pm2_cnt_blk;
    u32 pm_tmr_blk;
    u32 gpe0_blk;
    u32 gpe1_blk;
    u8 pm1_evt_len;
    u8 pm1_cnt_len;
    u8 pm2_cnt_len;
    u8 pm_tmr_len;
    u8 gpe0_blk_len;
    u8 gpe1_blk_len;
    u8 gpe1_base;
    u8 cst_cnt;
    u16 p_lvl2_lat;
    u16 p_lvl3_lat;
    u16 flush_size;
    u16 flush_stride;
    u8 duty_offset;
    u8 duty_width;
    u8 day_alrm;
    u8 mon_alrm;
    u8 century;
    u16 iapc_boot_arch;
    u8 reserved1;
    u32 flags;
    Gas reset_reg;
    u8 reset_value;
    u16 arm_boot_arch;
    u8 minor_version;
    u64 x_firmware_ctrl;
    u64 x_dsdt;
    Gas x_pm1a_evt_blk;
    Gas x_pm1b_evt_blk;
    Gas x_pm1a_cnt_blk;
    Gas x_pm1b_cnt_blk;
    Gas x_pm2_cnt_blk;
    Gas x_pm_tmr_blk;
    Gas x_gpe0_blk;
    Gas x_gpe1_blk;
    Gas sleep_control_reg;
    Gas sleep_status_reg;
    u64 hypervisor_vendor_id;
};
static_assert(sizeof(Fadt) == 276);
static_assert(offsetof(Fadt, firmware_ctrl) == 36);
static_assert(offsetof(Fadt, dsdt) == 40);
static_assert(offsetof(Fadt, sci_int) == 46);
static_assert(offsetof(Fadt, pm1a_evt_blk) == 56);
static_assert(offsetof(Fadt, pm_tmr_blk) == 76);
static_assert(offsetof(Fadt, pm1_evt_len) == 88);
static_assert(offsetof(Fadt, century) == 108);
static_assert(offsetof(Fadt, iapc_boot_arch) == 109);
static_assert(offsetof(Fadt, flags) == 112);
static_assert(offsetof(Fadt, reset_reg) == 116);
static_assert(offsetof(Fadt, reset_value) == 128);
static_assert(offsetof(Fadt, arm_boot_arch) == 129);
static_assert(offsetof(Fadt, minor_version) == 131);
static_assert(offsetof(Fadt, x_firmware_ctrl) == 132);
static_assert(offsetof(Fadt, x_dsdt) == 140);
static_assert(offsetof(Fadt, x_pm1a_evt_blk) == 148);
static_assert(offsetof(Fadt, x_gpe1_blk) == 232);
static_assert(offsetof(Fadt, sleep_control_reg) == 244);
static_assert(offsetof(Fadt, sleep_status_reg) == 256);
static_assert(offsetof(Fadt, hypervisor_vendor_id) == 268);

}  // namespace flint::acpi
