#pragma once
// The host side of a network device: something that carries Ethernet frames between the
// guest's NIC and the host (a TAP interface, or libslirp's user-mode network stack).
// Frames are whole Ethernet frames without any virtio header.
#include <functional>
#include <span>

#include "base/types.h"

namespace flint::backends {

// Frames for the guest, delivered on the event loop thread.
using FrameSink = std::function<void(std::span<const u8> frame)>;

class NetBackend {
public:
    virtual ~NetBackend() = default;
    // Where frames from the host network go. Set once, before the event loop starts.
    virtual void set_receiver(FrameSink sink) = 0;
    // One frame from the guest to the host network. Thread-safe (vCPU threads call it);
    // it never blocks on the network: a frame the host cannot take is dropped, as on a
    // wire, and counted.
    virtual void send(std::span<const u8> frame) = 0;
    // Frames dropped so far on the way out.
    virtual u64 send_drops() const = 0;
    // Whether every frame this back end delivers carries correct checksums, so that the
    // guest may skip verifying them (a network stack that builds its own frames, as
    // libslirp does; not a wire, where frames can arrive damaged).
    virtual bool delivers_valid_checksums() const { return false; }
    // The largest IP packet the back end carries, when it is more than Ethernet's 1500
    // and the guest should use it (VIRTIO_NET_F_MTU); 0: the standard 1500. A network
    // stack in the VMM has no wire to match, and fewer, larger frames cost the guest far
    // less per byte.
    virtual u16 mtu() const { return 0; }
};

// Largest frame a back end hands over or accepts: an Ethernet frame for a 64 KiB IP
// packet, room enough for every MTU Flint configures (see NetBackend::mtu).
inline constexpr size_t kMaxFrameBytes = 65536 + 14;

}  // namespace flint::backends
