#pragma once
// What the ACPI tables describe, and the fixed addresses and ports they use.
//
// Guest-physical placement: the RSDP must lie in the BIOS read-only area 0xE0000-0xFFFFF
// on a 16-byte boundary, where an OS finds it by scanning (5.2.5.1). Flint puts the RSDP
// and every other table there, from kAcpiTablesStart; the e820 map reports the whole
// 0x9FC00-0x100000 range reserved, so the guest never reuses it as RAM.
//
// I/O ports: one small register block, owned by SleepControl, at kPmPortBase:
//   kPmPortBase + 0  SLEEP_CONTROL_REG  (8-bit, write: SLP_TYP in bits 2-4, SLP_EN bit 5)
//   kPmPortBase + 1  SLEEP_STATUS_REG   (8-bit, reads 0, writes ignored)
//   kPmPortBase + 2  RESET_REG          (8-bit, write kResetValue to reset the machine)
// 0x600 is unused on Flint's PC layout; it keeps clear of VGA (0x3C0-0x3DF), fw_cfg
// (0x510) and the PCI configuration ports (0xCF8-0xCFF, which hold the usual 0xCF9
// reset register and so cannot be claimed by a second device on Flint's bus).
#include <cstddef>
#include <optional>
#include <vector>

#include "acpi/madt.h"
#include "base/types.h"

namespace flint::acpi {

inline constexpr u64 kBiosAreaStart = 0xe0000;
inline constexpr u64 kBiosAreaEnd = 0x100000;  // exclusive
inline constexpr u64 kRsdpAlign = 16;
inline constexpr u64 kAcpiTablesStart = kBiosAreaStart;

inline constexpr u16 kPmPortBase = 0x600;
inline constexpr u16 kSleepControlOffset = 0;
inline constexpr u16 kSleepStatusOffset = 1;
inline constexpr u16 kResetOffset = 2;
inline constexpr u16 kPmPortCount = 3;

// The value the guest writes to RESET_REG to reset the machine. FIXME: Linux 6.1 on a
// hardware-reduced platform prefers an EFI reboot and falls back to a real-mode BIOS jump,
// never trying RESET_REG, unless the command line says `reboot=acpi`; the VMM should add
// that (or handle the triple fault the fallback ends in).
inline constexpr u8 kResetValue = 0x01;
// SLP_TYP for S5 (soft off), as the DSDT's \_S5 object declares it.
inline constexpr u8 kSleepTypeS5 = 5;

inline constexpr u32 kIoApicAddress = 0xfec00000;
inline constexpr u32 kLocalApicAddress = 0xfee00000;
// xAPIC IDs are 8 bits and 0xFF is the broadcast ID.
inline constexpr u32 kMaxVcpus = 255;

// The legacy ISA devices the DSDT declares. On a hardware-reduced platform Linux does not
// set up the 8259 PICs, so an ISA IRQ only gets an interrupt descriptor when a device's
// _CRS names it; without these objects the RTC and UART drivers cannot request their IRQs.
inline constexpr u16 kCmosRtcPort = 0x70;
inline constexpr u8 kCmosRtcPortCount = 2;
inline constexpr u8 kCmosRtcIrq = 8;
inline constexpr u8 kSerialPortCount = 8;  // registers of one 8250/16550 UART
inline constexpr std::size_t kMaxSerialPorts = 4;  // COM1-COM4

struct IsaSerialPort {
    u16 port = 0x3f8;
    u8 irq = 4;
};

// One ISA IRQ that reaches the I/O APIC on another GSI or with other polarity/trigger.
struct IrqOverride {
    u8 isa_irq = 0;
    u32 gsi = 0;
    u16 flags = inti::kConforms;  // MPS INTI flags
};

// A virtio-mmio device (virtio 1.2 section 4.2), declared as Linux's virtio_mmio driver
// matches it through ACPI: _HID "LNRO0005", its register window and interrupt in _CRS.
struct VirtioMmioDevice {
    u32 base = 0;
    u32 size = 0x1000;
    u8 irq = 0;  // an ISA IRQ (edge-triggered, active-high)
};
inline constexpr std::size_t kMaxVirtioMmioDevices = 8;  // named VR00-VR07

// The PCI root bridge over bus 0 (PNP0A03): configuration through ports 0xCF8-0xCFF and
// one 32-bit MMIO window for the BARs.
struct PciRootBridge {
    u16 config_port = 0xcf8;
    u8 config_port_count = 8;
    u32 window_base = 0;
    u32 window_size = 0;
};

struct AcpiConfig {
    u32 num_vcpus = 1;  // vCPU i has APIC ID i and ACPI processor UID i

    u8 ioapic_id = 0;
    u32 ioapic_address = kIoApicAddress;
    u32 ioapic_gsi_base = 0;
    u32 local_apic_address = kLocalApicAddress;
    // As on PCs, the PIT's IRQ0 is wired to I/O APIC pin 2.
    std::vector<IrqOverride> irq_overrides = {{.isa_irq = 0, .gsi = 2, .flags = inti::kConforms}};
    u8 nmi_lint = 1;  // every local APIC takes NMI on LINT1

    u16 pm_port_base = kPmPortBase;  // see the port map above

    // Legacy hardware the VM has, reported in the FADT and MADT flags.
    bool has_isa_devices = true;  // UART, i8042, RTC on the ISA bus
    bool has_i8042 = true;        // keyboard controller at 0x60/0x64 (used for reset)
    bool has_vga = false;
    bool has_cmos_rtc = true;     // MC146818 at kCmosRtcPort, IRQ 8
    std::vector<IsaSerialPort> serial_ports = {{.port = 0x3f8, .irq = 4}};  // COM1 first
    bool has_dual_8259 = true;  // legacy PICs (unused by Linux on hardware-reduced ACPI)
    std::vector<VirtioMmioDevice> virtio_mmio;
    std::optional<PciRootBridge> pci;  // no PCI bus when empty

    // Where the tables go: the RSDP first, the others after it. Must lie in the BIOS area.
    u64 tables_address = kAcpiTablesStart;
};

}  // namespace flint::acpi
