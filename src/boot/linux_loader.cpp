#include "boot/linux_loader.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "base/bits.h"
#include "base/log.h"
#include "boot/bzimage.h"
#include "boot/e820.h"
#include "boot/layout.h"
#include "boot/long_mode.h"
#include "boot/setup_header.h"
#include "boot/vmlinux_payload.h"

namespace flint::boot {

namespace {

// What initrd_addr_max means when a kernel leaves it zero (protocols before 2.03).
constexpr u64 kDefaultInitrdAddrMax = 0x37ffffff;

u64 ceil_mib(u64 bytes) { return (bytes + MiB - 1) / MiB; }

// End of the RAM region that starts at guest-physical 0: everything the 32-bit fields of
// the zero page point at must lie below it.
Result<u64> low_ram_end(const GuestMemory& mem) {
    for (const MemoryRegion& r : mem.regions())
        if (r.gpa == 0) return r.gpa + r.size;
    return Error("guest memory has no RAM at address 0, where the boot tables go");
}

Result<void> check_cmdline(const std::string& cmdline, const SetupHeader& h) {
    if (cmdline.find('\0') != std::string::npos)
        return Error("the kernel command line contains a NUL byte: remove it");
    const u64 limit = std::min<u64>(h.cmdline_size, kCmdlineMax - 1);
    if (cmdline.size() > limit)
        return Error::format("the kernel command line is {} bytes, longer than the {} this kernel accepts; "
                             "shorten it",
                             cmdline.size(), limit);
    return ok();
}

// The initrd goes as high as the kernel allows, where the kernel's decompression cannot
// reach it, and above everything the kernel occupies.
Result<u64> place_initrd(u64 size, const SetupHeader& h, u64 kernel_end, u64 ram_end, u64 guest_ram_size) {
    const u64 addr_max = h.initrd_addr_max != 0 ? h.initrd_addr_max : kDefaultInitrdAddrMax;
    const u64 top = std::min(addr_max + 1, ram_end);
    const u64 lowest = align_up(kernel_end, kInitrdAlign);
    if (size > top || align_down(top - size, kInitrdAlign) < lowest)
        return Error::format("initrd of {} MiB does not fit in {} MiB of guest memory with this kernel; "
                             "raise --memory",
                             ceil_mib(size), guest_ram_size / MiB);
    return align_down(top - size, kInitrdAlign);
}

Result<void> write_bytes(const GuestMemory& mem, u64 gpa, std::span<const u8> bytes, std::string_view what) {
    if (!mem.write(gpa, bytes))
        return Error::format("{} ({} bytes at {:#x}) does not fit in guest memory", what, bytes.size(), gpa);
    return ok();
}

// The zero page starts from the image's own setup header; the loader then fills in what
// only it knows.
BootParams make_zero_page(const LinuxImage& image, const BzImage& bz, u64 load_addr, u64 initrd_addr) {
    BootParams zp{};
    std::memcpy(reinterpret_cast<u8*>(&zp) + kSetupHeaderOffset, image.kernel.data() + kSetupHeaderOffset,
                bz.header_len);
    SetupHeader& h = zp.hdr;
    h.type_of_loader = kLoaderTypeUndefined;
    h.loadflags = static_cast<u8>(h.loadflags | kLoadedHigh | kCanUseHeap);
    h.heap_end_ptr = kSetupHeapEnd;
    h.code32_start = static_cast<u32>(load_addr);
    h.cmd_line_ptr = static_cast<u32>(kCmdlineAddr);
    zp.ext_cmd_line_ptr = static_cast<u32>(kCmdlineAddr >> 32);
    const u64 initrd_size = image.initrd.size();
    h.ramdisk_image = static_cast<u32>(initrd_addr);
    h.ramdisk_size = static_cast<u32>(initrd_size);
    zp.ext_ramdisk_image = static_cast<u32>(initrd_addr >> 32);
    zp.ext_ramdisk_size = static_cast<u32>(initrd_size >> 32);
    return zp;
}

// Writes the uncompressed kernel's segments where the bzImage's decompressor would put
// them: at the load address plus their offset from the kernel's link-time base (the
// kernel fixes up its own page tables for wherever that lands). Returns the physical
// entry point, or nothing when the payload's format is one only the guest can unpack.
Result<std::optional<u64>> write_unpacked_kernel(const GuestMemory& mem, const BzImage& bz,
                                                 const KernelPlacement& kernel) {
    const std::span<const u8> payload = FLINT_TRY(bzimage_payload(bz));
    if (payload_format(payload) == PayloadFormat::Other) {
        spdlog::info("the kernel payload's compression is not one the host unpacks; the guest decompresses it");
        return std::optional<u64>{};
    }
    const std::vector<u8> elf = FLINT_TRY(decompress_payload(payload));
    const VmlinuxImage vmlinux = FLINT_TRY(parse_vmlinux(elf));
    if (vmlinux.end - vmlinux.lowest > kernel.end - kernel.load_addr)
        return Error("the decompressed kernel is larger than the bzImage's init_size: the bzImage is damaged");
    for (const VmlinuxImage::Segment& seg : vmlinux.segments) {
        const u64 gpa = kernel.load_addr + (seg.paddr - vmlinux.lowest);
        FLINT_TRY_VOID(write_bytes(mem, gpa, seg.bytes, "the kernel"));
        // Guest RAM may hold an earlier boot's bytes: .bss must start out zero.
        const std::vector<u8> zeros(seg.memsz - seg.bytes.size());
        FLINT_TRY_VOID(write_bytes(mem, gpa + seg.bytes.size(), zeros, "the kernel"));
    }
    return std::optional<u64>{kernel.load_addr + (vmlinux.entry - vmlinux.lowest)};
}

}  // namespace

Result<hv::CpuState> load_linux(const GuestMemory& mem, const LinuxImage& image) {
    const BzImage bz = FLINT_TRY(parse_bzimage(image.kernel));
    const u64 ram_end = FLINT_TRY(low_ram_end(mem));
    const KernelPlacement kernel = FLINT_TRY(place_kernel(bz, ram_end, mem.size()));
    FLINT_TRY_VOID(check_cmdline(image.cmdline, bz.header));
    u64 initrd_addr = 0;
    if (!image.initrd.empty())
        initrd_addr = FLINT_TRY(place_initrd(image.initrd.size(), bz.header, kernel.end, ram_end, mem.size()));

    u64 entry = kernel.load_addr + kEntry64Offset;
    std::optional<u64> unpacked_entry;
    if (image.unpack_on_host) unpacked_entry = FLINT_TRY(write_unpacked_kernel(mem, bz, kernel));
    if (unpacked_entry)
        entry = *unpacked_entry;
    else
        FLINT_TRY_VOID(write_bytes(mem, kernel.load_addr, bz.protected_mode, "the kernel"));
    if (!image.initrd.empty()) FLINT_TRY_VOID(write_bytes(mem, initrd_addr, image.initrd, "the initrd"));
    // The command line with its terminating NUL.
    const std::span<const u8> cmdline(reinterpret_cast<const u8*>(image.cmdline.c_str()), image.cmdline.size() + 1);
    FLINT_TRY_VOID(write_bytes(mem, kCmdlineAddr, cmdline, "the command line"));

    BootParams zp = make_zero_page(image, bz, kernel.load_addr, initrd_addr);
    FLINT_TRY_VOID(store_e820_map(zp, build_e820_map(mem.regions())));
    if (!mem.write_obj(kZeroPageAddr, zp)) return Error("the zero page does not fit in guest memory");

    FLINT_TRY_VOID(write_identity_page_tables(mem));
    FLINT_TRY_VOID(write_boot_gdt(mem));
    return long_mode_cpu_state(entry, kZeroPageAddr);
}

}  // namespace flint::boot
