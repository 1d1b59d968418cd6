#include "boot/bzimage.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "base/bits.h"
#include "boot/layout.h"

namespace flint::boot {

namespace {

constexpr const char* kHint = "pass a Linux bzImage such as /boot/vmlinuz-*";

u64 ceil_mib(u64 bytes) { return (bytes + MiB - 1) / MiB; }

bool is_power_of_two(u64 v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

Result<BzImage> parse_bzimage(std::span<const u8> image) {
    constexpr std::size_t kMinHeaderEnd = kSetupHeaderOffset + sizeof(SetupHeader);
    if (image.size() < kMinHeaderEnd)
        return Error::format("not a bzImage (only {} bytes, too short for a boot header): {}", image.size(),
                             kHint);
    BzImage bz;
    std::memcpy(&bz.header, image.data() + kSetupHeaderOffset, sizeof(SetupHeader));
    const SetupHeader& h = bz.header;

    if (h.boot_flag != kBootFlag)
        return Error::format("not a bzImage (no 0xAA55 boot flag at 0x1fe): {}", kHint);
    if (h.header != kHeaderMagic) return Error::format("not a bzImage (no HdrS magic): {}", kHint);
    if (h.version < kMinProtocol)
        return Error::format("boot protocol {}.{:02} is older than 2.12, which the 64-bit entry needs: "
                             "use a Linux kernel from 3.8 or later",
                             h.version >> 8, h.version & 0xff);
    if (!(h.xloadflags & kXlfKernel64))
        return Error::format("not a 64-bit kernel (XLF_KERNEL_64 not set): pass an x86-64 bzImage");
    if (!(h.loadflags & kLoadedHigh))
        return Error::format("not a bzImage (LOADED_HIGH not set, an old zImage?): {}", kHint);

    // The jump at 0x200 skips the header, so its displacement byte says where it ends.
    const std::size_t jump_disp = image[kHeaderJumpOffset + 1];
    const std::size_t header_end = std::min(kHeaderJumpOffset + 2 + jump_disp, kSetupHeaderLimit);
    // Protocol 2.12 ends its header right after init_size; later fields are optional.
    constexpr std::size_t kRequiredHeaderEnd = kSetupHeaderOffset + offsetof(SetupHeader, init_size) + sizeof(u32);
    if (header_end < kRequiredHeaderEnd)
        return Error::format("damaged boot header ({} bytes, too short for protocol {}.{:02}): {}",
                             header_end - kSetupHeaderOffset, h.version >> 8, h.version & 0xff, kHint);
    bz.header_len = header_end - kSetupHeaderOffset;
    if (bz.header_len < sizeof(SetupHeader)) {
        // Bytes past a short header are code, not fields: do not let them pose as fields.
        std::memset(reinterpret_cast<u8*>(&bz.header) + bz.header_len, 0, sizeof(SetupHeader) - bz.header_len);
    }

    const std::size_t setup_sects = h.setup_sects == 0 ? kDefaultSetupSects : h.setup_sects;
    const std::size_t setup_bytes = (setup_sects + 1) * kSectorSize;
    if (image.size() <= setup_bytes)
        return Error::format("truncated: {} bytes, but its setup code alone takes {}: {}", image.size(),
                             setup_bytes, kHint);
    bz.protected_mode = image.subspan(setup_bytes);
    return bz;
}

std::string kernel_version_string(std::span<const u8> image, const SetupHeader& header) {
    if (header.kernel_version == 0) return {};
    const std::size_t start = kHeaderJumpOffset + header.kernel_version;
    if (start >= image.size()) return {};
    const auto rest = image.subspan(start, std::min<std::size_t>(image.size() - start, 256));
    std::string out;
    for (u8 c : rest) {
        if (c == 0) return out;
        if (c < 0x20 || c > 0x7e) return {};
        out.push_back(static_cast<char>(c));
    }
    return {};  // no terminator within reach: not a version string
}

Result<KernelPlacement> place_kernel(const BzImage& kernel, u64 ram_end, u64 guest_ram_size) {
    const SetupHeader& h = kernel.header;
    const u64 pref = h.pref_address;
    const bool relocatable = h.relocatable_kernel != 0;

    // A relocatable kernel goes where it prefers, if that is a sane place: decompressing
    // there avoids the in-place copy the kernel would otherwise make of itself.
    KernelPlacement p;
    p.load_addr = kHighMemoryStart;
    if (relocatable && pref >= kHighMemoryStart && pref < ram_end && pref % (4 * KiB) == 0) p.load_addr = pref;

    // The 64-bit entry rounds its run address up to kernel_alignment and never goes below
    // pref_address (LOAD_PHYSICAL_ADDR); a non-relocatable kernel always runs there.
    u64 run_addr = p.load_addr;
    if (relocatable && is_power_of_two(h.kernel_alignment)) run_addr = align_up(run_addr, h.kernel_alignment);
    run_addr = std::max(run_addr, pref);
    const u64 need_end = std::max(run_addr + h.init_size, p.load_addr + kernel.protected_mode.size());
    if (need_end > ram_end)
        return Error::format("guest memory of {} MiB is too small for this kernel: it needs at least {} MiB; "
                             "raise --memory",
                             guest_ram_size / MiB, ceil_mib(need_end));
    p.end = need_end;
    return p;
}

}  // namespace flint::boot
