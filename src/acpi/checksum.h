#pragma once
// ACPI checksums: every table's bytes, checksum field included, add up to 0 modulo 256.
#include <span>

#include "base/types.h"

namespace flint::acpi {

// The low byte of the sum of `bytes`.
constexpr u8 byte_sum(std::span<const u8> bytes) {
    u32 sum = 0;
    for (u8 b : bytes) sum += b;
    return static_cast<u8>(sum);
}

// The value a checksum field must hold so that `bytes` (with that field still zero) sums
// to 0.
constexpr u8 checksum_for(std::span<const u8> bytes) {
    return static_cast<u8>(0x100u - byte_sum(bytes));
}

}  // namespace flint::acpi
