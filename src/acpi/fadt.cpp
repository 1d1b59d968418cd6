#include "acpi/fadt.h"

#include "acpi/config.h"
#include "acpi/tables.h"

namespace flint::acpi {

namespace {

// The FADT's Hypervisor Vendor Identity: "FLINT" in ASCII, low byte first, zero-padded.
constexpr u64 vendor_id() {
    constexpr std::string_view kVendor = "FLINT";
    u64 id = 0;
    for (std::size_t i = 0; i < kVendor.size(); ++i) id |= u64{static_cast<u8>(kVendor[i])} << (8 * i);
    return id;
}

u16 boot_arch_flags(const AcpiConfig& cfg) {
    u16 flags = 0;
    if (cfg.has_isa_devices) flags |= boot_arch::kLegacyDevices;
    // Linux takes a clear 8042 flag as "no keyboard controller" and never probes it.
    if (cfg.has_i8042) flags |= boot_arch::k8042;
    if (!cfg.has_vga) flags |= boot_arch::kVgaNotPresent;
    if (!cfg.has_cmos_rtc) flags |= boot_arch::kCmosRtcNotPresent;
    return flags;
}

}  // namespace

std::vector<u8> build_fadt(const AcpiConfig& cfg, u64 dsdt_address) {
    // Value-initialised: every legacy block, length and latency is 0, meaning "absent".
    Fadt fadt{};
    fadt.header = make_header("FACP", kFadtRevision);
    fadt.minor_version = kFadtMinorRevision;

    // No fixed-feature buttons: a hardware-reduced platform has no PM1 event block to
    // report them in.
    fadt.flags = fadt_flags::kHardwareReduced | fadt_flags::kResetRegSupported |
                 fadt_flags::kPowerButtonNotFixed | fadt_flags::kSleepButtonNotFixed;
    fadt.iapc_boot_arch = boot_arch_flags(cfg);

    // The 32-bit DSDT field stays 0 so that only one address is ever in play.
    fadt.x_dsdt = dsdt_address;

    const u16 base = cfg.pm_port_base;
    fadt.sleep_control_reg = io_port_u8(static_cast<u16>(base + kSleepControlOffset));
    fadt.sleep_status_reg = io_port_u8(static_cast<u16>(base + kSleepStatusOffset));
    fadt.reset_reg = io_port_u8(static_cast<u16>(base + kResetOffset));
    fadt.reset_value = kResetValue;

    fadt.hypervisor_vendor_id = vendor_id();

    std::vector<u8> table;
    append_struct(table, fadt);
    finalize_table(table);
    return table;
}

}  // namespace flint::acpi
