#pragma once
// A transport for device tests: two queues on one set of FakeDriver rings (each test
// drives only one of them), counters for interrupts and broken marks, and run_locked()
// that runs the work inline while `running`. Device fixtures derive from it, so a device
// runs without registers or threads.
#include <functional>

#include "devices/virtio/device.h"
#include "virtio/fake_driver.h"

namespace flint::test {

class FakeTransport : public virtio::Transport, public virtio::TransportLink {
public:
    explicit FakeTransport(u16 queue_size)
        : drv(mem, queue_size), m_queues{virtio::Queue(queue_size), virtio::Queue(queue_size)} {
        for (virtio::Queue& q : m_queues) {
            q.set_size(queue_size);
            q.set_desc_addr(FakeDriver::kDesc);
            q.set_avail_addr(FakeDriver::kAvail);
            q.set_used_addr(FakeDriver::kUsed);
            queues_ready = queues_ready && q.make_ready(mem) == virtio::QueueError::None;
        }
    }

    const GuestMemory& memory() const override { return mem; }
    virtio::Queue& queue(u32 index) override { return m_queues[index]; }
    void signal_used(u32) override { ++signals; }
    void mark_broken(std::string_view) override { ++broken; }
    void guest_written(u64, u64) override {}
    bool run_locked(const std::function<void(virtio::Transport&)>& work) override {
        if (!running) return false;
        work(*this);
        return true;
    }

    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv;
    bool queues_ready = true;  // both queues accepted the rings
    bool running = true;       // the driver has the device running
    int signals = 0;
    int broken = 0;

protected:
    ~FakeTransport() = default;

private:
    virtio::Queue m_queues[2];
};

}  // namespace flint::test
