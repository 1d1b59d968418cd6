// libFuzzer target: arbitrary guest memory under virtio-net's two queues. The input becomes
// the first bytes of guest RAM, where the descriptor tables and rings of both queues live;
// the device transmits whatever chains the transmit queue describes (to a back end that
// checks every frame it is handed) and delivers a few frames into whatever the receive
// queue offers. AddressSanitizer watches the host side.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backends/net.h"
#include "devices/virtio/net.h"
#include "fuzz_queue.h"

using namespace flint;

namespace {

// Rings packed into the first bytes of RAM, so that short inputs reach them: per queue up
// to 16 descriptors (256 bytes), then the available and the used ring.
constexpr u64 kQueueBytes = 0x200;
constexpr u64 kAvailAt = 0x100;
constexpr u64 kUsedAt = 0x140;

class CheckingBackend final : public backends::NetBackend {
public:
    void set_receiver(backends::FrameSink sink) override { m_sink = std::move(sink); }
    void send(std::span<const u8> frame) override {
        // The device must never hand over a runt or an oversized frame.
        if (frame.size() < virtio::net::kEthernetHeaderBytes || frame.size() > backends::kMaxFrameBytes) std::abort();
    }
    u64 send_drops() const override { return 0; }
    backends::FrameSink m_sink;
};

class FuzzTransport final : public virtio::Transport, public virtio::TransportLink {
public:
    explicit FuzzTransport(const GuestMemory& memory) : m_memory(memory) {}
    const GuestMemory& memory() const override { return m_memory; }
    virtio::Queue& queue(u32 index) override { return queues[index]; }
    void signal_used(u32 index) override { (void)queues[index].should_notify(); }
    void mark_broken(std::string_view) override { broken = true; }
    void guest_written(u64, u64) override {}
    bool run_locked(const std::function<void(virtio::Transport&)>& work) override {
        if (broken) return false;
        work(*this);
        return true;
    }

    virtio::Queue queues[2] = {virtio::Queue(256), virtio::Queue(256)};
    bool broken = false;

private:
    const GuestMemory& m_memory;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3) return 0;
    static GuestMemory memory = *GuestMemory::create(1 * MiB);
    const fuzz::QueueShape shape = fuzz::queue_shape(data);
    const size_t frame_len = static_cast<size_t>(data[2]) * 8;  // 0 to 2040 bytes
    fuzz::load_ram(memory, data + 3, size - 3);

    FuzzTransport transport(memory);
    for (u32 i = 0; i < 2; ++i) {
        const u64 base = i * kQueueBytes;
        if (!fuzz::ready_queue(transport.queues[i], memory, shape, base, base + kAvailAt, base + kUsedAt)) return 0;
    }
    auto backend = std::make_unique<CheckingBackend>();
    CheckingBackend* b = backend.get();
    virtio::NetDevice dev(std::move(backend), {0x52, 0x54, 0, 0x12, 0x34, 0x56});
    dev.connect(transport);
    // data[1] bits 2-3: the checksum offloads the driver negotiated.
    dev.activate(((data[1] & 4) ? virtio::net_feature::kCsum : 0) | ((data[1] & 8) ? virtio::net_feature::kGuestCsum : 0));
    dev.process_queue(transport, virtio::NetDevice::kTransmitQueue);
    // More frames than the receive queue can hold: the rest waits in the backlog, then a
    // kick delivers what it can.
    const std::vector<u8> frame(frame_len, 0xab);
    for (unsigned i = 0; i <= shape.size + 1u; ++i) b->m_sink(frame);
    dev.process_queue(transport, virtio::NetDevice::kReceiveQueue);
    return 0;
}
