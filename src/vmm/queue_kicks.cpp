#include "vmm/queue_kicks.h"

#include "base/log.h"
#include "devices/virtio/mmio_regs.h"

namespace flint::vmm {

namespace {

// QueueNotify is a 32-bit register; Linux writes the queue index there with writel().
constexpr u32 kNotifyWidth = 4;

}  // namespace

QueueKicks::~QueueKicks() {
    for (const auto& e : m_events) m_loop.unwatch(e->fd(), this);
}

void QueueKicks::add(const std::shared_ptr<virtio::MmioTransport>& transport, u64 base) {
    const u64 notify = base + static_cast<u64>(virtio::MmioReg::QueueNotify);
    for (u32 q = 0; q < transport->num_queues(); ++q) {
        auto event = m_vm.mmio_write_event(notify, kNotifyWidth, q);
        if (event && !*event) return;  // not offered: every kick is an exit
        if (event) {
            auto watched = m_loop.watch_event((*event)->fd(), [transport, q] { transport->notify_queue(q); }, this);
            if (watched) {
                m_events.push_back(std::move(*event));
                continue;
            }
            event = watched.error();  // the registration goes with `event`: kicks exit again
        }
        if (!m_warned) {
            m_warned = true;
            spdlog::warn("virtio queue notifications through eventfds: {}; they stay on the vCPU threads",
                         event.error().message());
        }
    }
}

}  // namespace flint::vmm
