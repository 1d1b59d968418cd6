#pragma once
// Builds the ACPI tables of a Flint VM and writes them into guest memory:
//
//   RSDP (rev 2) -> XSDT -> FACP (FADT, rev 6.3, hardware-reduced) -> DSDT (\_S5, ISA
//                                                                            RTC and UARTs)
//                        -> APIC (MADT: local APICs, I/O APIC, overrides, LINT1 NMI)
//
// Each builder returns one complete, checksummed table; write_acpi_tables() lays them out
// from cfg.tables_address and links them.
#include <span>
#include <vector>

#include "acpi/config.h"
#include "acpi/sdt.h"
#include "base/result.h"
#include "base/types.h"
#include "memory/guest_memory.h"

namespace flint::acpi {

// Writes all tables; returns the guest-physical address of the RSDP (also the value for
// boot_params.acpi_rsdp_addr). Fails on an invalid config or when the tables do not fit
// in the BIOS area or in guest RAM.
Result<u64> write_acpi_tables(const GuestMemory& mem, const AcpiConfig& cfg);

// Checks what the tables cannot express: the vCPU count, the table placement, ports and
// IRQs out of range.
Result<void> validate_config(const AcpiConfig& cfg);

Result<std::vector<u8>> build_dsdt(const AcpiConfig& cfg);
Result<std::vector<u8>> build_madt(const AcpiConfig& cfg);
std::vector<u8> build_fadt(const AcpiConfig& cfg, u64 dsdt_address);
std::vector<u8> build_xsdt(std::span<const u64> table_addresses);
Rsdp build_rsdp(u64 xsdt_address);

}  // namespace flint::acpi
