#include "devices/virtio/queue.h"

#include <atomic>
#include <bit>
#include <cstring>

#include "devices/virtio/virtio_spec.h"

namespace flint::virtio {

namespace {

// Ring layout (section 2.7): avail = flags, idx, ring[size], used_event;
// used = flags, idx, ring[size] of {id, len}, avail_event.
constexpr u64 kRingHeader = 4;
constexpr u64 kDescSize = 16;
constexpr u64 kUsedElemSize = 8;
constexpr u64 desc_table_bytes(u16 size) { return kDescSize * size; }
constexpr u64 avail_ring_bytes(u16 size) { return kRingHeader + 2 * u64{size} + 2; }
constexpr u64 used_ring_bytes(u16 size) { return kRingHeader + kUsedElemSize * size + 2; }

// Ring fields are shared with the guest's vCPUs: single loads and stores of aligned
// fields (make_ready checks the alignment), ordered by explicit fences.
u16 load_u16(const u8* p) { return __atomic_load_n(reinterpret_cast<const u16*>(p), __ATOMIC_RELAXED); }
void store_u16(u8* p, u16 v) { __atomic_store_n(reinterpret_cast<u16*>(p), v, __ATOMIC_RELAXED); }
void store_u32(u8* p, u32 v) { __atomic_store_n(reinterpret_cast<u32*>(p), v, __ATOMIC_RELAXED); }

}  // namespace

const char* describe(QueueError error) {
    switch (error) {
    case QueueError::None: return "no error";
    case QueueError::BadSize: return "queue size is zero, too large or not a power of two";
    case QueueError::RingOutsideMemory: return "a ring or the descriptor table lies outside guest RAM or is misaligned";
    case QueueError::AvailIndexJump: return "the available index moved by more than the queue size";
    case QueueError::HeadOutOfRange: return "an available ring entry is beyond the descriptor table";
    case QueueError::NextOutOfRange: return "a descriptor's next index is beyond its table";
    case QueueError::BufferOutsideMemory: return "a descriptor's buffer lies outside guest RAM";
    case QueueError::ChainTooLong: return "a descriptor chain is longer than its table (a loop)";
    case QueueError::BadIndirect: return "an indirect descriptor table is malformed or not negotiated";
    case QueueError::ReadableAfterWritable: return "a device-readable descriptor follows a device-writable one";
    }
    return "unknown queue error";
}

void DescriptorChain::clear(u16 new_head) {
    head = new_head;
    readable.clear();
    writable.clear();
    readable_bytes = 0;
    writable_bytes = 0;
}

namespace {

// Calls fn(host, len) for each piece of [offset, offset+len) in `buffers`.
template <typename Fn>
void for_each_piece(const std::vector<ChainBuffer>& buffers, u64 offset, u64 len, Fn&& fn) {
    for (const ChainBuffer& b : buffers) {
        if (len == 0) return;
        if (offset >= b.len) {
            offset -= b.len;
            continue;
        }
        const u64 n = std::min<u64>(b.len - offset, len);
        fn(b.host + offset, n);
        offset = 0;
        len -= n;
    }
}

}  // namespace

u64 copy_from_chain(const DescriptorChain& chain, Stream stream, u64 offset, std::span<u8> out) {
    u64 done = 0;
    for_each_piece(stream == Stream::Readable ? chain.readable : chain.writable, offset, out.size(),
                   [&](const u8* p, u64 n) {
                       std::memcpy(out.data() + done, p, n);
                       done += n;
                   });
    return done;
}

u64 copy_to_chain(const DescriptorChain& chain, u64 offset, std::span<const u8> in) {
    u64 done = 0;
    for_each_piece(chain.writable, offset, in.size(), [&](u8* p, u64 n) {
        std::memcpy(p, in.data() + done, n);
        done += n;
    });
    return done;
}

void gather(const DescriptorChain& chain, Stream stream, u64 offset, u64 len, std::vector<iovec>& out) {
    for_each_piece(stream == Stream::Readable ? chain.readable : chain.writable, offset, len,
                   [&](u8* p, u64 n) { out.push_back(iovec{p, n}); });
}

void Queue::set_size(u16 size) {
    if (!m_ready) m_size = size;
}
void Queue::set_desc_addr(u64 gpa) {
    if (!m_ready) m_desc_gpa = gpa;
}
void Queue::set_avail_addr(u64 gpa) {
    if (!m_ready) m_avail_gpa = gpa;
}
void Queue::set_used_addr(u64 gpa) {
    if (!m_ready) m_used_gpa = gpa;
}

void Queue::set_features(bool event_idx, bool indirect) {
    m_event_idx = event_idx;
    m_indirect = indirect;
}

void Queue::reset() {
    *this = Queue(m_max_size);
}

QueueError Queue::make_ready(const GuestMemory& memory) {
    if (m_size == 0 || m_size > m_max_size || !std::has_single_bit(m_size)) return QueueError::BadSize;
    // Alignment from section 2.7: 16 for descriptors, 2 for avail, 4 for used.
    if (m_desc_gpa % 16 || m_avail_gpa % 2 || m_used_gpa % 4) return QueueError::RingOutsideMemory;
    const u8* desc = memory.host_ptr(m_desc_gpa, desc_table_bytes(m_size));
    u8* avail = memory.host_ptr(m_avail_gpa, avail_ring_bytes(m_size));
    u8* used = memory.host_ptr(m_used_gpa, used_ring_bytes(m_size));
    if (!desc || !avail || !used) return QueueError::RingOutsideMemory;
    m_desc = desc;
    m_avail = avail;
    m_used = used;
    m_ready = true;
    m_last_avail = 0;
    m_used_idx = 0;
    m_signalled_valid = false;
    m_error = QueueError::None;
    return QueueError::None;
}

u16 Queue::avail_idx() const { return load_u16(m_avail + 2); }
u16 Queue::used_event() const { return load_u16(m_avail + kRingHeader + 2 * u64{m_size}); }
void Queue::set_avail_event(u16 value) { store_u16(m_used + kRingHeader + kUsedElemSize * m_size, value); }

// Hot path: one index load, one ring entry, then the chain's descriptors.
Queue::Pop Queue::pop(const GuestMemory& memory, DescriptorChain& chain) {
    if (!m_ready) return Pop::Empty;
    if (m_error != QueueError::None) return Pop::Broken;
    u16 avail = avail_idx();
    if (avail == m_last_avail) {
        if (!m_event_idx) return Pop::Empty;
        // Ask for a notification when the driver adds the next entry, then look again:
        // an entry published before the driver saw avail_event would otherwise be missed.
        set_avail_event(m_last_avail);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        avail = avail_idx();
        if (avail == m_last_avail) return Pop::Empty;
    }
    if (static_cast<u16>(avail - m_last_avail) > m_size) {
        m_error = QueueError::AvailIndexJump;
        return Pop::Broken;
    }
    // The ring entry and the descriptors were written before the index: read them after.
    std::atomic_thread_fence(std::memory_order_acquire);
    const u16 head = load_u16(m_avail + kRingHeader + 2 * u64{static_cast<u16>(m_last_avail & (m_size - 1))});
    m_error = walk(memory, head, chain);
    if (m_error != QueueError::None) return Pop::Broken;
    ++m_last_avail;
    if (m_event_idx) set_avail_event(m_last_avail);
    return Pop::Chain;
}

QueueError Queue::walk(const GuestMemory& memory, u16 head, DescriptorChain& chain) const {
    chain.clear(head);
    if (head >= m_size) return QueueError::HeadOutOfRange;
    const u8* table = m_desc;
    u32 table_len = m_size;
    bool in_indirect = false;
    u16 index = head;
    // A chain visits each descriptor of its table at most once: any more is a loop.
    for (u32 visited = 1;; ++visited) {
        if (visited > table_len) return QueueError::ChainTooLong;
        Desc d;
        std::memcpy(&d, table + kDescSize * index, sizeof d);  // one copy: the guest may change it
        if (d.flags & desc_flag::kIndirect) {
            if (!m_indirect || in_indirect || (d.flags & desc_flag::kNext)) return QueueError::BadIndirect;
            if (d.len == 0 || d.len % kDescSize || d.len / kDescSize > kMaxIndirectEntries) return QueueError::BadIndirect;
            table = memory.host_ptr(d.addr, d.len);
            if (!table) return QueueError::BufferOutsideMemory;
            table_len = static_cast<u32>(d.len / kDescSize);
            in_indirect = true;
            index = 0;
            visited = 0;
            continue;
        }
        if (d.len) {
            u8* host = memory.host_ptr(d.addr, d.len);
            if (!host) return QueueError::BufferOutsideMemory;
            if (d.flags & desc_flag::kWrite) {
                chain.writable.push_back({host, d.len, d.addr});
                chain.writable_bytes += d.len;
            } else {
                if (!chain.writable.empty()) return QueueError::ReadableAfterWritable;
                chain.readable.push_back({host, d.len, d.addr});
                chain.readable_bytes += d.len;
            }
        }
        if (!(d.flags & desc_flag::kNext)) return QueueError::None;
        if (d.next >= table_len) return QueueError::NextOutOfRange;
        index = d.next;
    }
}

void Queue::add_used(u16 head, u32 len) {
    if (!m_ready) return;
    u8* elem = m_used + kRingHeader + kUsedElemSize * (m_used_idx & (m_size - 1));
    store_u32(elem, head);
    store_u32(elem + 4, len);
    ++m_used_idx;
    // The element must be visible before the index that publishes it.
    std::atomic_thread_fence(std::memory_order_release);
    store_u16(m_used + 2, m_used_idx);
}

bool Queue::should_notify() {
    if (!m_ready) return false;
    // The used index store must be visible before reading what the driver asked for.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!m_event_idx) return !(load_u16(m_avail) & kAvailFlagNoInterrupt);
    const u16 old_used = m_signalled_used;
    const bool valid = m_signalled_valid;
    m_signalled_used = m_used_idx;
    m_signalled_valid = true;
    // vring_need_event (section 2.7.10): notify when used_event lies in (old, new].
    const u16 event = used_event();
    return !valid || static_cast<u16>(m_used_idx - event - 1) < static_cast<u16>(m_used_idx - old_used);
}

}  // namespace flint::virtio
