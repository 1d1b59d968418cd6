#pragma once
// virtio-console (virtio 1.2 section 5.3) with a single port and no optional features:
// Linux makes it hvc0. What the guest writes to it goes to an output sink; what the host
// sends (receive(), from the host I/O thread) fills the buffers the driver offers on the
// receive queue, or waits for them in a bounded backlog.
#include <atomic>
#include <deque>
#include <functional>
#include <span>

#include "devices/virtio/device.h"

namespace flint::virtio {

class ConsoleDevice final : public Device {
public:
    using OutputSink = std::function<void(std::span<const u8>)>;

    static constexpr u32 kReceiveQueue = 0;
    static constexpr u32 kTransmitQueue = 1;
    // Host input waiting for receive buffers, in bytes; beyond it input is dropped (and
    // counted), as a UART overruns when nobody reads it.
    static constexpr size_t kMaxBacklog = 64 * 1024;

    explicit ConsoleDevice(OutputSink sink) : m_sink(std::move(sink)) {}

    DeviceId device_id() const override { return DeviceId::Console; }
    u64 device_features() const override { return 0; }
    u32 num_queues() const override { return 2; }
    // Without VIRTIO_CONSOLE_F_SIZE or F_MULTIPORT no configuration field is valid.
    void read_config(u64 offset, std::span<u8> data) override { read_config_bytes({}, offset, data); }
    void process_queue(Transport& transport, u32 index) override;
    void reset() override { m_backlog.clear(); }
    void connect(TransportLink& link) override { m_link = &link; }

    // Host input for the guest. Input that arrives while the driver has not started the
    // device is dropped, as on a serial line nobody listens to.
    void receive(std::span<const u8> bytes);
    // Bytes of host input dropped so far.
    u64 dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    void receive_locked(Transport& transport, std::span<const u8> bytes);
    // Moves backlog bytes into receive buffers; true when a buffer was used.
    bool deliver_backlog(Transport& transport);

    OutputSink m_sink;
    TransportLink* m_link = nullptr;
    DescriptorChain m_chain;     // transmit
    DescriptorChain m_rx_chain;  // receive
    std::deque<u8> m_backlog;    // guarded by the transport's lock
    std::atomic<u64> m_dropped{0};
};

}  // namespace flint::virtio
