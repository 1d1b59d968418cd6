#pragma once
// The Linux/x86 boot protocol's data structures, as the kernel defines their layout:
// the setup header (at 0x1f1 in a bzImage and in the zero page) and the zero page itself
// (struct boot_params). Only the fields Flint reads or writes are named; the rest is
// padding, and the static_asserts pin every named field to its documented offset.
#include <cstddef>

#include "base/types.h"

namespace flint::boot {

inline constexpr u16 kBootFlag = 0xaa55;      // at 0x1fe, like a boot sector's signature
inline constexpr u32 kHeaderMagic = 0x53726448;  // "HdrS", little-endian
inline constexpr u16 kMinProtocol = 0x020c;   // 2.12: first with xloadflags
inline constexpr u32 kSectorSize = 512;
inline constexpr u8 kDefaultSetupSects = 4;   // what setup_sects == 0 means
inline constexpr u8 kLoaderTypeUndefined = 0xff;
// heap_end_ptr: end of the setup heap, as an offset from the real-mode code minus 0x200.
// The 64-bit entry skips the real-mode setup code, but the field is set as for any loader.
inline constexpr u16 kSetupHeapEnd = 0xfe00;
// The 64-bit entry point lies this far into the protected-mode kernel.
inline constexpr u64 kEntry64Offset = 0x200;

// loadflags (0x211)
enum LoadFlags : u8 {
    kLoadedHigh = 0x01,   // protected-mode code goes at 1 MiB or above (bzImage)
    kKaslrFlag = 0x02,    // set by the kernel itself
    kQuietFlag = 0x20,
    kKeepSegments = 0x40,
    kCanUseHeap = 0x80,   // heap_end_ptr is valid
};

// xloadflags (0x236)
enum XLoadFlags : u16 {
    kXlfKernel64 = 0x0001,              // has the 64-bit entry point at +0x200
    kXlfCanBeLoadedAbove4G = 0x0002,
    kXlfEfiHandover32 = 0x0004,
    kXlfEfiHandover64 = 0x0008,
    kXlfEfiKexec = 0x0010,
};

#pragma pack(push, 1)

// struct setup_header: the part of the zero page that the kernel image carries.
struct SetupHeader {
    u8 setup_sects;
    u16 root_flags;
    u32 syssize;
    u16 ram_size;
    u16 vid_mode;
    u16 root_dev;
    u16 boot_flag;
    u16 jump;  // a short jmp: its second byte gives the header's length
    u32 header;
    u16 version;
    u32 realmode_swtch;
    u16 start_sys_seg;
    u16 kernel_version;  // offset of a version string, from 0x200
    u8 type_of_loader;
    u8 loadflags;
    u16 setup_move_size;
    u32 code32_start;
    u32 ramdisk_image;
    u32 ramdisk_size;
    u32 bootsect_kludge;
    u16 heap_end_ptr;
    u8 ext_loader_ver;
    u8 ext_loader_type;
    u32 cmd_line_ptr;
    u32 initrd_addr_max;  // highest address the initrd may occupy (its last byte)
    u32 kernel_alignment;
    u8 relocatable_kernel;
    u8 min_alignment;
    u16 xloadflags;
    u32 cmdline_size;  // longest command line, terminating NUL excluded
    u32 hardware_subarch;
    u64 hardware_subarch_data;
    u32 payload_offset;
    u32 payload_length;
    u64 setup_data;
    u64 pref_address;
    u32 init_size;  // bytes the kernel needs from its load address to decompress and run
    u32 handover_offset;
    u32 kernel_info_offset;
};

// Offsets of the setup header's fields inside the image and the zero page.
inline constexpr std::size_t kSetupHeaderOffset = 0x1f1;
inline constexpr std::size_t kHeaderJumpOffset = 0x200;
// Everything from kSetupHeaderOffset up to here is header; the zero page's next field
// (edd_mbr_sig_buffer) starts at 0x290, which bounds what a loader may copy.
inline constexpr std::size_t kSetupHeaderLimit = 0x290;

#define FLINT_HDR_AT(field, off) static_assert(offsetof(SetupHeader, field) + kSetupHeaderOffset == (off))
FLINT_HDR_AT(setup_sects, 0x1f1);
FLINT_HDR_AT(boot_flag, 0x1fe);
FLINT_HDR_AT(jump, 0x200);
FLINT_HDR_AT(header, 0x202);
FLINT_HDR_AT(version, 0x206);
FLINT_HDR_AT(kernel_version, 0x20e);
FLINT_HDR_AT(type_of_loader, 0x210);
FLINT_HDR_AT(loadflags, 0x211);
FLINT_HDR_AT(code32_start, 0x214);
FLINT_HDR_AT(ramdisk_image, 0x218);
FLINT_HDR_AT(ramdisk_size, 0x21c);
FLINT_HDR_AT(heap_end_ptr, 0x224);
FLINT_HDR_AT(cmd_line_ptr, 0x228);
FLINT_HDR_AT(initrd_addr_max, 0x22c);
FLINT_HDR_AT(kernel_alignment, 0x230);
FLINT_HDR_AT(relocatable_kernel, 0x234);
FLINT_HDR_AT(xloadflags, 0x236);
FLINT_HDR_AT(cmdline_size, 0x238);
FLINT_HDR_AT(pref_address, 0x258);
FLINT_HDR_AT(init_size, 0x260);
FLINT_HDR_AT(kernel_info_offset, 0x268);
#undef FLINT_HDR_AT
static_assert(kSetupHeaderOffset + sizeof(SetupHeader) == 0x26c);

// One entry of the BIOS e820 memory map.
enum class E820Type : u32 {
    kRam = 1,
    kReserved = 2,
    kAcpi = 3,
    kNvs = 4,
    kUnusable = 5,
};

struct E820Entry {
    u64 addr;
    u64 size;
    E820Type type;
};
static_assert(sizeof(E820Entry) == 20);

inline constexpr std::size_t kE820MaxEntries = 128;

// struct boot_params, the "zero page".
struct BootParams {
    u8 pad_screen_apm_ist[0x0c0];  // screen_info, apm_bios_info, ist_info, ...
    u32 ext_ramdisk_image;         // bits 63:32 of the initrd address
    u32 ext_ramdisk_size;          // bits 63:32 of the initrd size
    u32 ext_cmd_line_ptr;          // bits 63:32 of the command line address
    u8 pad_to_e820_entries[0x1e8 - 0x0cc];
    u8 e820_entries;
    u8 eddbuf_entries;
    u8 edd_mbr_sig_buf_entries;
    u8 kbd_status;
    u8 secure_boot;
    u8 pad_to_sentinel[2];
    u8 sentinel;  // the kernel clears fields it distrusts when this is nonzero: keep 0
    u8 pad_to_hdr;
    SetupHeader hdr;
    u8 pad_to_e820_table[0x2d0 - 0x26c];
    E820Entry e820_table[kE820MaxEntries];
    u8 pad_to_end[0x1000 - 0x2d0 - kE820MaxEntries * sizeof(E820Entry)];
};

#pragma pack(pop)

static_assert(sizeof(BootParams) == 0x1000);
static_assert(offsetof(BootParams, ext_ramdisk_image) == 0x0c0);
static_assert(offsetof(BootParams, ext_ramdisk_size) == 0x0c4);
static_assert(offsetof(BootParams, ext_cmd_line_ptr) == 0x0c8);
static_assert(offsetof(BootParams, e820_entries) == 0x1e8);
static_assert(offsetof(BootParams, sentinel) == 0x1ef);
static_assert(offsetof(BootParams, hdr) == kSetupHeaderOffset);
static_assert(offsetof(BootParams, e820_table) == 0x2d0);

}  // namespace flint::boot
