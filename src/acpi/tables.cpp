#include "acpi/tables.h"

#include <array>

#include "acpi/checksum.h"
#include "acpi/fadt.h"
#include "base/bits.h"

namespace flint::acpi {

namespace {

constexpr u8 kXsdtRevision = 1;
// Tables need no alignment, but 16 bytes keeps each one easy to find in a memory dump.
constexpr u64 kTableAlign = 16;

std::span<const u8> bytes_of(const Rsdp& rsdp) {
    return {reinterpret_cast<const u8*>(&rsdp), sizeof(rsdp)};
}

// Hands out consecutive, aligned addresses for the tables in the BIOS area.
class Placer {
public:
    explicit Placer(u64 start) : m_next(start) {}
    u64 place(u64 size) {
        const u64 at = m_next;
        m_next = align_up(at + size, kTableAlign);
        return at;
    }
    u64 end() const { return m_next; }

private:
    u64 m_next;
};

Result<void> store(const GuestMemory& mem, std::string_view what, u64 gpa,
                   std::span<const u8> bytes) {
    if (!mem.write(gpa, bytes)) {
        return Error::format("writing the ACPI {} at {:#x}: the address is not in guest RAM", what,
                             gpa);
    }
    return ok();
}

}  // namespace

Result<void> validate_config(const AcpiConfig& cfg) {
    if (cfg.num_vcpus == 0 || cfg.num_vcpus > kMaxVcpus) {
        return Error::format("ACPI: {} vCPUs requested; the MADT describes 1 to {}", cfg.num_vcpus,
                             kMaxVcpus);
    }
    if (cfg.tables_address < kBiosAreaStart || cfg.tables_address >= kBiosAreaEnd ||
        cfg.tables_address % kRsdpAlign != 0) {
        return Error::format(
            "ACPI tables at {:#x}: the RSDP must be {}-byte aligned within {:#x}-{:#x}",
            cfg.tables_address, kRsdpAlign, kBiosAreaStart, kBiosAreaEnd - 1);
    }
    if (u32{cfg.pm_port_base} + kPmPortCount > 0x10000) {
        return Error::format("ACPI register block at port {:#x} runs past port 0xffff",
                             cfg.pm_port_base);
    }
    if (cfg.nmi_lint > 1) {
        return Error::format("ACPI: NMI on LINT{}; a local APIC has LINT0 and LINT1 only",
                             cfg.nmi_lint);
    }
    if (cfg.virtio_mmio.size() > kMaxVirtioMmioDevices) {
        return Error::format("ACPI: {} virtio-mmio devices; the DSDT names {} at most", cfg.virtio_mmio.size(),
                             kMaxVirtioMmioDevices);
    }
    for (const VirtioMmioDevice& v : cfg.virtio_mmio) {
        if (v.irq > 15) return Error::format("ACPI: virtio-mmio device on IRQ {}: ISA IRQs are 0-15", v.irq);
    }
    if (cfg.serial_ports.size() > kMaxSerialPorts) {
        return Error::format("ACPI: {} serial ports; the DSDT names COM1 to COM{} only",
                             cfg.serial_ports.size(), kMaxSerialPorts);
    }
    for (const IsaSerialPort& s : cfg.serial_ports) {
        if (s.irq > 15 || u32{s.port} + kSerialPortCount > 0x10000) {
            return Error::format("ACPI: serial port {:#x} on IRQ {}: ISA IRQs are 0-15", s.port,
                                 s.irq);
        }
    }
    for (const IrqOverride& o : cfg.irq_overrides) {
        if (o.isa_irq > 15) {
            return Error::format("ACPI: interrupt override for IRQ {}; ISA IRQs are 0-15",
                                 o.isa_irq);
        }
    }
    return ok();
}

std::vector<u8> build_xsdt(std::span<const u64> table_addresses) {
    std::vector<u8> table;
    append_struct(table, make_header("XSDT", kXsdtRevision));
    // The entries are 64-bit addresses, unaligned (they start at byte 36).
    for (u64 address : table_addresses) append_struct(table, address);
    finalize_table(table);
    return table;
}

Rsdp build_rsdp(u64 xsdt_address) {
    Rsdp rsdp{
        .signature = fixed_id<8>(kRsdpSignature),
        .checksum = 0,
        .oem_id = fixed_id<6>(kOemId),
        .revision = kRsdpRevision,
        .rsdt_address = 0,
        .length = sizeof(Rsdp),
        .xsdt_address = xsdt_address,
        .extended_checksum = 0,
        .reserved = {},
    };
    rsdp.checksum = checksum_for(bytes_of(rsdp).first(kRsdpV1Length));
    rsdp.extended_checksum = checksum_for(bytes_of(rsdp));
    return rsdp;
}

Result<u64> write_acpi_tables(const GuestMemory& mem, const AcpiConfig& cfg) {
    FLINT_TRY_VOID(validate_config(cfg));

    const std::vector<u8> dsdt = FLINT_TRY(build_dsdt(cfg));
    const std::vector<u8> madt = FLINT_TRY(build_madt(cfg));
    constexpr std::size_t kXsdtEntries = 2;  // FACP, APIC
    const u64 xsdt_size = sizeof(SdtHeader) + kXsdtEntries * sizeof(u64);

    // Layout: RSDP, XSDT, FADT, DSDT, MADT.
    Placer placer(cfg.tables_address);
    const u64 rsdp_at = placer.place(sizeof(Rsdp));
    const u64 xsdt_at = placer.place(xsdt_size);
    const u64 fadt_at = placer.place(sizeof(Fadt));
    const u64 dsdt_at = placer.place(dsdt.size());
    const u64 madt_at = placer.place(madt.size());
    if (placer.end() > kBiosAreaEnd) {
        return Error::format("ACPI tables from {:#x} need {} bytes and run past {:#x}",
                             cfg.tables_address, placer.end() - cfg.tables_address,
                             kBiosAreaEnd);
    }

    const std::vector<u8> fadt = build_fadt(cfg, dsdt_at);
    const std::array<u64, kXsdtEntries> entries{fadt_at, madt_at};
    const std::vector<u8> xsdt = build_xsdt(entries);
    const Rsdp rsdp = build_rsdp(xsdt_at);

    FLINT_TRY_VOID(store(mem, "RSDP", rsdp_at, bytes_of(rsdp)));
    FLINT_TRY_VOID(store(mem, "XSDT", xsdt_at, xsdt));
    FLINT_TRY_VOID(store(mem, "FADT", fadt_at, fadt));
    FLINT_TRY_VOID(store(mem, "DSDT", dsdt_at, dsdt));
    FLINT_TRY_VOID(store(mem, "MADT", madt_at, madt));
    return rsdp_at;
}

}  // namespace flint::acpi
