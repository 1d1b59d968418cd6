#pragma once
// Reads ACPI tables back out of guest memory the way an OS does: scan for the RSDP,
// follow the XSDT. Shared by the table tests and the dump tool.
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "acpi/checksum.h"
#include "acpi/config.h"
#include "acpi/sdt.h"
#include "base/bits.h"
#include "memory/guest_memory.h"

namespace flint::acpi::testing {

// The RSDP search of ACPI 6.x 5.2.5.1 for the BIOS read-only area: every 16-byte
// boundary in 0xE0000-0xFFFFF, signature first, then the checksum of the first 20 bytes
// and, for revision 2 and later, the extended checksum over `length` bytes. (The first
// KiB of the EBDA is searched first on a real PC; Flint's EBDA is empty.)
inline std::optional<u64> find_rsdp(const GuestMemory& mem) {
    for (u64 gpa = kBiosAreaStart; gpa + sizeof(Rsdp) <= kBiosAreaEnd; gpa += kRsdpAlign) {
        Rsdp rsdp{};
        if (!mem.read_obj(gpa, rsdp)) return std::nullopt;
        if (std::memcmp(rsdp.signature.data(), kRsdpSignature.data(), 8) != 0) continue;
        const auto* bytes = reinterpret_cast<const u8*>(&rsdp);
        if (byte_sum({bytes, kRsdpV1Length}) != 0) continue;
        if (rsdp.revision >= 2 && (rsdp.length != sizeof(Rsdp) || byte_sum({bytes, rsdp.length}) != 0)) {
            continue;
        }
        return gpa;
    }
    return std::nullopt;
}

// The whole table at `gpa`, by the length in its header; empty when unreadable.
inline std::vector<u8> read_table(const GuestMemory& mem, u64 gpa) {
    SdtHeader header{};
    if (!mem.read_obj(gpa, header) || header.length < sizeof(SdtHeader) || header.length > 65536) {
        return {};
    }
    std::vector<u8> table(header.length);
    if (!mem.read(gpa, table)) return {};
    return table;
}

inline std::string_view signature_of(const std::vector<u8>& table) {
    return {reinterpret_cast<const char*>(table.data()), 4};
}

inline std::vector<u64> xsdt_entries(const std::vector<u8>& xsdt) {
    std::vector<u64> out;
    for (std::size_t off = sizeof(SdtHeader); off + 8 <= xsdt.size(); off += 8) {
        out.push_back(load_le<u64>(xsdt.data() + off));
    }
    return out;
}

// The address of the table with `signature` listed in the XSDT, if any.
inline std::optional<u64> find_table(const GuestMemory& mem, u64 rsdp_gpa, std::string_view signature) {
    Rsdp rsdp{};
    if (!mem.read_obj(rsdp_gpa, rsdp)) return std::nullopt;
    for (u64 gpa : xsdt_entries(read_table(mem, rsdp.xsdt_address))) {
        const auto table = read_table(mem, gpa);
        if (table.size() >= 4 && signature_of(table) == signature) return gpa;
    }
    return std::nullopt;
}

}  // namespace flint::acpi::testing
