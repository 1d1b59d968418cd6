#pragma once
// virtio-console (virtio 1.2 section 5.3) with a single port and no optional features:
// Linux makes it hvc0. What the guest writes to it goes to an output sink; the host
// sends no input yet, so the receive queue keeps the buffers the driver offers.
#include <functional>
#include <span>

#include "devices/virtio/device.h"

namespace flint::virtio {

class ConsoleDevice final : public Device {
public:
    using OutputSink = std::function<void(std::span<const u8>)>;

    static constexpr u32 kReceiveQueue = 0;
    static constexpr u32 kTransmitQueue = 1;

    explicit ConsoleDevice(OutputSink sink) : m_sink(std::move(sink)) {}

    DeviceId device_id() const override { return DeviceId::Console; }
    u64 device_features() const override { return 0; }
    u32 num_queues() const override { return 2; }
    // Without VIRTIO_CONSOLE_F_SIZE or F_MULTIPORT no configuration field is valid.
    void read_config(u64 offset, std::span<u8> data) override { read_config_bytes({}, offset, data); }
    void process_queue(Transport& transport, u32 index) override;

private:
    OutputSink m_sink;
    DescriptorChain m_chain;
};

}  // namespace flint::virtio
