#pragma once
// The APIC bus: routes interrupt messages (from the IOAPIC and from ICR writes) to the
// local APICs they address, and wakes the vCPUs that received something.
//
// APICs are registered while the VM is built and the list is read-only afterwards, so
// deliver() takes no lock of its own; each LocalApic locks itself.
#include <atomic>
#include <functional>
#include <vector>

#include "hv/soft/interrupt_types.h"
#include "hv/soft/local_apic.h"

namespace flint::soft {

class ApicBus final : public InterruptSink {
public:
    // Called after a message was accepted by `apic` (e.g. to wake its halted vCPU).
    using Kick = std::function<void(LocalApic& apic)>;

    void add(LocalApic& apic) { m_apics.push_back(&apic); }
    void set_kick(Kick kick) { m_kick = std::move(kick); }

    void deliver(const InterruptMessage& msg) override;

    u64 undelivered() const { return m_undelivered.load(std::memory_order_relaxed); }

private:
    bool addressed(const LocalApic& apic, const InterruptMessage& msg) const;
    void give(LocalApic& apic, const InterruptMessage& msg);

    std::vector<LocalApic*> m_apics;
    Kick m_kick;
    std::atomic<u64> m_undelivered{0};  // messages no APIC accepted (a statistic)
};

}  // namespace flint::soft
