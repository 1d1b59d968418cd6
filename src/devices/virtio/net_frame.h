#pragma once
// virtio-net frames (virtio 1.2 section 5.1.6): every buffer the device and the driver
// exchange starts with a struct virtio_net_hdr, then one Ethernet frame. With
// VIRTIO_F_VERSION_1 the header is 12 bytes (num_buffers included) whether or not
// VIRTIO_NET_F_MRG_RXBUF is negotiated.
//
// Checksum offload, no segmentation: with VIRTIO_NET_F_CSUM the driver may leave a
// transmit checksum to the device (NEEDS_CSUM, csum_start, csum_offset), which completes
// it here, on the host, before the back end sees the frame; with VIRTIO_NET_F_GUEST_CSUM
// received frames are marked DATA_VALID when the back end vouches for their checksums.
//
// Everything here reads guest-written chains: short headers, offloads the device did not
// offer, runts and oversized frames are dropped and counted, never trusted.
#include <span>
#include <vector>

#include "base/types.h"
#include "devices/virtio/queue.h"

namespace flint::virtio::net {

inline constexpr u64 kHeaderBytes = 12;
inline constexpr u64 kEthernetHeaderBytes = 14;

// struct virtio_net_hdr fields (offsets) and values.
namespace hdr {
inline constexpr u64 kFlags = 0;
inline constexpr u64 kGsoType = 1;
inline constexpr u64 kCsumStart = 6;
inline constexpr u64 kCsumOffset = 8;
inline constexpr u64 kNumBuffers = 10;
inline constexpr u8 kFlagNeedsCsum = 1;
inline constexpr u8 kFlagDataValid = 2;
inline constexpr u8 kGsoNone = 0;
}  // namespace hdr

// Why a frame did not go through.
enum class Drop : u8 {
    None,
    ShortHeader,   // TX chain shorter than the virtio-net header
    OffloadNotOffered,  // TX header asks for an offload not negotiated (GSO is never offered)
    BadChecksumRange,   // TX NEEDS_CSUM with csum_start/csum_offset outside the frame
    Runt,          // TX frame shorter than an Ethernet header (zero-length included)
    TooLong,       // TX frame longer than any back end takes
    BufferTooSmall,  // RX chain cannot hold the header and the frame
    Backlog,       // RX: no buffers from the driver and the backlog is full
    NotRunning,    // RX: the driver has not started the device (or it is broken)
};

const char* describe(Drop drop);

// Counters for the device's lifetime (they survive a driver reset).
struct Stats {
    u64 tx_frames = 0;
    u64 tx_bytes = 0;
    u64 rx_frames = 0;
    u64 rx_bytes = 0;
    u64 tx_dropped = 0;
    u64 rx_dropped = 0;
    Drop last_drop = Drop::None;
};

enum class Checksum : u8 { Complete, Offloaded };

// The Ethernet frame of a transmit chain, validated, copied into `frame` (contiguous for
// the back end), with an offloaded checksum completed when `csum` is Offloaded (the
// driver negotiated VIRTIO_NET_F_CSUM). Drop::None on success.
Drop read_tx_frame(const DescriptorChain& chain, Checksum csum, std::vector<u8>& frame);

// Writes the header and `frame` into a receive chain's writable buffers; returns the
// bytes written, or 0 when the chain is too small (the frame is dropped). `valid` marks
// the frame DATA_VALID (checksums verified).
enum class RxChecksum : u8 { Unverified, Valid };
u32 write_rx_frame(const DescriptorChain& chain, std::span<const u8> frame, RxChecksum valid);

// The Internet checksum (RFC 1071) of `bytes` folded into `sum`, as stored in a header:
// complemented, and 0xffff for a zero result (valid for TCP too, and required for UDP).
u16 internet_checksum(std::span<const u8> bytes);

}  // namespace flint::virtio::net
