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
    // Unpack the compressed vmlinux on the host and enter it at startup_64 instead of
    // running the bzImage's decompressor in the guest (for a software CPU, where that
    // decompressor takes minutes). Falls back to the decompressor for compression formats
    // the host side does not handle.
    bool unpack_on_host = false;
};

// Loads `image` into `mem` (see boot/layout.h for where things go) and returns the state
// of the boot vCPU. Errors say what is wrong with the image or the memory size and what to
// do; the caller adds which file they concern.
Result<hv::CpuState> load_linux(const GuestMemory& mem, const LinuxImage& image);

}  // namespace flint::boot
