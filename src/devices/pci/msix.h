#pragma once
// MSI-X (PCI 3.0 section 6.8.2): a table of vectors in a memory BAR, each an address, a
// data word and a mask bit, and a pending-bit array (PBA). A vector fired while it or the
// whole function is masked sets its pending bit instead, and goes out when unmasked.
//
// Not thread-safe: its owner (a device) serialises accesses under its own lock.
#include <span>
#include <vector>

#include "base/types.h"
#include "devices/msi.h"

namespace flint::pci {

// What a driver writes into the MSI-X capability's Message Control (6.8.2.3).
namespace msix_control {
inline constexpr u16 kFunctionMask = 1 << 14;
inline constexpr u16 kEnable = 1 << 15;
inline constexpr u16 kTableSizeMask = 0x7ff;  // N-1
}  // namespace msix_control

inline constexpr u64 kMsixEntrySize = 16;

class MsixTable {
public:
    // `vectors` is 1 to 2048.
    MsixTable(u16 vectors, MsiSink& sink);

    u16 vectors() const { return static_cast<u16>(m_entries.size()); }
    u64 table_bytes() const { return m_entries.size() * kMsixEntrySize; }
    u64 pba_bytes() const { return (m_entries.size() + 63) / 64 * 8; }

    // The capability's Message Control changed (enable, function mask).
    void set_control(u16 message_control);
    bool enabled() const { return m_enabled; }

    // Table and PBA accesses, offsets relative to their start. The table takes aligned 4-
    // and 8-byte accesses, the PBA is read-only; anything else is counted and ignored.
    void read_table(u64 offset, std::span<u8> data);
    void write_table(u64 offset, std::span<const u8> data);
    void read_pba(u64 offset, std::span<u8> data);

    // Sends `vector`'s message, or sets its pending bit while it is masked. Counts a
    // vector beyond the table.
    void fire(u16 vector);
    bool pending(u16 vector) const { return vector < m_entries.size() && m_entries[vector].pending; }

    // Back to the state after reset: disabled, every vector masked, nothing pending.
    void reset();
    u64 bad_accesses() const { return m_bad_accesses; }

private:
    struct Entry {
        u64 address = 0;
        u32 data = 0;
        bool masked = true;
        bool pending = false;
    };
    bool masked(const Entry& e) const { return e.masked || m_function_masked; }
    void send_unmasked_pending();

    std::vector<Entry> m_entries;
    MsiSink& m_sink;
    bool m_enabled = false;
    bool m_function_masked = false;
    u64 m_bad_accesses = 0;
};

}  // namespace flint::pci
