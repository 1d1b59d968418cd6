#pragma once
// The 256-byte configuration space of one type-0 PCI function: identity, command, the
// memory BARs with their standard sizing (the driver writes all-ones and reads back the
// size mask), and the capability list. Which bits the guest may change is a byte mask
// next to the contents: everything else is read-only, so any guest write is safe.
// Not thread-safe: its owner serialises accesses.
#include <array>
#include <optional>
#include <span>
#include <vector>

#include "base/types.h"
#include "devices/pci/config_regs.h"

namespace flint::pci {

struct Identity {
    u16 vendor = 0;
    u16 device = 0;
    u8 revision = 0;
    u32 class_code = kClassOther;
    u16 subsystem_vendor = 0;
    u16 subsystem = 0;
};

enum class BarKind : u8 { Memory32, Memory64 };

// A memory BAR as it decodes now.
struct BarWindow {
    u32 index = 0;
    u64 address = 0;
    u64 size = 0;
};

class ConfigSpace {
public:
    explicit ConfigSpace(const Identity& id);

    // Declares memory BAR `index` (Memory64 also takes index+1) of `size` bytes, a power
    // of two of at least 16. Flint's own setup: misuse is a programming error.
    void add_memory_bar(u32 index, u64 size, BarKind kind);
    // Appends a capability: ID, next pointer, then `body`; returns its offset. The guest may
    // change only the bits allow_writes() names.
    u8 add_capability(u8 id, std::span<const u8> body);
    // Lets the guest write `mask`'s bits of the `mask.size()` bytes at `offset`.
    void allow_writes(u32 offset, std::span<const u8> mask);

    // Accesses of 1, 2 or 4 bytes inside the space; anything else reads all-ones and
    // writes nothing (false).
    bool read(u32 offset, std::span<u8> data) const;
    bool write(u32 offset, std::span<const u8> data);

    u16 read16(u32 offset) const;
    u32 read32(u32 offset) const;
    bool memory_enabled() const { return read16(static_cast<u32>(ConfigReg::Command)) & command::kMemorySpace; }
    // The BARs that decode: memory decoding on, BAR declared. Address 0 counts as unset.
    std::vector<BarWindow> decoded_bars() const;

private:
    std::array<u8, kConfigSize> m_bytes{};
    std::array<u8, kConfigSize> m_writable{};
    std::array<u64, kBarCount> m_bar_size{};  // 0: no BAR starts here
    std::array<BarKind, kBarCount> m_bar_kind{};
    u8 m_last_cap = 0;
    u32 m_next_cap = kCapabilitiesStart;
};

// Whether an access of `size` bytes at `offset` is a valid configuration access: 1, 2 or
// 4 bytes, naturally aligned, inside the 256 bytes.
bool valid_config_access(u32 offset, size_t size);

}  // namespace flint::pci
