#pragma once
// virtio-rng, the entropy device (virtio 1.2 section 5.4): every buffer the driver offers
// is filled from the host's getrandom(2). Linux exposes it as /dev/hwrng.
#include "devices/virtio/device.h"

namespace flint::virtio {

class RngDevice final : public Device {
public:
    DeviceId device_id() const override { return DeviceId::Entropy; }
    u64 device_features() const override { return 0; }
    u32 num_queues() const override { return 1; }
    void read_config(u64 offset, std::span<u8> data) override { read_config_bytes({}, offset, data); }
    void process_queue(Transport& transport, u32 index) override;

private:
    DescriptorChain m_chain;
};

}  // namespace flint::virtio
