#pragma once
// The type-0 configuration header of a PCI function (PCI Local Bus 3.0 section 6.1) and
// the capability IDs Flint uses. Offsets are bytes into the 256-byte configuration space.
#include "base/types.h"

namespace flint::pci {

inline constexpr u32 kConfigSize = 256;

enum class ConfigReg : u32 {
    VendorId = 0x00,       // 16 bits, RO
    DeviceId = 0x02,       // 16 bits, RO
    Command = 0x04,        // 16 bits, RW: decode enables, bus master, INTx disable
    Status = 0x06,         // 16 bits, RO here: bit 4 says a capability list exists
    Revision = 0x08,       // 8 bits, RO
    ClassCode = 0x09,      // 24 bits, RO: programming interface, subclass, base class
    HeaderType = 0x0e,     // 8 bits, RO: 0, single function
    Bar0 = 0x10,           // six 32-bit BARs; a 64-bit BAR takes two
    SubsystemVendorId = 0x2c,
    SubsystemId = 0x2e,
    ExpansionRom = 0x30,   // 32 bits: no ROM, reads 0
    CapabilitiesPtr = 0x34,  // 8 bits, RO
    InterruptLine = 0x3c,  // 8 bits, RW scratch for the OS
    InterruptPin = 0x3d,   // 8 bits, RO: 0, no INTx pin
};

inline constexpr u32 kBarCount = 6;
inline constexpr u32 kCapabilitiesStart = 0x40;  // first byte after the header

namespace command {
inline constexpr u16 kIoSpace = 1 << 0;
inline constexpr u16 kMemorySpace = 1 << 1;
inline constexpr u16 kBusMaster = 1 << 2;
inline constexpr u16 kIntxDisable = 1 << 10;
}  // namespace command

inline constexpr u16 kStatusCapabilityList = 1 << 4;

// Low bits of a memory BAR (6.2.5.1).
namespace bar_bits {
inline constexpr u32 kType64 = 0x4;        // bits 2:1 = 10b, the BAR has an upper half
inline constexpr u32 kPrefetchable = 0x8;
inline constexpr u32 kIoSpace = 0x1;
inline constexpr u32 kFlagsMask = 0xf;
}  // namespace bar_bits

// Capability IDs (PCI Code and ID Assignment).
namespace cap_id {
inline constexpr u8 kVendorSpecific = 0x09;
inline constexpr u8 kMsix = 0x11;
}  // namespace cap_id

// Class codes: base class << 16 | subclass << 8 | programming interface.
inline constexpr u32 kClassHostBridge = 0x060000;
inline constexpr u32 kClassOther = 0xff0000;

}  // namespace flint::pci
