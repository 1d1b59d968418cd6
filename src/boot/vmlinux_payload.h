#pragma once
// The kernel inside a bzImage: the compressed vmlinux ELF that the bzImage's own
// decompressor would unpack in the guest. Unpacking it on the host instead and entering
// the kernel proper at its 64-bit entry skips minutes of decompression on a software CPU
// (an interpreted xz decoder is slow) and the decompressor's own early boot code.
#include <span>
#include <vector>

#include "base/result.h"
#include "boot/bzimage.h"

namespace flint::boot {

enum class PayloadFormat { Gzip, Xz, Other };

// The payload's compression, from its magic bytes.
PayloadFormat payload_format(std::span<const u8> payload);

// The compressed payload of a bzImage (protocol 2.08+: payload_offset/payload_length),
// or an error when the header does not describe one inside the image.
Result<std::span<const u8>> bzimage_payload(const BzImage& bz);

// Unpacks a gzip or xz payload; the kernel build appends the uncompressed size as four
// little-endian bytes, which bounds the output. Other formats fail with a message naming
// the format.
Result<std::vector<u8>> decompress_payload(std::span<const u8> payload);

// The loadable parts of an uncompressed x86-64 vmlinux, by physical address.
struct VmlinuxImage {
    struct Segment {
        u64 paddr = 0;
        std::span<const u8> bytes;  // file contents; memsz - bytes.size() bytes of zeros follow
        u64 memsz = 0;
    };
    std::vector<Segment> segments;
    u64 entry = 0;        // physical address of startup_64 (e_entry)
    u64 lowest = 0;       // lowest segment start: the kernel's link-time load address
    u64 end = 0;          // first byte above every segment
};

// Checks that `elf` is a 64-bit little-endian x86-64 executable with PT_LOAD segments and
// lists them. The span must outlive the result.
Result<VmlinuxImage> parse_vmlinux(std::span<const u8> elf);

}  // namespace flint::boot
