#pragma once
// virtio-net (virtio 1.2 section 5.1): one receive and one transmit queue over a host
// network back end (backends/net.h); checksum offload both ways (see net_frame.h), no
// segmentation offload.
//
// Transmit runs on the vCPU thread that notified the queue: each frame is validated,
// copied out of the guest and handed to the back end, which never blocks. Receive runs on
// the event loop thread: the back end calls receive(), which takes the transport's lock
// through TransportLink and fills the driver's receive buffers. Frames that arrive while
// the driver has no buffers wait in a bounded backlog, delivered when it adds some.
#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <vector>

#include "backends/net.h"
#include "devices/virtio/device.h"
#include "devices/virtio/net_frame.h"

namespace flint::virtio {

using MacAddress = std::array<u8, 6>;

// Device feature bits (section 5.1.3).
namespace net_feature {
inline constexpr u64 kCsum = bit(0);
inline constexpr u64 kGuestCsum = bit(1);
inline constexpr u64 kMtu = bit(3);
inline constexpr u64 kMac = bit(5);
inline constexpr u64 kStatus = bit(16);
}  // namespace net_feature

class NetDevice final : public Device {
public:
    static constexpr u32 kReceiveQueue = 0;
    static constexpr u32 kTransmitQueue = 1;
    // Frames kept while the driver has no receive buffers; more are dropped, as a NIC's
    // full ring would.
    static constexpr size_t kMaxBacklog = 256;

    // Takes the back end and becomes its receiver.
    NetDevice(std::unique_ptr<backends::NetBackend> backend, MacAddress mac);

    DeviceId device_id() const override { return DeviceId::Net; }
    u64 device_features() const override;
    u32 num_queues() const override { return 2; }
    void read_config(u64 offset, std::span<u8> data) override;
    void process_queue(Transport& transport, u32 index) override;
    void activate(u64 features) override;
    void reset() override;
    void connect(TransportLink& link) override { m_link = &link; }

    // One frame for the guest, from the back end (event loop thread).
    void receive(std::span<const u8> frame);

    // Counters; read them where no other thread runs the device (tests, shutdown).
    net::Stats stats() const;

private:
    // The helpers below require the transport's lock.
    void transmit(const DescriptorChain& chain);
    void receive_locked(Transport& transport, std::span<const u8> frame);
    // Fills receive buffers from the backlog; returns whether any was used.
    bool deliver_backlog(Transport& transport);
    enum class Delivery : u8 { Used, NoBuffer, Broken };
    Delivery deliver(Transport& transport, std::span<const u8> frame);
    void count_drop(net::Drop why, bool transmit);

    std::unique_ptr<backends::NetBackend> m_backend;
    std::array<u8, 12> m_config{};  // mac, status, max_virtqueue_pairs, mtu
    TransportLink* m_link = nullptr;

    DescriptorChain m_tx_chain;  // reused across frames
    DescriptorChain m_rx_chain;
    std::vector<u8> m_tx_frame;
    std::deque<std::vector<u8>> m_backlog;
    net::Checksum m_tx_csum = net::Checksum::Complete;          // what the driver negotiated
    net::RxChecksum m_rx_csum = net::RxChecksum::Unverified;
    net::Stats m_stats;
    std::atomic<u64> m_dropped_not_running{0};  // counted without the lock
};

}  // namespace flint::virtio
