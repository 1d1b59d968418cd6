#pragma once
// Multiple APIC Description Table (ACPI 6.x, 5.2.12), signature "APIC": the local APIC of
// every processor, the I/O APIC, how ISA IRQs map to GSIs, and where NMI is wired.
#include <cstddef>

#include "acpi/sdt.h"
#include "base/bits.h"
#include "base/types.h"

namespace flint::acpi {

inline constexpr u8 kMadtRevision = 5;  // ACPI 6.3

struct [[gnu::packed]] MadtFixed {
    SdtHeader header;  // "APIC"
    u32 local_apic_address;
    u32 flags;
};
static_assert(sizeof(MadtFixed) == 44);
static_assert(offsetof(MadtFixed, local_apic_address) == 36);
static_assert(offsetof(MadtFixed, flags) == 40);

inline constexpr u32 kMadtPcatCompat = static_cast<u32>(bit(0));  // dual 8259s present

// Interrupt controller structure types (Table 5.45).
enum class MadtType : u8 {
    LocalApic = 0,
    IoApic = 1,
    InterruptSourceOverride = 2,
    LocalApicNmi = 4,
};

struct [[gnu::packed]] MadtLocalApic {
    MadtType type;  // LocalApic
    u8 length;      // 8
    u8 processor_uid;
    u8 apic_id;
    u32 flags;
};
static_assert(sizeof(MadtLocalApic) == 8);
static_assert(offsetof(MadtLocalApic, flags) == 4);

inline constexpr u32 kLocalApicEnabled = static_cast<u32>(bit(0));

struct [[gnu::packed]] MadtIoApic {
    MadtType type;  // IoApic
    u8 length;      // 12
    u8 io_apic_id;
    u8 reserved;
    u32 address;
    u32 gsi_base;
};
static_assert(sizeof(MadtIoApic) == 12);
static_assert(offsetof(MadtIoApic, address) == 4);
static_assert(offsetof(MadtIoApic, gsi_base) == 8);

struct [[gnu::packed]] MadtInterruptOverride {
    MadtType type;  // InterruptSourceOverride
    u8 length;      // 10
    u8 bus;         // 0: ISA
    u8 source;      // ISA IRQ
    u32 gsi;
    u16 flags;  // MPS INTI flags
};
static_assert(sizeof(MadtInterruptOverride) == 10);
static_assert(offsetof(MadtInterruptOverride, gsi) == 4);
static_assert(offsetof(MadtInterruptOverride, flags) == 8);

struct [[gnu::packed]] MadtLocalApicNmi {
    MadtType type;  // LocalApicNmi
    u8 length;      // 6
    u8 processor_uid;  // 0xff: every processor
    u16 flags;         // MPS INTI flags
    u8 lint;           // LINTn pin the NMI is wired to
};
static_assert(sizeof(MadtLocalApicNmi) == 6);
static_assert(offsetof(MadtLocalApicNmi, flags) == 3);
static_assert(offsetof(MadtLocalApicNmi, lint) == 5);

inline constexpr u8 kAllProcessors = 0xff;

// MPS INTI flags (Table 5.50): polarity in bits 0-1, trigger mode in bits 2-3. "Conforms"
// means "as the bus specifies": active high and edge for ISA.
namespace inti {
inline constexpr u16 kConforms = 0;
inline constexpr u16 kActiveHigh = 0b01;
inline constexpr u16 kActiveLow = 0b11;
inline constexpr u16 kEdge = 0b01 << 2;
inline constexpr u16 kLevel = 0b11 << 2;
}  // namespace inti

}  // namespace flint::acpi
