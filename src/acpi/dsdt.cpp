#include <array>

#include "acpi/aml.h"
#include "acpi/aml_resource.h"
#include "acpi/config.h"
#include "acpi/tables.h"

namespace flint::acpi {

namespace {

// DSDT revision 2: AML integers are 64 bits wide.
constexpr u8 kDsdtRevision = 2;

constexpr std::array<aml::NameSeg, kMaxSerialPorts> kSerialNames{"COM1", "COM2", "COM3", "COM4"};
constexpr std::array<aml::NameSeg, kMaxVirtioMmioDevices> kVirtioNames{"VR00", "VR01", "VR02", "VR03",
                                                                       "VR04", "VR05", "VR06", "VR07"};

void append(std::vector<u8>& out, const aml::Bytes& more) {
    out.insert(out.end(), more.begin(), more.end());
}

// Name (_S5, Package (4) { SLP_TYPa, SLP_TYPb, Reserved, Reserved })  (7.4.2)
// Linux's power-off path reads SLP_TYPa from here and writes it, with SLP_EN, to the
// FADT's SLEEP_CONTROL_REG. There is only one sleep control register on a hardware-
// reduced platform, so SLP_TYPb is unused. Encoded, this is 13 bytes:
//   08             NameOp
//   5F 53 35 5F    NameSeg "_S5_"
//   12             PackageOp
//   07             PkgLength: 7 bytes from here to the package's end
//   04             NumElements
//   0A 05          BytePrefix 5 (SLP_TYPa)
//   00 00 00       ZeroOp x3 (SLP_TYPb and the reserved fields)
Result<aml::Bytes> sleep_state_s5() {
    const aml::Bytes s5 = FLINT_TRY(aml::package({
        aml::integer(kSleepTypeS5),
        aml::integer(0),
        aml::integer(0),
        aml::integer(0),
    }));
    return aml::name("_S5", s5);
}

// Device (NAME) { Name (_HID, EisaId (...)) Name (_UID, uid) Name (_CRS, IO + IRQ) }
Result<aml::Bytes> isa_device(aml::NameSeg seg, u32 hid, u64 uid, u16 port, u8 ports, u8 irq) {
    aml::Bytes terms = aml::name("_HID", aml::integer(hid));
    append(terms, aml::name("_UID", aml::integer(uid)));
    const aml::Bytes crs =
        FLINT_TRY(aml::resource_template({aml::io_port(port, ports), aml::isa_irq(irq)}));
    append(terms, aml::name("_CRS", crs));
    return aml::device(seg, terms);
}

// Device (VRnn) { Name (_HID, "LNRO0005") Name (_UID, uid) Name (_CRS, Memory32Fixed + IRQ) }
Result<aml::Bytes> virtio_mmio_device(std::size_t index, const VirtioMmioDevice& d) {
    aml::Bytes terms = aml::name("_HID", aml::string("LNRO0005"));
    append(terms, aml::name("_UID", aml::integer(index)));
    const aml::Bytes crs = FLINT_TRY(aml::resource_template({aml::memory32_fixed(d.base, d.size), aml::isa_irq(d.irq)}));
    append(terms, aml::name("_CRS", crs));
    return aml::device(kVirtioNames[index], terms);
}

// Device (PCI0) { _HID PNP0A03, _UID 0, _SEG 0, _BBN 0, _CRS: bus 0, the configuration
// ports it consumes, the BAR window it passes down }. Linux's ACPI PCI root driver scans
// the bus below it; the devices need no _PRT, as they interrupt by MSI-X only.
Result<aml::Bytes> pci_root_bridge(const PciRootBridge& pci) {
    aml::Bytes terms = aml::name("_HID", aml::integer(aml::eisa_id("PNP0A03")));
    append(terms, aml::name("_UID", aml::integer(0)));
    append(terms, aml::name("_SEG", aml::integer(0)));
    append(terms, aml::name("_BBN", aml::integer(0)));
    const aml::Bytes crs = FLINT_TRY(aml::resource_template({
        aml::word_bus_number(0, 0),
        aml::io_port(pci.config_port, pci.config_port_count),
        aml::dword_memory_window(pci.window_base, pci.window_size),
    }));
    append(terms, aml::name("_CRS", crs));
    return aml::device("PCI0", terms);
}

}  // namespace

Result<std::vector<u8>> build_dsdt(const AcpiConfig& cfg) {
    FLINT_TRY_VOID(validate_config(cfg));

    std::vector<u8> table;
    append_struct(table, make_header("DSDT", kDsdtRevision));
    append(table, FLINT_TRY(sleep_state_s5()));

    // Scope (\_SB) { the legacy ISA devices, the virtio-mmio devices, the PCI root bridge }
    aml::Bytes devices;
    if (cfg.has_cmos_rtc) {
        append(devices, FLINT_TRY(isa_device("RTC", aml::eisa_id("PNP0B00"), 0, kCmosRtcPort,
                                             kCmosRtcPortCount, kCmosRtcIrq)));
    }
    for (std::size_t i = 0; i < cfg.serial_ports.size(); ++i) {
        const IsaSerialPort& s = cfg.serial_ports[i];
        append(devices, FLINT_TRY(isa_device(kSerialNames[i], aml::eisa_id("PNP0501"), i + 1,
                                             s.port, kSerialPortCount, s.irq)));
    }
    for (std::size_t i = 0; i < cfg.virtio_mmio.size(); ++i)
        append(devices, FLINT_TRY(virtio_mmio_device(i, cfg.virtio_mmio[i])));
    if (cfg.pci) append(devices, FLINT_TRY(pci_root_bridge(*cfg.pci)));
    if (!devices.empty()) append(table, FLINT_TRY(aml::root_scope("_SB", devices)));

    finalize_table(table);
    return table;
}

}  // namespace flint::acpi
