#pragma once
// Intel 82093AA I/O APIC: the MMIO window, the indirect registers and the redirection
// entry layout.
#include "base/types.h"

namespace flint::soft {

inline constexpr u64 kIoApicBase = 0xfec00000;
inline constexpr u64 kIoApicMmioSize = 0x1000;
inline constexpr unsigned kIoApicPins = 24;

// Directly addressed registers, 32 bits wide at these offsets.
enum class IoApicMmio : u64 {
    RegSelect = 0x00,  // read/write: bits 7-0 select the indirect register
    Window = 0x10,     // read/write: the selected indirect register
    Eoi = 0x40,        // write-only, version 0x20 only: bits 7-0 are a vector to EOI
};

// Indirectly addressed registers (through RegSelect/Window).
enum class IoApicReg : u8 {
    Id = 0x00,            // read/write: bits 27-24 are the APIC ID
    Version = 0x01,       // read-only: bits 23-16 max redirection entry, bits 7-0 version
    Arbitration = 0x02,   // read-only: bits 27-24 arbitration ID (follows the ID here)
    RedirectionBase = 0x10,  // read/write: entry n low dword at 0x10+2n, high at 0x11+2n
};

// The two versions guests meet: the original 82093AA, and the one with an EOI register.
enum class IoApicVersion : u8 { V11 = 0x11, V20 = 0x20 };

namespace ioapic {
inline constexpr u32 kIdShift = 24;
inline constexpr u32 kIdMask = 0x0f000000;
inline constexpr u32 kMaxEntryShift = 16;

// Redirection entry bits (64-bit entry).
inline constexpr u64 kVectorMask = 0xff;
inline constexpr unsigned kDeliveryShift = 8;
inline constexpr u64 kDeliveryMask = 7;
inline constexpr u64 kDestLogical = 1u << 11;
inline constexpr u64 kDeliveryStatus = 1u << 12;  // read-only
inline constexpr u64 kActiveLow = 1u << 13;
inline constexpr u64 kRemoteIrr = 1u << 14;       // read-only
inline constexpr u64 kLevelTriggered = 1u << 15;
inline constexpr u64 kMasked = 1u << 16;
inline constexpr unsigned kDestShift = 56;
// Bits the guest may write: everything but delivery status, remote IRR and reserved.
inline constexpr u64 kWritable = 0xff00'0000'0001'afffull;
}  // namespace ioapic

}  // namespace flint::soft
