// Host-side unpacking of a bzImage payload: gzip and xz streams with the size trailer the
// kernel build appends, and the ELF program headers of the result.
#include "boot/vmlinux_payload.h"

#include <elf.h>
#include <lzma.h>
#include <zlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace flint::boot {
namespace {

using ::testing::HasSubstr;

constexpr u64 kPaddr = 0x1000000;
constexpr u64 kEntryOffset = 0x40;

// A minimal vmlinux: one PT_LOAD of `text` bytes at kPaddr with memsz twice as large
// (the zero-filled tail stands for .bss).
std::vector<u8> tiny_vmlinux(std::size_t text = 0x200) {
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = kPaddr + kEntryOffset;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_offset = 0x1000;
    ph.p_vaddr = 0xffffffff81000000;
    ph.p_paddr = kPaddr;
    ph.p_filesz = text;
    ph.p_memsz = text * 2;
    std::vector<u8> elf(0x1000 + text);
    std::memcpy(elf.data(), &eh, sizeof eh);
    std::memcpy(elf.data() + eh.e_phoff, &ph, sizeof ph);
    for (std::size_t i = 0; i < text; ++i) elf[0x1000 + i] = static_cast<u8>(i * 7);
    return elf;
}

void append_size(std::vector<u8>& out, std::size_t size) {
    for (unsigned i = 0; i < 4; ++i) out.push_back(static_cast<u8>(size >> (8 * i)));
}

std::vector<u8> gzip(const std::vector<u8>& in) {
    z_stream s{};
    EXPECT_EQ(deflateInit2(&s, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<u8> out(deflateBound(&s, in.size()) + 64);
    s.next_in = const_cast<Bytef*>(in.data());
    s.avail_in = static_cast<uInt>(in.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    append_size(out, in.size());
    return out;
}

std::vector<u8> xz(const std::vector<u8>& in) {
    std::vector<u8> out(lzma_stream_buffer_bound(in.size()));
    std::size_t pos = 0;
    EXPECT_EQ(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(), out.data(), &pos,
                                      out.size()),
              LZMA_OK);
    out.resize(pos);
    append_size(out, in.size());
    return out;
}

TEST(VmlinuxPayload, Format_FromMagic) {
    EXPECT_EQ(payload_format(gzip({1, 2, 3})), PayloadFormat::Gzip);
    EXPECT_EQ(payload_format(xz({1, 2, 3})), PayloadFormat::Xz);
    EXPECT_EQ(payload_format(std::vector<u8>{0x28, 0xb5, 0x2f, 0xfd, 0}), PayloadFormat::Other);
}

TEST(VmlinuxPayload, GzipAndXz_RoundTrip) {
    const auto elf = tiny_vmlinux();
    for (const auto& packed : {gzip(elf), xz(elf)}) {
        auto out = decompress_payload(packed);
        ASSERT_TRUE(out) << out.error().message();
        EXPECT_EQ(*out, elf);
    }
}

TEST(VmlinuxPayload, Zstd_NamesTheFormat) {
    auto out = decompress_payload(std::vector<u8>{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 1, 0, 0, 0});
    ASSERT_FALSE(out);
    EXPECT_THAT(out.error().message(), HasSubstr("zstd"));
}

TEST(VmlinuxPayload, DamagedStream_Fails) {
    auto packed = xz(tiny_vmlinux());
    packed[packed.size() / 2] ^= 0xff;
    auto out = decompress_payload(packed);
    ASSERT_FALSE(out);
    EXPECT_THAT(out.error().message(), HasSubstr("damaged"));
}

TEST(VmlinuxPayload, ParseVmlinux_ListsLoadSegments) {
    const auto elf = tiny_vmlinux(0x300);
    auto image = parse_vmlinux(elf);
    ASSERT_TRUE(image) << image.error().message();
    ASSERT_EQ(image->segments.size(), 1u);
    EXPECT_EQ(image->segments[0].paddr, kPaddr);
    EXPECT_EQ(image->segments[0].bytes.size(), 0x300u);
    EXPECT_EQ(image->segments[0].memsz, 0x600u);
    EXPECT_EQ(image->segments[0].bytes[1], 7);
    EXPECT_EQ(image->lowest, kPaddr);
    EXPECT_EQ(image->end, kPaddr + 0x600);
    EXPECT_EQ(image->entry, kPaddr + kEntryOffset);
}

TEST(VmlinuxPayload, ParseVmlinux_RejectsTruncatedSegment) {
    auto elf = tiny_vmlinux();
    elf.resize(elf.size() - 1);
    auto image = parse_vmlinux(elf);
    ASSERT_FALSE(image);
    EXPECT_THAT(image.error().message(), HasSubstr("outside the file"));
}

TEST(VmlinuxPayload, ParseVmlinux_RejectsNonElf) {
    EXPECT_FALSE(parse_vmlinux(std::vector<u8>(128, 0)));
}

}  // namespace
}  // namespace flint::boot
