#pragma once
// Direct boot of a Linux bzImage through the 64-bit boot protocol: the VMM plays the boot
// loader, writes kernel, initrd, command line, zero page and long-mode tables into guest
// memory, and starts vCPU 0 at the kernel's 64-bit entry point.
#include <string>
#include <vector>

#include "base/result.h"
#include "base/types.h"
#include "hv/cpu_state.h"
#include "memory/guest_memory.h"

namespace flint::boot {

struct LinuxImage {
    std::vector<u8> kernel;  // the bzImage file as it is on disk
    std::vector<u8> initrd;  // empty: no initrd
    std::string cmdline;
};

// Loads `image` into `mem` (see boot/layout.h for where things go) and returns the state
// of the boot vCPU. Errors say what is wrong with the image or the memory size and what to
// do; the caller adds which file they concern.
Result<hv::CpuState> load_linux(const GuestMemory& mem, const LinuxImage& image);

}  // namespace flint::boot
