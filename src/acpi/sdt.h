#pragma once
// The layouts every ACPI table shares (ACPI 6.x, chapter 5.2): the root pointer, the
// system description table header and the generic address structure. All integers are
// little-endian, all structures packed.
#include <array>
#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "base/types.h"

namespace flint::acpi {

// What Flint writes into the identification fields of every table.
inline constexpr std::string_view kOemId = "FLINT ";         // 6 bytes
inline constexpr std::string_view kOemTableId = "FLINTVM ";  // 8 bytes
inline constexpr u32 kOemRevision = 1;
inline constexpr std::string_view kCreatorId = "FLNT";  // 4 bytes
inline constexpr u32 kCreatorRevision = 1;

// Copies a fixed-width, space-padded identifier into an array field.
template <std::size_t N>
constexpr std::array<char, N> fixed_id(std::string_view s) {
    std::array<char, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = i < s.size() ? s[i] : ' ';
    return out;
}

// Root System Description Pointer (5.2.5.3), revision 2: points at the XSDT. The first
// 20 bytes are the ACPI 1.0 structure with its own checksum; the extended checksum
// covers all 36.
struct [[gnu::packed]] Rsdp {
    std::array<char, 8> signature;  // "RSD PTR "
    u8 checksum;                    // over bytes 0..19
    std::array<char, 6> oem_id;
    u8 revision;        // 2: ACPI 2.0 and later
    u32 rsdt_address;   // 0: Flint provides only the XSDT
    u32 length;         // sizeof(Rsdp)
    u64 xsdt_address;
    u8 extended_checksum;  // over the whole structure
    std::array<u8, 3> reserved;
};
static_assert(sizeof(Rsdp) == 36);
static_assert(offsetof(Rsdp, checksum) == 8);
static_assert(offsetof(Rsdp, revision) == 15);
static_assert(offsetof(Rsdp, rsdt_address) == 16);
static_assert(offsetof(Rsdp, length) == 20);
static_assert(offsetof(Rsdp, xsdt_address) == 24);
static_assert(offsetof(Rsdp, extended_checksum) == 32);

inline constexpr std::string_view kRsdpSignature = "RSD PTR ";
inline constexpr std::size_t kRsdpV1Length = 20;  // bytes the first checksum covers
inline constexpr u8 kRsdpRevision = 2;

// System Description Table header (5.2.6), at the start of every table but the RSDP.
struct [[gnu::packed]] SdtHeader {
    std::array<char, 4> signature;
    u32 length;  // whole table, header included
    u8 revision;
    u8 checksum;  // whole table sums to 0
    std::array<char, 6> oem_id;
    std::array<char, 8> oem_table_id;
    u32 oem_revision;
    std::array<char, 4> creator_id;
    u32 creator_revision;
};
static_assert(sizeof(SdtHeader) == 36);
static_assert(offsetof(SdtHeader, length) == 4);
static_assert(offsetof(SdtHeader, checksum) == 9);
static_assert(offsetof(SdtHeader, oem_table_id) == 16);
static_assert(offsetof(SdtHeader, creator_id) == 28);

// A header with Flint's identification; length and checksum are filled in last.
constexpr SdtHeader make_header(std::string_view signature, u8 revision) {
    return SdtHeader{
        .signature = fixed_id<4>(signature),
        .length = 0,
        .revision = revision,
        .checksum = 0,
        .oem_id = fixed_id<6>(kOemId),
        .oem_table_id = fixed_id<8>(kOemTableId),
        .oem_revision = kOemRevision,
        .creator_id = fixed_id<4>(kCreatorId),
        .creator_revision = kCreatorRevision,
    };
}

// Generic Address Structure (5.2.3.2): where a register lives and how to access it.
enum class AddressSpace : u8 { SystemMemory = 0, SystemIo = 1 };
enum class AccessSize : u8 { Undefined = 0, Byte = 1, Word = 2, Dword = 3, Qword = 4 };

struct [[gnu::packed]] Gas {
    AddressSpace space_id;
    u8 bit_width;
    u8 bit_offset;
    AccessSize access_size;
    u64 address;
};
static_assert(sizeof(Gas) == 12);
static_assert(offsetof(Gas, address) == 4);

// An 8-bit register at an I/O port, accessed with byte reads and writes.
constexpr Gas io_port_u8(u16 port) {
    return Gas{.space_id = AddressSpace::SystemIo,
               .bit_width = 8,
               .bit_offset = 0,
               .access_size = AccessSize::Byte,
               .address = port};
}

// Appends the bytes of a packed structure to a table under construction.
template <typename T>
void append_struct(std::vector<u8>& table, const T& value) {
    // resize + memcpy rather than insert(): GCC 12 reports a false stringop-overflow for
    // a range insert into an empty vector.
    const std::size_t at = table.size();
    table.resize(at + sizeof(T));
    std::memcpy(table.data() + at, &value, sizeof(T));
}

// Completes a table that starts with an SdtHeader: stores its length and checksum.
void finalize_table(std::span<u8> table);

}  // namespace flint::acpi
