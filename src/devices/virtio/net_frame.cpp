#include "devices/virtio/net_frame.h"

#include "backends/net.h"
#include "base/bits.h"

namespace flint::virtio::net {

const char* describe(Drop drop) {
    switch (drop) {
    case Drop::None: return "none";
    case Drop::ShortHeader: return "transmit chain shorter than the virtio-net header";
    case Drop::OffloadNotOffered: return "transmit header asks for an offload the device did not offer";
    case Drop::Runt: return "transmit frame shorter than an Ethernet header";
    case Drop::TooLong: return "transmit frame too long";
    case Drop::BufferTooSmall: return "receive buffer too small for the frame";
    case Drop::Backlog: return "no receive buffers and the backlog is full";
    case Drop::NotRunning: return "the driver has not started the device";
    }
    return "unknown";
}

Drop read_tx_frame(const DescriptorChain& chain, std::vector<u8>& frame) {
    u8 header[kHeaderBytes];
    if (copy_from_chain(chain, Stream::Readable, 0, header) != kHeaderBytes) return Drop::ShortHeader;
    // Neither VIRTIO_NET_F_CSUM nor a GSO feature is offered: the driver must send
    // complete frames (section 5.1.6.2). Other flags mean nothing on transmit.
    if ((header[hdr::kFlags] & hdr::kFlagNeedsCsum) || header[hdr::kGsoType] != hdr::kGsoNone)
        return Drop::OffloadNotOffered;
    const u64 len = chain.readable_bytes - kHeaderBytes;
    if (len < kEthernetHeaderBytes) return Drop::Runt;
    if (len > backends::kMaxFrameBytes) return Drop::TooLong;
    frame.resize(len);
    copy_from_chain(chain, Stream::Readable, kHeaderBytes, frame);
    return Drop::None;
}

u32 write_rx_frame(const DescriptorChain& chain, std::span<const u8> frame) {
    const u64 total = kHeaderBytes + frame.size();
    if (chain.writable_bytes < total) return 0;
    u8 header[kHeaderBytes] = {};
    // No offloads offered: no flags, no GSO; one buffer per frame without MRG_RXBUF.
    store_le<u16>(header + hdr::kNumBuffers, 1);
    copy_to_chain(chain, 0, header);
    copy_to_chain(chain, kHeaderBytes, frame);
    return static_cast<u32>(total);
}

}  // namespace flint::virtio::net
