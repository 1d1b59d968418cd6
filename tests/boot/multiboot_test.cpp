#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "boot/multiboot.h"

namespace flint::boot {
namespace {

// A minimal ELF32 multiboot kernel: one PT_LOAD segment of `payload` at `paddr` with
// `bss` zero bytes after it, the multiboot header at the start of the segment.
std::vector<u8> make_elf32(u32 paddr, std::vector<u8> payload, u32 bss, u16 machine = 3) {
    const u32 header_magic = kMultibootHeaderMagic, flags = 0x3, checksum = 0u - header_magic - flags;
    std::vector<u8> seg(12);
    std::memcpy(seg.data(), &header_magic, 4);
    std::memcpy(seg.data() + 4, &flags, 4);
    std::memcpy(seg.data() + 8, &checksum, 4);
    seg.insert(seg.end(), payload.begin(), payload.end());

    std::vector<u8> f(0x100, 0);
    const u8 ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    std::memcpy(f.data(), ident, sizeof ident);
    auto put16 = [&](size_t off, u16 v) { std::memcpy(f.data() + off, &v, 2); };
    auto put32 = [&](size_t off, u32 v) { std::memcpy(f.data() + off, &v, 4); };
    put16(16, 2);          // ET_EXEC
    put16(18, machine);    // EM_386
    put32(20, 1);
    put32(24, paddr + 12); // entry right after the header
    put32(28, 52);         // phoff
    put16(42, 32);         // phentsize
    put16(44, 1);          // phnum
    // Program header at 52: PT_LOAD, offset 0x100, vaddr, paddr, filesz, memsz.
    put32(52, 1);
    put32(56, 0x100);
    put32(60, paddr);
    put32(64, paddr);
    put32(68, static_cast<u32>(seg.size()));
    put32(72, static_cast<u32>(seg.size()) + bss);
    f.insert(f.end(), seg.begin(), seg.end());
    return f;
}

TEST(Multiboot, HeaderFound_OnlyWithValidChecksum) {
    auto k = make_elf32(0x100000, {1, 2, 3}, 0);
    EXPECT_EQ(find_multiboot_header(k), std::optional<u64>(0x100));
    k[0x108] ^= 1;  // break the checksum
    EXPECT_FALSE(find_multiboot_header(k));
}

TEST(Multiboot, Elf32_LoadedWithBssAndBootState) {
    auto mem = GuestMemory::create(64 * MiB);
    ASSERT_TRUE(mem);
    u8* bss = mem->host_ptr(0x100000 + 15, 16);
    std::memset(bss, 0xaa, 16);  // must be cleared by the loader
    auto st = load_multiboot(*mem, {make_elf32(0x100000, {0xde, 0xad, 0xbe}, 16), {}, "flint-guest-test x=1"});
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ(st->regs.rip, 0x10000cu);
    EXPECT_EQ(st->regs.gpr[0], kMultibootBootloaderMagic);
    EXPECT_EQ(*mem->host_ptr(0x10000c, 1), 0xde);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(bss[i], 0) << i;
    EXPECT_TRUE(st->sregs.cr0 & 1);     // protected mode
    EXPECT_FALSE(st->sregs.cr0 >> 31);  // paging off
    EXPECT_TRUE(st->sregs.cs.db);
    EXPECT_FALSE(st->sregs.cs.l);

    const u64 info = st->regs.gpr[3];
    u32 flags = 0, mem_lower = 0, cmdline = 0;
    ASSERT_TRUE(mem->read_obj(info, flags));
    ASSERT_TRUE(mem->read_obj(info + 4, mem_lower));
    ASSERT_TRUE(mem->read_obj(info + 16, cmdline));
    EXPECT_TRUE(flags & (1 << 6));  // memory map
    EXPECT_EQ(mem_lower, 639u);
    EXPECT_STREQ(reinterpret_cast<const char*>(mem->host_ptr(cmdline, 21)), "flint-guest-test x=1");
}

TEST(Multiboot, Initrd_PassedAsModuleAfterKernel) {
    auto mem = GuestMemory::create(64 * MiB);
    ASSERT_TRUE(mem);
    auto st = load_multiboot(*mem, {make_elf32(0x100000, {1}, 0x2000), {9, 8, 7}, ""});
    ASSERT_TRUE(st) << st.error().message();
    const u64 info = st->regs.gpr[3];
    u32 flags = 0, count = 0, addr = 0, start = 0, end = 0;
    ASSERT_TRUE(mem->read_obj(info, flags));
    ASSERT_TRUE(mem->read_obj(info + 20, count));
    ASSERT_TRUE(mem->read_obj(info + 24, addr));
    ASSERT_TRUE(mem->read_obj(addr, start));
    ASSERT_TRUE(mem->read_obj(addr + 4, end));
    EXPECT_TRUE(flags & (1 << 3));
    EXPECT_EQ(count, 1u);
    EXPECT_GE(start, 0x100000u + 0x2000u);
    EXPECT_EQ(start % 4096, 0u);
    EXPECT_EQ(end - start, 3u);
    EXPECT_EQ(*mem->host_ptr(start, 1), 9);
}

TEST(Multiboot, BadImages_ClearErrors) {
    auto mem = GuestMemory::create(16 * MiB);
    ASSERT_TRUE(mem);
    auto elf64 = make_elf32(0x100000, {1}, 0, 62);
    elf64[4] = 2;
    auto r = load_multiboot(*mem, {elf64, {}, ""});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("64-bit"), std::string::npos);

    auto low = load_multiboot(*mem, {make_elf32(0x1000, {1}, 0), {}, ""});
    ASSERT_FALSE(low);
    EXPECT_NE(low.error().message().find("1 MiB"), std::string::npos);

    auto big = load_multiboot(*mem, {make_elf32(0x100000, {1}, 64 * MiB), {}, ""});
    ASSERT_FALSE(big);
    EXPECT_NE(big.error().message().find("raise --memory"), std::string::npos);

    std::vector<u8> none(4096, 0);
    EXPECT_FALSE(load_multiboot(*mem, {none, {}, ""}));
}

}  // namespace
}  // namespace flint::boot
