#pragma once
// The driver side of a split virtqueue, written straight into guest memory, for device
// tests: descriptors, the available ring and the used ring at fixed guest addresses.
#include <vector>

#include "base/bits.h"
#include "devices/virtio/virtio_spec.h"
#include "memory/guest_memory.h"

namespace flint::test {

class FakeDriver {
public:
    static constexpr u64 kDesc = 0x1000;
    static constexpr u64 kAvail = 0x3000;
    static constexpr u64 kUsed = 0x4000;
    static constexpr u64 kIndirect = 0x6000;  // room for indirect tables
    static constexpr u64 kData = 0x10000;     // buffers from here on

    struct Buffer {
        u64 addr;
        u32 len;
        bool writable;
    };

    FakeDriver(const GuestMemory& memory, u16 size) : m_memory(memory), m_size(size) {}

    u16 size() const { return m_size; }

    void set_desc(u16 index, u64 addr, u32 len, u16 flags, u16 next, u64 table = kDesc) {
        u8 d[16];
        store_le<u64>(d, addr);
        store_le<u32>(d + 8, len);
        store_le<u16>(d + 12, flags);
        store_le<u16>(d + 14, next);
        write(table + 16 * u64{index}, d);
    }

    // Lays `buffers` out as one chain from the next free descriptors; returns its head.
    u16 add_chain(const std::vector<Buffer>& buffers) {
        const u16 head = m_next_desc;
        for (size_t i = 0; i < buffers.size(); ++i) {
            const bool last = i + 1 == buffers.size();
            const u16 index = static_cast<u16>((head + i) % m_size);
            const u16 flags = static_cast<u16>((last ? 0 : virtio::desc_flag::kNext) |
                                               (buffers[i].writable ? virtio::desc_flag::kWrite : 0));
            set_desc(index, buffers[i].addr, buffers[i].len, flags, static_cast<u16>((index + 1) % m_size));
        }
        m_next_desc = static_cast<u16>((head + buffers.size()) % m_size);
        return head;
    }

    // Puts `head` in the available ring and bumps its index.
    void publish(u16 head) {
        write_u16(kAvail + 4 + 2 * u64{static_cast<u16>(m_avail_idx % m_size)}, head);
        ++m_avail_idx;
        write_u16(kAvail + 2, m_avail_idx);
    }
    void set_avail_idx(u16 idx) {
        m_avail_idx = idx;
        write_u16(kAvail + 2, idx);
    }
    void set_avail_flags(u16 flags) { write_u16(kAvail, flags); }
    void set_used_event(u16 v) { write_u16(kAvail + 4 + 2 * u64{m_size}, v); }

    u16 used_idx() const { return read_u16(kUsed + 2); }
    u16 avail_event() const { return read_u16(kUsed + 4 + 8 * u64{m_size}); }
    u32 used_id(u16 slot) const { return read_u32(kUsed + 4 + 8 * u64{static_cast<u16>(slot % m_size)}); }
    u32 used_len(u16 slot) const { return read_u32(kUsed + 8 + 8 * u64{static_cast<u16>(slot % m_size)}); }

    void write(u64 gpa, std::span<const u8> bytes) const { (void)m_memory.write(gpa, bytes); }
    std::vector<u8> read(u64 gpa, size_t len) const {
        std::vector<u8> out(len);
        (void)m_memory.read(gpa, out);
        return out;
    }
    void write_u16(u64 gpa, u16 v) const {
        u8 b[2];
        store_le<u16>(b, v);
        write(gpa, b);
    }
    u16 read_u16(u64 gpa) const {
        auto b = read(gpa, 2);
        return load_le<u16>(b.data());
    }
    u32 read_u32(u64 gpa) const {
        auto b = read(gpa, 4);
        return load_le<u32>(b.data());
    }

private:
    const GuestMemory& m_memory;
    u16 m_size;
    u16 m_next_desc = 0;
    u16 m_avail_idx = 0;
};

}  // namespace flint::test
