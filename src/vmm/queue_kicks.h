#pragma once
// Virtio queue notifications ("kicks") off the vCPU threads. Where the back end offers it
// (kvm: KVM_IOEVENTFD), a guest's write of queue index q to a virtio-mmio device's
// QueueNotify register signals an eventfd instead of exiting to Flint; the event loop
// thread waits on these eventfds and serves the queue under the transport's lock, while
// the vCPU runs on. Where it does not (soft), or where registration fails, the write stays
// an MMIO access that the transport serves on the vCPU thread.
//
// Threading: add() before the event loop starts. The event loop must be stopped before
// this object goes, and the Vm must outlive it (its destructor unregisters the eventfds).
#include <memory>
#include <vector>

#include "base/event_loop.h"
#include "devices/virtio/mmio.h"
#include "hv/hypervisor.h"

namespace flint::vmm {

class QueueKicks {
public:
    QueueKicks(hv::Vm& vm, EventLoop& loop) : m_vm(vm), m_loop(loop) {}
    ~QueueKicks();
    QueueKicks(const QueueKicks&) = delete;
    QueueKicks& operator=(const QueueKicks&) = delete;

    // Routes the kicks of every queue of `transport`, whose registers are at guest-physical
    // `base`, through eventfds if the back end offers them.
    void add(const std::shared_ptr<virtio::MmioTransport>& transport, u64 base);

    // How many queues are served from the event loop.
    size_t count() const { return m_events.size(); }

private:
    hv::Vm& m_vm;
    EventLoop& m_loop;
    std::vector<std::unique_ptr<hv::IoEvent>> m_events;
    bool m_warned = false;
};

}  // namespace flint::vmm
