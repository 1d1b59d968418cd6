#pragma once
// Builds small synthetic bzImages for the loader's tests: a valid setup header in front of
// a recognisable payload, with every header field a test may want to break exposed.
#include <cstring>
#include <vector>

#include "boot/setup_header.h"

namespace flint::boot::test {

// A packed field's value. gtest's macros take their arguments by reference, and a
// reference to a misaligned field of a packed struct is undefined behaviour.
template <typename T>
constexpr T val(T v) {
    return v;
}

struct FakeBzImage {
    u8 setup_sects = 4;
    u16 boot_flag = kBootFlag;
    u32 magic = kHeaderMagic;
    u16 version = 0x020f;
    u8 loadflags = kLoadedHigh;
    u16 xloadflags = kXlfKernel64 | kXlfCanBeLoadedAbove4G;
    u8 relocatable = 1;
    u32 kernel_alignment = 2 * MiB;
    u64 pref_address = 16 * MiB;
    u32 init_size = 8 * MiB;
    u32 initrd_addr_max = 0x7fffffff;
    u32 cmdline_size = 2047;
    u8 header_jump_disp = 0x6a;  // header ends at 0x26c, as in current kernels
    std::size_t payload_size = 16 * KiB;

    // Byte i of the protected-mode payload.
    static u8 payload_byte(std::size_t i) { return static_cast<u8>((i * 7 + 3) & 0xff); }

    std::vector<u8> build() const {
        const std::size_t sects = setup_sects == 0 ? kDefaultSetupSects : setup_sects;
        const std::size_t setup_bytes = (sects + 1) * kSectorSize;
        std::vector<u8> image(setup_bytes + payload_size, 0);
        SetupHeader h{};
        h.setup_sects = setup_sects;
        h.boot_flag = boot_flag;
        h.jump = static_cast<u16>(0xeb | (header_jump_disp << 8));  // jmp short past the header
        h.header = magic;
        h.version = version;
        h.loadflags = loadflags;
        h.xloadflags = xloadflags;
        h.relocatable_kernel = relocatable;
        h.kernel_alignment = kernel_alignment;
        h.pref_address = pref_address;
        h.init_size = init_size;
        h.initrd_addr_max = initrd_addr_max;
        h.cmdline_size = cmdline_size;
        h.vid_mode = 0xffff;
        h.kernel_version = 0x100;  // version string at 0x300, inside the setup sectors
        std::memcpy(image.data() + kSetupHeaderOffset, &h, sizeof(h));
        const char version_text[] = "6.99.0-test (flint@test) #1 SMP";
        std::memcpy(image.data() + kHeaderJumpOffset + h.kernel_version, version_text, sizeof(version_text));
        for (std::size_t i = 0; i < payload_size; ++i) image[setup_bytes + i] = payload_byte(i);
        return image;
    }
};

}  // namespace flint::boot::test
