#include "devices/virtio/net_frame.h"

#include "backends/net.h"
#include "base/bits.h"

namespace flint::virtio::net {

const char* describe(Drop drop) {
    switch (drop) {
    case Drop::None: return "none";
    case Drop::ShortHeader: return "transmit chain shorter than the virtio-net header";
    case Drop::OffloadNotOffered: return "transmit header asks for an offload the driver did not negotiate";
    case Drop::BadChecksumRange: return "transmit checksum start or offset outside the frame";
    case Drop::Runt: return "transmit frame shorter than an Ethernet header";
    case Drop::TooLong: return "transmit frame too long";
    case Drop::BufferTooSmall: return "receive buffer too small for the frame";
    case Drop::Backlog: return "no receive buffers and the backlog is full";
    case Drop::NotRunning: return "the driver has not started the device";
    }
    return "unknown";
}

u16 internet_checksum(std::span<const u8> bytes) {
    u64 sum = 0;
    size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) sum += u32{bytes[i]} << 8 | bytes[i + 1];
    if (i < bytes.size()) sum += u32{bytes[i]} << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    const u16 result = static_cast<u16>(~sum);
    return result == 0 ? 0xffff : result;
}

Drop read_tx_frame(const DescriptorChain& chain, Checksum csum, std::vector<u8>& frame) {
    u8 header[kHeaderBytes];
    if (copy_from_chain(chain, Stream::Readable, 0, header) != kHeaderBytes) return Drop::ShortHeader;
    // No GSO feature is offered: the driver must send whole frames (section 5.1.6.2).
    // Other flags mean nothing on transmit.
    const bool needs_csum = header[hdr::kFlags] & hdr::kFlagNeedsCsum;
    if ((needs_csum && csum != Checksum::Offloaded) || header[hdr::kGsoType] != hdr::kGsoNone)
        return Drop::OffloadNotOffered;
    const u64 len = chain.readable_bytes - kHeaderBytes;
    if (len < kEthernetHeaderBytes) return Drop::Runt;
    if (len > backends::kMaxFrameBytes) return Drop::TooLong;
    const u64 start = load_le<u16>(header + hdr::kCsumStart);
    const u64 field = start + load_le<u16>(header + hdr::kCsumOffset);
    if (needs_csum && field + 2 > len) return Drop::BadChecksumRange;
    frame.resize(len);
    copy_from_chain(chain, Stream::Readable, kHeaderBytes, frame);
    if (needs_csum) {
        // The driver left the pseudo-header's sum in the field: summing from csum_start
        // over the rest of the frame, field included, gives the checksum (5.1.6.2).
        const u16 c = internet_checksum(std::span<const u8>(frame).subspan(start));
        frame[field] = static_cast<u8>(c >> 8);
        frame[field + 1] = static_cast<u8>(c);
    }
    return Drop::None;
}

u32 write_rx_frame(const DescriptorChain& chain, std::span<const u8> frame, RxChecksum valid) {
    const u64 total = kHeaderBytes + frame.size();
    if (chain.writable_bytes < total) return 0;
    u8 header[kHeaderBytes] = {};
    // No GSO; one buffer per frame without MRG_RXBUF.
    if (valid == RxChecksum::Valid) header[hdr::kFlags] = hdr::kFlagDataValid;
    store_le<u16>(header + hdr::kNumBuffers, 1);
    copy_to_chain(chain, 0, header);
    copy_to_chain(chain, kHeaderBytes, frame);
    return static_cast<u32>(total);
}

}  // namespace flint::virtio::net
