#include "boot/multiboot.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "base/bits.h"
#include "boot/layout.h"
#include "boot/long_mode.h"

namespace flint::boot {

namespace {

// Header flags (Multiboot 0.6.96, 3.1.2).
enum HeaderFlag : u32 {
    kPageAlignModules = 1u << 0,
    kNeedMemoryInfo = 1u << 1,
    kNeedVideoMode = 1u << 2,
    kAddressFields = 1u << 16,  // load addresses given in the header ("a.out kludge")
};
// Bits 0-15 that a loader must understand or refuse the image.
constexpr u32 kRequiredFlagsKnown = kPageAlignModules | kNeedMemoryInfo | kNeedVideoMode;

// Information-structure flags (3.3).
enum InfoFlag : u32 {
    kInfoMemory = 1u << 0,
    kInfoCmdline = 1u << 2,
    kInfoModules = 1u << 3,
    kInfoMemoryMap = 1u << 6,
    kInfoLoaderName = 1u << 9,
};

struct Header {
    u32 magic, flags, checksum;
    u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct Info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr, config_table, boot_loader_name;
};
static_assert(sizeof(Info) == 68 && offsetof(Info, boot_loader_name) == 64);

struct Module {
    u32 mod_start, mod_end, string, reserved;
};

#pragma pack(push, 1)
struct MmapEntry {
    u32 size;  // of the rest of the entry: 20
    u64 addr, len;
    u32 type;  // 1: available RAM, 2: reserved
};
#pragma pack(pop)
static_assert(sizeof(MmapEntry) == 24);

// Low-memory layout for multiboot kernels (they do not use the Linux areas).
constexpr u64 kInfoAddr = 0x9000;
constexpr u64 kModuleListAddr = 0x9100;
constexpr u64 kMmapAddr = 0x9200;
constexpr u64 kLoaderNameAddr = 0x9400;
constexpr u64 kFirstFreeForKernel = kHighMemoryStart;
constexpr u16 kCode32Selector = 0x08;

// ELF32 (System V ABI) fields used here.
struct Elf32Header {
    u8 ident[16];
    u16 type, machine;
    u32 version, entry, phoff, shoff, flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Elf32Phdr {
    u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
constexpr u32 kPtLoad = 1;
constexpr u16 kEm386 = 3;

// A destination range [addr, addr+len) that must lie in RAM below 4 GiB.
Result<u8*> guest_range(const GuestMemory& mem, u64 addr, u64 len, std::string_view what) {
    if (addr < kFirstFreeForKernel || addr + len > (u64{1} << 32) || addr + len < addr)
        return Error::format("{} at {:#x}+{:#x} is outside 1 MiB..4 GiB: relink the kernel to load above 1 MiB", what,
                             addr, len);
    u8* p = mem.host_ptr(addr, len);
    if (!p)
        return Error::format("{} at {:#x}+{:#x} does not fit in guest memory of {} MiB: raise --memory", what, addr,
                             len, mem.size() / MiB);
    return p;
}

struct Loaded {
    u64 entry;
    u64 end;  // first byte after the kernel, bss included
};

Result<Loaded> load_elf32(const GuestMemory& mem, std::span<const u8> image) {
    if (image.size() < sizeof(Elf32Header)) return Error("multiboot ELF image is truncated");
    Elf32Header eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    if (eh.ident[4] != 1 || eh.machine != kEm386)
        return Error("multiboot kernel is a 64-bit ELF: multiboot v1 needs an ELF32 (i386) image, or header load addresses");
    if (eh.phentsize != sizeof(Elf32Phdr) || u64{eh.phoff} + u64{eh.phnum} * sizeof(Elf32Phdr) > image.size())
        return Error("multiboot ELF image has a damaged program header table");
    Loaded out{eh.entry, 0};
    for (u32 i = 0; i < eh.phnum; ++i) {
        Elf32Phdr ph;
        std::memcpy(&ph, image.data() + eh.phoff + i * sizeof ph, sizeof ph);
        if (ph.type != kPtLoad || ph.memsz == 0) continue;
        if (ph.filesz > ph.memsz || u64{ph.offset} + ph.filesz > image.size())
            return Error::format("multiboot ELF segment {} points outside the file", i);
        u8* dst = FLINT_TRY(guest_range(mem, ph.paddr, ph.memsz, "ELF segment"));
        std::memcpy(dst, image.data() + ph.offset, ph.filesz);
        std::memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
        out.end = std::max(out.end, u64{ph.paddr} + ph.memsz);
    }
    if (out.end == 0) return Error("multiboot ELF image has no loadable segment");
    return out;
}

Result<Loaded> load_address_fields(const GuestMemory& mem, std::span<const u8> image, u64 header_offset,
                                   const Header& h) {
    if (h.header_addr < h.load_addr || h.header_addr - h.load_addr > header_offset)
        return Error("multiboot header's header_addr/load_addr do not match its place in the file");
    const u64 file_start = header_offset - (h.header_addr - h.load_addr);
    const u64 load_len = h.load_end_addr ? u64{h.load_end_addr} - h.load_addr : image.size() - file_start;
    if (h.load_end_addr && h.load_end_addr < h.load_addr) return Error("multiboot load_end_addr is below load_addr");
    if (file_start + load_len > image.size()) return Error("multiboot header asks to load more than the file holds");
    const u64 end = std::max<u64>(h.bss_end_addr, h.load_addr + load_len);
    u8* dst = FLINT_TRY(guest_range(mem, h.load_addr, end - h.load_addr, "kernel"));
    std::memcpy(dst, image.data() + file_start, load_len);
    std::memset(dst + load_len, 0, end - h.load_addr - load_len);
    return Loaded{h.entry_addr, end};
}

hv::Segment flat32(u16 selector, u8 type) {
    hv::Segment s;
    s.base = 0;
    s.limit = 0xffffffff;
    s.selector = selector;
    s.type = type;
    s.present = true;
    s.s = true;
    s.db = true;
    s.g = true;
    return s;
}

}  // namespace

std::optional<u64> find_multiboot_header(std::span<const u8> image) {
    const u64 limit = std::min<u64>(image.size(), kMultibootSearchBytes);
    for (u64 off = 0; off + 12 <= limit; off += 4) {
        u32 magic, flags, checksum;
        std::memcpy(&magic, image.data() + off, 4);
        if (magic != kMultibootHeaderMagic) continue;
        std::memcpy(&flags, image.data() + off + 4, 4);
        std::memcpy(&checksum, image.data() + off + 8, 4);
        if (static_cast<u32>(magic + flags + checksum) == 0) return off;
    }
    return std::nullopt;
}

Result<hv::CpuState> load_multiboot(const GuestMemory& mem, const MultibootImage& image) {
    auto offset = find_multiboot_header(image.kernel);
    if (!offset) return Error("no multiboot header in the first 8 KiB");
    Header h{};
    std::memcpy(&h, image.kernel.data() + *offset, std::min<u64>(sizeof h, image.kernel.size() - *offset));
    if (h.flags & 0xffff & ~kRequiredFlagsKnown)
        return Error::format("multiboot header asks for features Flint does not provide (flags {:#x})", h.flags);
    if (h.flags & kNeedVideoMode) return Error("multiboot kernel needs a video mode; Flint has only a serial console");

    Loaded k = (h.flags & kAddressFields) ? FLINT_TRY(load_address_fields(mem, image.kernel, *offset, h))
                                          : FLINT_TRY(load_elf32(mem, image.kernel));

    const u64 low_end = mem.regions()[0].size;
    Info info{};
    info.flags = kInfoMemory | kInfoMemoryMap | kInfoCmdline | kInfoLoaderName;
    info.mem_lower = static_cast<u32>(kEbdaStart / KiB);
    info.mem_upper = static_cast<u32>((low_end - kHighMemoryStart) / KiB);

    // Command line (the kernel's own path first, as GRUB and QEMU do: arguments follow).
    std::string cmdline = image.cmdline;
    if (cmdline.size() + 1 > kCmdlineMax) return Error("command line too long for the multiboot kernel");
    std::vector<u8> cl(cmdline.begin(), cmdline.end());
    cl.push_back(0);
    if (!mem.write(kCmdlineAddr, cl)) return Error("guest memory too small for the command line");
    info.cmdline = static_cast<u32>(kCmdlineAddr);
    static constexpr char kName[] = "flint";
    if (!mem.write(kLoaderNameAddr, std::span<const u8>(reinterpret_cast<const u8*>(kName), sizeof kName)))
        return Error("guest memory too small for the boot information");
    info.boot_loader_name = static_cast<u32>(kLoaderNameAddr);

    if (!image.module.empty()) {
        const u64 start = align_up(k.end, 4 * KiB);
        u8* dst = FLINT_TRY(guest_range(mem, start, image.module.size(), "initrd (multiboot module 0)"));
        std::memcpy(dst, image.module.data(), image.module.size());
        Module m{static_cast<u32>(start), static_cast<u32>(start + image.module.size()), 0, 0};
        if (!mem.write_obj(kModuleListAddr, m)) return Error("guest memory too small for the module list");
        info.flags |= kInfoModules;
        info.mods_count = 1;
        info.mods_addr = static_cast<u32>(kModuleListAddr);
    }

    std::vector<MmapEntry> map = {{20, 0, kEbdaStart, 1}, {20, kEbdaStart, kHighMemoryStart - kEbdaStart, 2}};
    for (const auto& r : mem.regions()) {
        const u64 start = std::max(r.gpa, kHighMemoryStart);
        map.push_back({20, start, r.gpa + r.size - start, 1});
    }
    for (size_t i = 0; i < map.size(); ++i)
        if (!mem.write_obj(kMmapAddr + i * sizeof(MmapEntry), map[i])) return Error("guest memory too small for the memory map");
    info.mmap_addr = static_cast<u32>(kMmapAddr);
    info.mmap_length = static_cast<u32>(map.size() * sizeof(MmapEntry));
    if (!mem.write_obj(kInfoAddr, info)) return Error("guest memory too small for the multiboot information");

    // A GDT the kernel may reload from: code32 at 0x08, data at kBootDataSelector.
    FLINT_TRY_VOID(write_boot_gdt(mem));
    const hv::Segment code = flat32(kCode32Selector, 0xb);
    const hv::Segment data = boot_data_segment();
    const u64 code_desc = encode_descriptor(code);
    if (!mem.write_obj(kGdtAddr + kCode32Selector, code_desc)) return Error("guest memory too small for the GDT");

    hv::CpuState st;
    st.regs.rip = k.entry;
    st.regs.rflags = 0x2;
    st.regs.gpr[0] = kMultibootBootloaderMagic;  // EAX
    st.regs.gpr[3] = kInfoAddr;                  // EBX
    hv::SpecialRegs& s = st.sregs;
    s.cs = code;
    s.ds = s.es = s.fs = s.gs = s.ss = data;
    s.tr = boot_tss_segment();
    s.ldt.unusable = true;
    s.ldt.present = false;
    s.gdt = {kGdtAddr, static_cast<u16>(kGdtSlots * 8 - 1)};
    s.idt = {kIdtAddr, 0};
    s.cr0 = kCr0Pe | kCr0Et;
    return st;
}

}  // namespace flint::boot
