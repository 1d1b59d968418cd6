#include "acpi/aml.h"

namespace flint::acpi::aml {

void detail::invalid_name_segment() {}

namespace {

void put(Bytes& out, Op op) { out.push_back(static_cast<u8>(op)); }

template <typename T>
void put_le(Bytes& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}

void append(Bytes& out, std::span<const u8> more) { out.insert(out.end(), more.begin(), more.end()); }

void put_seg(Bytes& out, NameSeg seg) {
    for (std::size_t i = 0; i < NameSeg::size(); ++i) out.push_back(static_cast<u8>(seg[i]));
}

}  // namespace

Result<Bytes> pkg_length(std::size_t payload) {
    // One byte holds lengths up to 63 in bits 0-5. Longer lengths use 1-3 more bytes: the
    // lead byte keeps the count of following bytes in bits 6-7 and the low nibble of the
    // length in bits 0-3; each following byte carries the next 8 bits.
    for (std::size_t extra = 0; extra <= 3; ++extra) {
        const std::size_t total = payload + 1 + extra;
        const std::size_t limit = extra == 0 ? 0x3f : (std::size_t{1} << (4 + 8 * extra)) - 1;
        if (total > limit) continue;
        Bytes out;
        if (extra == 0) {
            out.push_back(static_cast<u8>(total));
            return out;
        }
        out.push_back(static_cast<u8>((extra << 6) | (total & 0x0f)));
        for (std::size_t i = 0; i < extra; ++i) out.push_back(static_cast<u8>(total >> (4 + 8 * i)));
        return out;
    }
    return Error::format("AML object of {} bytes is longer than a PkgLength can encode", payload);
}

Bytes string(std::string_view text) {
    Bytes out;
    out.reserve(text.size() + 2);
    put(out, Op::StringPrefix);
    for (char c : text) out.push_back(static_cast<u8>(c));
    out.push_back(0);
    return out;
}

Bytes integer(u64 value) {
    Bytes out;
    if (value == 0) {
        put(out, Op::Zero);
    } else if (value == 1) {
        put(out, Op::One);
    } else if (value <= 0xff) {
        put(out, Op::BytePrefix);
        put_le(out, static_cast<u8>(value));
    } else if (value <= 0xffff) {
        put(out, Op::WordPrefix);
        put_le(out, static_cast<u16>(value));
    } else if (value <= 0xffff'ffff) {
        put(out, Op::DWordPrefix);
        put_le(out, static_cast<u32>(value));
    } else {
        put(out, Op::QWordPrefix);
        put_le(out, value);
    }
    return out;
}

Result<Bytes> package(std::span<const Bytes> elements) {
    if (elements.size() > kMaxPackageElements) {
        return Error::format("AML package of {} elements exceeds the limit of {}", elements.size(),
                             kMaxPackageElements);
    }
    Bytes body;
    body.push_back(static_cast<u8>(elements.size()));  // NumElements
    for (const Bytes& e : elements) append(body, e);

    const Bytes length = FLINT_TRY(pkg_length(body.size()));
    Bytes out;
    put(out, Op::Package);
    append(out, length);
    append(out, body);
    return out;
}

Result<Bytes> package(std::initializer_list<Bytes> elements) {
    return package(std::span<const Bytes>(elements.begin(), elements.size()));
}

Result<Bytes> buffer(std::span<const u8> bytes) {
    Bytes body = integer(bytes.size());  // BufferSize
    append(body, bytes);
    const Bytes length = FLINT_TRY(pkg_length(body.size()));
    Bytes out;
    put(out, Op::Buffer);
    append(out, length);
    append(out, body);
    return out;
}

Bytes name(NameSeg seg, std::span<const u8> object) {
    Bytes out;
    put(out, Op::Name);
    put_seg(out, seg);
    append(out, object);
    return out;
}

Result<Bytes> root_scope(NameSeg seg, std::span<const u8> terms) {
    Bytes body;
    put(body, Op::RootChar);
    put_seg(body, seg);
    append(body, terms);
    const Bytes length = FLINT_TRY(pkg_length(body.size()));
    Bytes out;
    put(out, Op::Scope);
    append(out, length);
    append(out, body);
    return out;
}

Result<Bytes> device(NameSeg seg, std::span<const u8> terms) {
    Bytes body;
    put_seg(body, seg);
    append(body, terms);
    const Bytes length = FLINT_TRY(pkg_length(body.size()));
    Bytes out;
    put(out, Op::ExtPrefix);
    put(out, Op::Device);
    append(out, length);
    append(out, body);
    return out;
}

}  // namespace flint::acpi::aml
