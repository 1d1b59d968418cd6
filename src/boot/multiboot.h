#pragma once
// Multiboot (version 1) kernels, loaded the way QEMU's -kernel loads them: an ELF32
// image, or any image whose header carries load addresses (the "a.out kludge"). This is
// how OS developers' test kernels and Flint's own bare-metal test programs (tests/guest)
// boot. The kernel starts in 32-bit protected mode with paging off, EAX = 0x2BADB002 and
// EBX pointing at the multiboot information structure.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/types.h"
#include "hv/cpu_state.h"
#include "memory/guest_memory.h"

namespace flint::boot {

inline constexpr u32 kMultibootHeaderMagic = 0x1BADB002;
inline constexpr u32 kMultibootBootloaderMagic = 0x2BADB002;
inline constexpr u64 kMultibootSearchBytes = 8192;

// Where the multiboot header sits in the image, when there is one.
std::optional<u64> find_multiboot_header(std::span<const u8> image);

struct MultibootImage {
    std::vector<u8> kernel;
    std::vector<u8> module;  // the initrd, handed over as module 0 (empty: none)
    std::string cmdline;
};

Result<hv::CpuState> load_multiboot(const GuestMemory& mem, const MultibootImage& image);

}  // namespace flint::boot
