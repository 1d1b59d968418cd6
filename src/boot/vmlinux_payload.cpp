#include "boot/vmlinux_payload.h"

#include <elf.h>
#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "base/bits.h"

namespace flint::boot {

namespace {

constexpr u8 kGzipMagic[] = {0x1f, 0x8b};
constexpr u8 kXzMagic[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
// The size the kernel build appends after the compressed stream.
constexpr std::size_t kSizeTrailer = 4;
// No x86-64 kernel comes close; the bound keeps a damaged trailer from asking for
// gigabytes before the decoder notices.
constexpr u64 kMaxUncompressed = 512 * MiB;

bool starts_with(std::span<const u8> data, std::span<const u8> magic) {
    return data.size() >= magic.size() && std::memcmp(data.data(), magic.data(), magic.size()) == 0;
}

const char* format_name(std::span<const u8> p) {
    // The other formats the kernel build offers, by their magic bytes, for the message.
    if (p.size() >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h') return "bzip2";
    if (p.size() >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) return "zstd";
    if (p.size() >= 4 && p[0] == 0x02 && p[1] == 0x21 && p[2] == 0x4c && p[3] == 0x18) return "lz4";
    if (p.size() >= 3 && p[0] == 0x89 && p[1] == 'L' && p[2] == 'Z') return "lzo";
    if (p.size() >= 3 && p[0] == 0x5d && p[1] == 0x00 && p[2] == 0x00) return "lzma";
    return "an unknown format";
}

Result<std::vector<u8>> inflate_gzip(std::span<const u8> in, std::vector<u8> out) {
    z_stream s{};
    // 16 + MAX_WBITS: a gzip header and trailer around the deflate stream.
    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) return Error("cannot initialise the gzip decoder");
    s.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct
    s.avail_in = static_cast<uInt>(in.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&s, Z_FINISH);
    const u64 produced = s.total_out;
    inflateEnd(&s);
    if (rc != Z_STREAM_END)
        return Error::format("the kernel's gzip payload is damaged (zlib status {}): pass an intact bzImage", rc);
    out.resize(produced);
    return out;
}

Result<std::vector<u8>> decode_xz(std::span<const u8> in, std::vector<u8> out) {
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&s, std::numeric_limits<u64>::max(), 0) != LZMA_OK)
        return Error("cannot initialise the xz decoder");
    s.next_in = in.data();
    s.avail_in = in.size();
    s.next_out = out.data();
    s.avail_out = out.size();
    const lzma_ret rc = lzma_code(&s, LZMA_FINISH);
    const u64 produced = s.total_out;
    lzma_end(&s);
    if (rc != LZMA_STREAM_END)
        return Error::format("the kernel's xz payload is damaged (liblzma status {}): pass an intact bzImage",
                             static_cast<int>(rc));
    out.resize(produced);
    return out;
}

template <typename T>
T read_struct(std::span<const u8> data, u64 offset) {
    T v;
    std::memcpy(&v, data.data() + offset, sizeof v);
    return v;
}

}  // namespace

PayloadFormat payload_format(std::span<const u8> payload) {
    if (starts_with(payload, kGzipMagic)) return PayloadFormat::Gzip;
    if (starts_with(payload, kXzMagic)) return PayloadFormat::Xz;
    return PayloadFormat::Other;
}

Result<std::span<const u8>> bzimage_payload(const BzImage& bz) {
    const SetupHeader& h = bz.header;
    const u64 offset = h.payload_offset, length = h.payload_length;
    if (length == 0 || offset > bz.protected_mode.size() || length > bz.protected_mode.size() - offset)
        return Error("the bzImage does not describe a compressed kernel payload inside it");
    return bz.protected_mode.subspan(offset, length);
}

Result<std::vector<u8>> decompress_payload(std::span<const u8> payload) {
    const PayloadFormat format = payload_format(payload);
    if (format == PayloadFormat::Other)
        return Error::format("the kernel payload is compressed with {}; host decompression handles gzip and xz",
                             format_name(payload));
    if (payload.size() <= kSizeTrailer) return Error("the kernel payload is truncated");
    const u64 size = load_le<u32>(payload.data() + payload.size() - kSizeTrailer);
    if (size == 0 || size > kMaxUncompressed)
        return Error::format("the kernel payload claims an uncompressed size of {} bytes: the bzImage is damaged",
                             size);
    std::vector<u8> out(size);
    const auto stream = payload.first(payload.size() - kSizeTrailer);
    return format == PayloadFormat::Gzip ? inflate_gzip(stream, std::move(out)) : decode_xz(stream, std::move(out));
}

Result<VmlinuxImage> parse_vmlinux(std::span<const u8> elf) {
    if (elf.size() < sizeof(Elf64_Ehdr) || std::memcmp(elf.data(), ELFMAG, SELFMAG) != 0)
        return Error("the decompressed kernel is not an ELF file");
    const auto eh = read_struct<Elf64_Ehdr>(elf, 0);
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
        eh.e_type != ET_EXEC)
        return Error("the decompressed kernel is not a 64-bit x86-64 ELF executable");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > elf.size() ||
        u64{eh.e_phnum} * sizeof(Elf64_Phdr) > elf.size() - eh.e_phoff)
        return Error("the decompressed kernel's ELF program headers are damaged");

    VmlinuxImage image;
    image.lowest = std::numeric_limits<u64>::max();
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        const auto ph = read_struct<Elf64_Phdr>(elf, eh.e_phoff + u64{i} * sizeof(Elf64_Phdr));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > elf.size() || ph.p_filesz > elf.size() - ph.p_offset ||
            ph.p_paddr > kMaxUncompressed * 8 || ph.p_memsz > kMaxUncompressed)
            return Error::format("the decompressed kernel's segment {} lies outside the file", i);
        image.segments.push_back({ph.p_paddr, elf.subspan(ph.p_offset, ph.p_filesz), ph.p_memsz});
        image.lowest = std::min<u64>(image.lowest, ph.p_paddr);
        image.end = std::max<u64>(image.end, ph.p_paddr + ph.p_memsz);
    }
    if (image.segments.empty()) return Error("the decompressed kernel has no loadable segments");
    image.entry = eh.e_entry;
    if (image.entry < image.lowest || image.entry >= image.end)
        return Error("the decompressed kernel's entry point lies outside its segments");
    return image;
}

}  // namespace flint::boot
