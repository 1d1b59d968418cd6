#pragma once
// The e820 memory map Flint reports to a Linux guest: the PC's conventional-memory layout
// (usable RAM up to the EBDA, firmware areas reserved up to 1 MiB), then every RAM region
// of the guest above that.
#include <span>
#include <vector>

#include "base/result.h"
#include "boot/setup_header.h"
#include "memory/guest_memory.h"

namespace flint::boot {

// The map for these RAM regions, sorted by address. Regions must start at 0 or at 1 MiB
// and above, as GuestMemory lays them out.
std::vector<E820Entry> build_e820_map(std::span<const MemoryRegion> regions);

// Stores the map in the zero page; fails when it has more entries than the zero page holds.
Result<void> store_e820_map(BootParams& params, std::span<const E820Entry> map);

}  // namespace flint::boot
