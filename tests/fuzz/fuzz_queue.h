#pragma once
// What the virtqueue fuzz targets share: the input's first bytes choose the queue's shape,
// the rest becomes the first bytes of guest RAM, where the rings lie.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "devices/virtio/queue.h"
#include "memory/guest_memory.h"

namespace flint::fuzz {

struct QueueShape {
    u16 size;  // 1 to 16 descriptors: short inputs reach the rings
    bool event_idx;
    bool indirect;
};

// Reads the shape from two bytes: data[0] the size, data[1] bits 0-1 the ring features
// (bits 2-7 are the target's own).
inline QueueShape queue_shape(const uint8_t* data) {
    return {static_cast<u16>(1u << (data[0] % 5)), (data[1] & 1) != 0, (data[1] & 2) != 0};
}

// Guest RAM = the input, zeros after it.
inline void load_ram(GuestMemory& memory, const uint8_t* data, size_t size) {
    u8* ram = memory.host_ptr(0, memory.size());
    std::memset(ram, 0, memory.size());
    std::memcpy(ram, data, std::min<size_t>(size, memory.size()));
}

// Places `q` on the rings at desc/avail/used; false when it refuses them.
inline bool ready_queue(virtio::Queue& q, const GuestMemory& memory, const QueueShape& shape, u64 desc, u64 avail,
                        u64 used) {
    q.set_size(shape.size);
    q.set_desc_addr(desc);
    q.set_avail_addr(avail);
    q.set_used_addr(used);
    q.set_features(shape.event_idx, shape.indirect);
    return q.make_ready(memory) == virtio::QueueError::None;
}

}  // namespace flint::fuzz
