#include "devices/virtio/net.h"

#include <algorithm>

#include "base/bits.h"
#include "base/log.h"

namespace flint::virtio {

namespace {

// struct virtio_net_config (section 5.1.4): mac, status, max_virtqueue_pairs.
constexpr u64 kConfigStatus = 6;
constexpr u64 kConfigMaxPairs = 8;
constexpr u64 kConfigMtu = 10;
constexpr u16 kStatusLinkUp = 1;

}  // namespace

NetDevice::NetDevice(std::unique_ptr<backends::NetBackend> backend, MacAddress mac) : m_backend(std::move(backend)) {
    std::copy(mac.begin(), mac.end(), m_config.begin());
    // The link is always up: neither back end can tell the guest otherwise yet.
    store_le<u16>(m_config.data() + kConfigStatus, kStatusLinkUp);
    store_le<u16>(m_config.data() + kConfigMaxPairs, 1);
    store_le<u16>(m_config.data() + kConfigMtu, m_backend->mtu());
    m_backend->set_receiver([this](std::span<const u8> frame) { receive(frame); });
}

void NetDevice::read_config(u64 offset, std::span<u8> data) { read_config_bytes(m_config, offset, data); }

net::Stats NetDevice::stats() const {
    net::Stats s = m_stats;
    s.rx_dropped += m_dropped_not_running.load(std::memory_order_relaxed);
    return s;
}

u64 NetDevice::device_features() const {
    // Transmit checksums are completed here, whatever the back end; received ones are
    // vouched for only when the back end builds its frames itself.
    u64 f = net_feature::kMac | net_feature::kStatus | net_feature::kCsum;
    if (m_backend->delivers_valid_checksums()) f |= net_feature::kGuestCsum;
    if (m_backend->mtu() != 0) f |= net_feature::kMtu;
    return f;
}

void NetDevice::activate(u64 features) {
    m_tx_csum = (features & net_feature::kCsum) ? net::Checksum::Offloaded : net::Checksum::Complete;
    m_rx_csum = (features & net_feature::kGuestCsum) ? net::RxChecksum::Valid : net::RxChecksum::Unverified;
}

void NetDevice::reset() {
    // The guest's buffers are gone; frames for them are stale.
    m_backlog.clear();
    m_tx_csum = net::Checksum::Complete;
    m_rx_csum = net::RxChecksum::Unverified;
}

void NetDevice::process_queue(Transport& transport, u32 index) {
    if (index == kTransmitQueue) {
        serve_queue(transport, index, m_tx_chain, [this](const DescriptorChain& chain) {
            transmit(chain);
            return u32{0};  // the device writes nothing into transmit buffers
        });
    } else if (deliver_backlog(transport)) {
        transport.signal_used(kReceiveQueue);
    }
}

void NetDevice::count_drop(net::Drop why, bool transmit) {
    ++(transmit ? m_stats.tx_dropped : m_stats.rx_dropped);
    if (m_stats.last_drop != why) spdlog::debug("virtio-net: dropped a frame: {}", net::describe(why));
    m_stats.last_drop = why;
}

void NetDevice::transmit(const DescriptorChain& chain) {
    const net::Drop drop = net::read_tx_frame(chain, m_tx_csum, m_tx_frame);
    if (drop != net::Drop::None) {
        count_drop(drop, true);
        return;
    }
    ++m_stats.tx_frames;
    m_stats.tx_bytes += m_tx_frame.size();
    m_backend->send(m_tx_frame);
}

void NetDevice::receive(std::span<const u8> frame) {
    const bool running =
        m_link && m_link->run_locked([this, &frame](Transport& transport) { receive_locked(transport, frame); });
    if (!running) m_dropped_not_running.fetch_add(1, std::memory_order_relaxed);
}

void NetDevice::receive_locked(Transport& transport, std::span<const u8> frame) {
    // Older frames first; a frame that cannot be delivered now joins the backlog.
    bool used = deliver_backlog(transport);
    Delivery d = Delivery::NoBuffer;
    if (m_backlog.empty()) d = deliver(transport, frame);
    if (d == Delivery::Used) used = true;
    if (d == Delivery::NoBuffer) {
        if (m_backlog.size() < kMaxBacklog)
            m_backlog.emplace_back(frame.begin(), frame.end());
        else
            count_drop(net::Drop::Backlog, false);
    }
    if (used) transport.signal_used(kReceiveQueue);
}

bool NetDevice::deliver_backlog(Transport& transport) {
    bool used = false;
    while (!m_backlog.empty()) {
        const Delivery d = deliver(transport, m_backlog.front());
        if (d == Delivery::NoBuffer) break;
        m_backlog.pop_front();
        if (d == Delivery::Broken) {
            m_backlog.clear();
            break;
        }
        used = true;
    }
    return used;
}

NetDevice::Delivery NetDevice::deliver(Transport& transport, std::span<const u8> frame) {
    Queue& q = transport.queue(kReceiveQueue);
    if (!q.ready()) return Delivery::NoBuffer;
    const Queue::Pop r = q.pop(transport.memory(), m_rx_chain);
    if (r == Queue::Pop::Empty) return Delivery::NoBuffer;
    if (r == Queue::Pop::Broken) {
        transport.mark_broken(describe(q.error()));
        return Delivery::Broken;
    }
    // A buffer too small for the frame goes back empty: Linux counts a length error and
    // reposts it, and the receive ring never stalls on one oversized frame.
    const u32 written = net::write_rx_frame(m_rx_chain, frame, m_rx_csum);
    if (written == 0) {
        count_drop(net::Drop::BufferTooSmall, false);
    } else {
        ++m_stats.rx_frames;
        m_stats.rx_bytes += frame.size();
        // Off the vCPU threads (on the loop thread) every vCPU drops decoded code for
        // these pages before its next block (SoftVm::note_guest_write).
        for (const ChainBuffer& b : m_rx_chain.writable) transport.guest_written(b.gpa, b.len);
    }
    q.add_used(m_rx_chain.head, written);
    return Delivery::Used;
}

}  // namespace flint::virtio
