#include "devices/pci/msix.h"

#include <algorithm>

#include "base/bits.h"

namespace flint::pci {

namespace {

// The dwords of one table entry (6.8.2.6-9).
enum class EntryDword : u64 { AddressLow = 0, AddressHigh = 4, Data = 8, VectorControl = 12 };
constexpr u32 kVectorMasked = 1;

bool aligned_dword_or_qword(u64 offset, size_t size) { return (size == 4 || size == 8) && offset % size == 0; }

}  // namespace

MsixTable::MsixTable(u16 vectors, MsiSink& sink) : m_entries(vectors), m_sink(sink) {}

void MsixTable::reset() {
    std::fill(m_entries.begin(), m_entries.end(), Entry{});
    m_enabled = false;
    m_function_masked = false;
}

void MsixTable::set_control(u16 message_control) {
    m_enabled = message_control & msix_control::kEnable;
    m_function_masked = message_control & msix_control::kFunctionMask;
    send_unmasked_pending();
}

void MsixTable::read_table(u64 offset, std::span<u8> data) {
    std::fill(data.begin(), data.end(), u8{0});
    if (!aligned_dword_or_qword(offset, data.size()) || offset + data.size() > table_bytes()) {
        ++m_bad_accesses;
        return;
    }
    for (size_t done = 0; done < data.size(); done += 4) {
        const u64 at = offset + done;
        const Entry& e = m_entries[at / kMsixEntrySize];
        u32 v = 0;
        switch (static_cast<EntryDword>(at % kMsixEntrySize)) {
        case EntryDword::AddressLow: v = static_cast<u32>(e.address); break;
        case EntryDword::AddressHigh: v = static_cast<u32>(e.address >> 32); break;
        case EntryDword::Data: v = e.data; break;
        case EntryDword::VectorControl: v = e.masked ? kVectorMasked : 0; break;
        }
        store_le<u32>(data.data() + done, v);
    }
}

void MsixTable::write_table(u64 offset, std::span<const u8> data) {
    if (!aligned_dword_or_qword(offset, data.size()) || offset + data.size() > table_bytes()) {
        ++m_bad_accesses;
        return;
    }
    for (size_t done = 0; done < data.size(); done += 4) {
        const u64 at = offset + done;
        Entry& e = m_entries[at / kMsixEntrySize];
        const u32 v = load_le<u32>(data.data() + done);
        switch (static_cast<EntryDword>(at % kMsixEntrySize)) {
        case EntryDword::AddressLow: e.address = (e.address & ~u64{0xffffffff}) | v; break;
        case EntryDword::AddressHigh: e.address = (e.address & 0xffffffff) | (u64{v} << 32); break;
        case EntryDword::Data: e.data = v; break;
        case EntryDword::VectorControl:
            e.masked = v & kVectorMasked;
            send_unmasked_pending();
            break;
        }
    }
}

void MsixTable::read_pba(u64 offset, std::span<u8> data) {
    std::fill(data.begin(), data.end(), u8{0});
    if (!aligned_dword_or_qword(offset, data.size()) || offset + data.size() > pba_bytes()) {
        ++m_bad_accesses;
        return;
    }
    for (size_t byte = 0; byte < data.size(); ++byte)
        for (unsigned bitno = 0; bitno < 8; ++bitno) {
            const u64 vector = (offset + byte) * 8 + bitno;
            if (vector < m_entries.size() && m_entries[vector].pending) data[byte] |= static_cast<u8>(1u << bitno);
        }
}

void MsixTable::fire(u16 vector) {
    if (vector >= m_entries.size()) {
        ++m_bad_accesses;
        return;
    }
    Entry& e = m_entries[vector];
    if (!m_enabled) return;  // the function interrupts by other means, or not at all
    if (masked(e)) {
        e.pending = true;
        return;
    }
    m_sink.signal_msi(e.address, e.data);
}

void MsixTable::send_unmasked_pending() {
    if (!m_enabled) return;
    for (Entry& e : m_entries) {
        if (!e.pending || masked(e)) continue;
        e.pending = false;
        m_sink.signal_msi(e.address, e.data);
    }
}

}  // namespace flint::pci
