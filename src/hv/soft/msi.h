#pragma once
// How an x86 MSI message (Intel SDM vol. 3, section 11.11) becomes an interrupt message on
// the soft APIC bus. The address is 0xFEE in bits 31-20, the destination APIC ID in bits
// 19-12, the redirection hint in bit 3 and the destination mode in bit 2; the data holds
// the vector (bits 7-0), the delivery mode (10-8) and the trigger mode (15).
#include <optional>

#include "base/types.h"
#include "hv/soft/interrupt_types.h"

namespace flint::soft {

inline constexpr u64 kMsiAddressBase = 0xfee00000;

// The message for (address, data), or nothing when it is not one the APICs take: an
// address outside 0xFEExxxxx, or a delivery mode other than fixed, lowest priority or NMI.
// MSIs are edge-triggered; a level request is delivered as an edge.
std::optional<InterruptMessage> decode_msi(u64 address, u32 data);

}  // namespace flint::soft
