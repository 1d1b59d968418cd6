#pragma once
// virtio-blk (virtio 1.2 section 5.2): one request queue over a Disk.
//
// Requests run synchronously on the vCPU thread that notified the queue (pread/pwrite
// on the image), which keeps the device simple while there is one queue and no
// asynchronous I/O; moving them to the event loop thread is a change inside this device.
#include <memory>
#include <string>
#include <vector>

#include "backends/disk.h"
#include "devices/virtio/blk_request.h"
#include "devices/virtio/device.h"

namespace flint::virtio {

// Device feature bits (section 5.2.3).
namespace blk_feature {
inline constexpr u64 kSegMax = bit(2);
inline constexpr u64 kRo = bit(5);
inline constexpr u64 kFlush = bit(9);
inline constexpr u64 kDiscard = bit(13);
inline constexpr u64 kWriteZeroes = bit(14);
}  // namespace blk_feature

class BlockDevice final : public Device {
public:
    BlockDevice(std::unique_ptr<backends::Disk> disk, std::string id);

    DeviceId device_id() const override { return DeviceId::Block; }
    u64 device_features() const override;
    u32 num_queues() const override { return 1; }
    void read_config(u64 offset, std::span<u8> data) override;
    void process_queue(Transport& transport, u32 index) override;

    const blk::RequestStats& stats() const { return m_handler.stats(); }

private:
    std::unique_ptr<backends::Disk> m_disk;
    blk::RequestHandler m_handler;
    std::vector<u8> m_config;
    DescriptorChain m_chain;  // reused across requests
};

}  // namespace flint::virtio
