#pragma once
// A Linux bzImage as the 64-bit boot protocol sees it: the setup header, the real-mode
// setup code (which a 64-bit boot skips) and the protected-mode kernel that goes into RAM.
#include <span>
#include <string>

#include "base/result.h"
#include "boot/setup_header.h"

namespace flint::boot {

struct BzImage {
    SetupHeader header{};
    // How many bytes of the header the image defines, counted from kSetupHeaderOffset:
    // older kernels have shorter headers, and only these bytes may be copied.
    std::size_t header_len = 0;
    std::span<const u8> protected_mode;  // the part loaded at the load address
};

// Checks that `image` is a bzImage this loader can start through the 64-bit entry point
// and splits it. The span must outlive the result.
Result<BzImage> parse_bzimage(std::span<const u8> image);

// The kernel's version string ("6.1.0-13-amd64 (debian-kernel@...) #1 SMP ..."), or an
// empty string when the image does not carry a readable one. For logs and tests.
std::string kernel_version_string(std::span<const u8> image, const SetupHeader& header);

// Where the kernel goes and how much RAM it occupies from there.
struct KernelPlacement {
    u64 load_addr = 0;  // where the protected-mode kernel is copied; entry is 0x200 in
    u64 end = 0;        // first byte above everything the kernel uses while it boots
};

// Honours pref_address for a relocatable kernel (1 MiB otherwise) and accounts for
// init_size: a 64-bit kernel decompresses in place at its aligned load address, never
// below pref_address. Fails when that does not fit below `ram_end` (end of low RAM).
Result<KernelPlacement> place_kernel(const BzImage& kernel, u64 ram_end, u64 guest_ram_size);

}  // namespace flint::boot
