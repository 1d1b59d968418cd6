#pragma once
// A small encoder for the ACPI Machine Language (ACPI 6.x, chapter 20), enough for what
// Flint's DSDT declares: names bound to integers, packages and buffers, and devices in a
// scope. Each function returns the encoded bytes of one term; callers concatenate terms
// into a table body or an enclosing scope.
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/types.h"

namespace flint::acpi::aml {

using Bytes = std::vector<u8>;

// Opcodes and prefixes (20.3).
enum class Op : u8 {
    Zero = 0x00,
    One = 0x01,
    Name = 0x08,
    BytePrefix = 0x0a,
    WordPrefix = 0x0b,
    DWordPrefix = 0x0c,
    StringPrefix = 0x0d,
    QWordPrefix = 0x0e,
    Scope = 0x10,
    Buffer = 0x11,
    Package = 0x12,
    RootChar = 0x5c,   // '\\': the NameString that follows starts at the root
    ExtPrefix = 0x5b,  // two-byte opcodes
    Device = 0x82,     // after ExtPrefix
};

namespace detail {
// Not constexpr on purpose: reaching it while evaluating a NameSeg constructor or
// eisa_id() makes the build fail, which is how an invalid constant name is reported.
void invalid_name_segment();
}  // namespace detail

// A NameSeg (20.2.2): four characters, the first from A-Z or '_', the rest from A-Z, 0-9
// or '_'. Shorter names are padded with '_', as ASL does ("_S5" is "_S5_"). Checked at
// compile time.
class NameSeg {
public:
    consteval NameSeg(std::string_view name) : m_chars{'_', '_', '_', '_'} {
        if (name.empty() || name.size() > 4) detail::invalid_name_segment();
        for (std::size_t i = 0; i < name.size(); ++i) {
            const char c = name[i];
            const bool upper = c >= 'A' && c <= 'Z';
            const bool digit = c >= '0' && c <= '9';
            if (!(upper || c == '_' || (digit && i > 0))) detail::invalid_name_segment();
            m_chars[i] = c;
        }
    }
    // From a string literal: name("_S5", ...).
    template <std::size_t N>
    consteval NameSeg(const char (&name)[N]) : NameSeg(std::string_view(name, N - 1)) {}

    constexpr char operator[](std::size_t i) const { return m_chars[i]; }
    static constexpr std::size_t size() { return 4; }

private:
    char m_chars[4];
};

// A Package holds at most 255 elements (NumElements is one byte).
inline constexpr std::size_t kMaxPackageElements = 255;

// PkgLength (20.2.4) for a construct whose remaining bytes, after the PkgLength itself,
// number `payload`. The encoded length counts its own bytes too.
Result<Bytes> pkg_length(std::size_t payload);

// ComputationalData for an integer, in the shortest form: ZeroOp, OneOp, or a Byte, Word,
// DWord or QWord constant.
Bytes integer(u64 value);

// A String constant (20.2.3): StringPrefix, the ASCII characters, a NUL.
Bytes string(std::string_view text);

// DefPackage: PackageOp PkgLength NumElements PackageElementList.
Result<Bytes> package(std::span<const Bytes> elements);
Result<Bytes> package(std::initializer_list<Bytes> elements);

// DefBuffer: BufferOp PkgLength BufferSize ByteList, sized to `bytes`.
Result<Bytes> buffer(std::span<const u8> bytes);

// DefName: NameOp NameString DataRefObject, with the name relative to the current scope
// (the root scope at the top level of a DSDT).
Bytes name(NameSeg seg, std::span<const u8> object);

// DefScope for a scope directly under the root: ScopeOp PkgLength '\' NameSeg TermList.
Result<Bytes> root_scope(NameSeg seg, std::span<const u8> terms);

// DefDevice: ExtOpPrefix DeviceOp PkgLength NameSeg TermList.
Result<Bytes> device(NameSeg seg, std::span<const u8> terms);

// The 32-bit compressed EISA ID of a PNP ID such as "PNP0501" (what ASL's EisaId()
// produces): three letters in five bits each, then four hex digits, stored big-endian.
// Compile-time only; an invalid ID fails the build.
consteval u32 eisa_id(const char (&id)[8]) {
    auto letter = [](char c) -> u32 {
        if (c < 'A' || c > 'Z') detail::invalid_name_segment();
        return static_cast<u32>(c - 'A' + 1);
    };
    auto hex = [](char c) -> u32 {
        if (c >= '0' && c <= '9') return static_cast<u32>(c - '0');
        if (c >= 'A' && c <= 'F') return static_cast<u32>(c - 'A' + 10);
        detail::invalid_name_segment();
        return 0;
    };
    const u32 vendor = (letter(id[0]) << 10) | (letter(id[1]) << 5) | letter(id[2]);
    const u32 product = (hex(id[3]) << 12) | (hex(id[4]) << 8) | (hex(id[5]) << 4) | hex(id[6]);
    // Byte order in memory: vendor high, vendor low, product high, product low.
    return ((vendor >> 8) & 0xff) | ((vendor & 0xff) << 8) | (((product >> 8) & 0xff) << 16) |
           ((product & 0xff) << 24);
}

}  // namespace flint::acpi::aml
