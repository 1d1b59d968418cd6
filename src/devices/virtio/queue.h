#pragma once
// A split virtqueue (virtio 1.2 section 2.7), seen from the device side.
//
// The driver places descriptor chains in the available ring; the device pops them, uses
// the buffers and returns them through the used ring. Everything in the rings is written
// by the guest and therefore hostile: every ring, descriptor table and buffer is checked
// against guest RAM through GuestMemory before the device touches it, chains are bounded
// (a loop or an over-long chain is an error, never a hang), and any violation becomes a
// QueueError that the transport turns into DEVICE_NEEDS_RESET.
//
// Not thread-safe: the transport serialises all calls (see VirtioMmio).
#include <sys/uio.h>

#include <vector>

#include "base/types.h"
#include "memory/guest_memory.h"

namespace flint::virtio {

// Largest indirect descriptor table accepted (entries). Linux sizes its tables by the
// scatter-gather list, bounded by what the device advertises (seg_max and friends).
inline constexpr u32 kMaxIndirectEntries = 1024;
// Largest queue size any Flint device offers; the split ring allows 32768.
inline constexpr u16 kMaxQueueSize = 1024;

enum class QueueError : u8 {
    None,
    BadSize,               // queue size zero, above the maximum or not a power of two
    RingOutsideMemory,     // descriptor table or a ring not in guest RAM, or misaligned
    AvailIndexJump,        // the driver claims more new entries than the queue holds
    HeadOutOfRange,        // an available ring entry names no descriptor
    NextOutOfRange,        // a descriptor's `next` names no descriptor
    BufferOutsideMemory,   // a buffer address/length not in guest RAM
    ChainTooLong,          // more descriptors than the table holds: a loop
    BadIndirect,           // indirect table with bad length, NEXT, nesting, or not offered
    ReadableAfterWritable, // device-readable buffer after a device-writable one
};

const char* describe(QueueError error);

// One guest buffer of a chain, already checked: `host` points at `len` bytes of guest RAM.
struct ChainBuffer {
    u8* host;
    u32 len;
    u64 gpa;  // where the guest sees it
};

// The buffers of one descriptor chain in order: device-readable ones, then
// device-writable ones. Zero-length descriptors are dropped.
struct DescriptorChain {
    u16 head = 0;
    std::vector<ChainBuffer> readable;
    std::vector<ChainBuffer> writable;
    u64 readable_bytes = 0;
    u64 writable_bytes = 0;

    void clear(u16 new_head);
};

enum class Stream : u8 { Readable, Writable };

// Copies up to out.size() bytes starting `offset` bytes into one stream of the chain;
// returns how many were copied.
u64 copy_from_chain(const DescriptorChain& chain, Stream stream, u64 offset, std::span<u8> out);
u64 copy_to_chain(const DescriptorChain& chain, u64 offset, std::span<const u8> in);
// Appends iovecs covering [offset, offset+len) of one stream (clipped to the stream).
void gather(const DescriptorChain& chain, Stream stream, u64 offset, u64 len, std::vector<iovec>& out);

class Queue {
public:
    explicit Queue(u16 max_size) : m_max_size(max_size), m_size(max_size) {}

    // Driver-side configuration, through the transport's registers. Ignored while the
    // queue is ready (the driver must not change a live queue).
    u16 max_size() const { return m_max_size; }
    u16 size() const { return m_size; }
    void set_size(u16 size);
    void set_desc_addr(u64 gpa);
    void set_avail_addr(u64 gpa);
    void set_used_addr(u64 gpa);
    u64 desc_addr() const { return m_desc_gpa; }
    u64 avail_addr() const { return m_avail_gpa; }
    u64 used_addr() const { return m_used_gpa; }
    bool ready() const { return m_ready; }

    // QueueReady = 1: checks the size and the three areas against `memory` and keeps
    // host pointers to them (guest RAM never moves). Returns the reason on failure; the
    // queue stays not ready then.
    QueueError make_ready(const GuestMemory& memory);
    // The features the driver accepted: event index and indirect descriptors.
    void set_features(bool event_idx, bool indirect);
    // QueueReady = 0: stop using the rings; the configuration stays.
    void disable() { m_ready = false; }
    // Back to the reset state (not ready, size = max, addresses 0).
    void reset();

    enum class Pop : u8 { Chain, Empty, Broken };
    // The hot path: takes the next available chain into `chain` (reusing its storage).
    // Empty when the driver has published nothing new; Broken (see error()) when the
    // ring or the chain violates the specification.
    Pop pop(const GuestMemory& memory, DescriptorChain& chain);
    QueueError error() const { return m_error; }

    // Returns a chain to the driver with `len` bytes written into its writable buffers.
    void add_used(u16 head, u32 len);
    // Whether the driver wants an interrupt for what was added since the last call that
    // returned true (event index, or the NO_INTERRUPT flag).
    bool should_notify();

private:
    struct Desc {
        u64 addr;
        u32 len;
        u16 flags;
        u16 next;
    };
    QueueError walk(const GuestMemory& memory, u16 head, DescriptorChain& chain) const;
    u16 avail_idx() const;
    u16 used_event() const;
    void set_avail_event(u16 value);

    u16 m_max_size;
    u16 m_size;
    bool m_ready = false;
    bool m_event_idx = false;
    bool m_indirect = false;
    u64 m_desc_gpa = 0;
    u64 m_avail_gpa = 0;
    u64 m_used_gpa = 0;
    // Valid while ready: host views of the three areas.
    const u8* m_desc = nullptr;
    u8* m_avail = nullptr;
    u8* m_used = nullptr;

    u16 m_last_avail = 0;     // next available ring slot to pop
    u16 m_used_idx = 0;       // next used ring slot to fill
    u16 m_signalled_used = 0; // used index at the last interrupt
    bool m_signalled_valid = false;
    QueueError m_error = QueueError::None;
};

}  // namespace flint::virtio
