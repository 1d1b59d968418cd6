#pragma once
// A virtio device as its transport (virtio-mmio or virtio-pci) sees it, and the
// transport as the device sees it. A device knows its feature bits, its configuration
// space and how to serve its queues; the transport owns the queues, the status and
// feature negotiation and the interrupt, so a device never learns which transport or
// back end carries it.
#include <functional>
#include <span>
#include <string_view>

#include "base/types.h"
#include "devices/virtio/queue.h"
#include "devices/virtio/virtio_spec.h"
#include "memory/guest_memory.h"

namespace flint::virtio {

// Queue size every Flint device offers unless it has a reason to differ.
inline constexpr u16 kDefaultQueueSize = 256;

class Transport {
public:
    virtual const GuestMemory& memory() const = 0;
    virtual Queue& queue(u32 index) = 0;
    // Tells the driver that queue `index` has new used buffers (subject to its
    // notification suppression).
    virtual void signal_used(u32 index) = 0;
    // The device cannot go on: status DEVICE_NEEDS_RESET, a configuration interrupt, and
    // one log line per device; requests are ignored until the driver resets it.
    virtual void mark_broken(std::string_view why) = 0;
    // The device wrote [gpa, gpa+len) of guest RAM behind the vCPUs' backs (see
    // hv::Vm::note_guest_write).
    virtual void guest_written(u64 gpa, u64 len) = 0;

protected:
    ~Transport() = default;
};

// How a device starts work of its own, outside a queue notification: host I/O on another
// thread (a network frame arriving on the event loop thread). The transport owns the lock
// that serialises everything a device does.
class TransportLink {
public:
    // Runs `work` with the transport's lock held, if the driver has the device running
    // (DRIVER_OK, not broken); otherwise does not run it and returns false.
    virtual bool run_locked(const std::function<void(Transport&)>& work) = 0;

protected:
    ~TransportLink() = default;
};

class Device {
public:
    virtual ~Device() = default;
    virtual DeviceId device_id() const = 0;
    // Device-specific feature bits; the transport adds VERSION_1 and the ring features.
    virtual u64 device_features() const = 0;
    virtual u32 num_queues() const = 0;
    virtual u16 queue_max_size() const { return kDefaultQueueSize; }
    // The device configuration space. Reads past its end return zeros, writes to
    // read-only fields are ignored.
    virtual void read_config(u64 offset, std::span<u8> data) = 0;
    virtual void write_config(u64 /*offset*/, std::span<const u8> /*data*/) {}
    // DRIVER_OK: the driver accepted `features`.
    virtual void activate(u64 /*features*/) {}
    // The driver notified queue `index` (always a valid, ready queue). Called with the
    // transport's lock held.
    virtual void process_queue(Transport& transport, u32 index) = 0;
    // The driver reset the device: back to the state before feature negotiation.
    virtual void reset() {}
    // The transport that carries the device, once, when it takes the device; it outlives
    // every use the device makes of it. Only devices with host-side input need it.
    virtual void connect(TransportLink& /*link*/) {}
};

// Pops every available chain of queue `index`, hands each to handler(chain) -> bytes
// written, returns it as used and interrupts the driver once at the end if it asks.
// A malformed ring or chain marks the device broken.
template <typename Handler>
void serve_queue(Transport& transport, u32 index, DescriptorChain& chain, Handler&& handler) {
    Queue& q = transport.queue(index);
    bool added = false;
    for (;;) {
        const Queue::Pop r = q.pop(transport.memory(), chain);
        if (r == Queue::Pop::Empty) break;
        if (r == Queue::Pop::Broken) {
            transport.mark_broken(describe(q.error()));
            break;
        }
        const u32 used = handler(chain);
        // Any writable buffer may have been written (a status byte sits at the end).
        for (const ChainBuffer& b : chain.writable) transport.guest_written(b.gpa, b.len);
        q.add_used(chain.head, used);
        added = true;
    }
    if (added) transport.signal_used(index);
}

// Copies a little-endian configuration structure's bytes [offset, offset+size) into
// `data`, zero beyond its end.
void read_config_bytes(std::span<const u8> config, u64 offset, std::span<u8> data);

}  // namespace flint::virtio
