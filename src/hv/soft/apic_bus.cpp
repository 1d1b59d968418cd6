#include "hv/soft/apic_bus.h"

namespace flint::soft {

bool ApicBus::addressed(const LocalApic& apic, const InterruptMessage& msg) const {
    switch (msg.shorthand) {
        case Shorthand::None: return apic.matches(msg.dest, msg.dest_mode);
        case Shorthand::Self: return apic.id() == msg.source_apic_id;
        case Shorthand::AllIncludingSelf: return true;
        case Shorthand::AllExcludingSelf: return apic.id() != msg.source_apic_id;
    }
    return false;
}

void ApicBus::give(LocalApic& apic, const InterruptMessage& msg) {
    apic.accept_message(msg);
    if (m_kick) m_kick(apic);
}

void ApicBus::deliver(const InterruptMessage& msg) {
    if (msg.delivery == DeliveryMode::LowestPriority && msg.shorthand == Shorthand::None) {
        // Arbitration: the addressed APIC running at the lowest processor priority wins
        // (the first one on a tie).
        LocalApic* best = nullptr;
        u32 best_ppr = 0;
        for (LocalApic* apic : m_apics) {
            if (!addressed(*apic, msg)) continue;
            const u32 p = apic->processor_priority();
            if (!best || p < best_ppr) {
                best = apic;
                best_ppr = p;
            }
        }
        if (best) {
            give(*best, msg);
        } else {
            m_undelivered.fetch_add(1, std::memory_order_relaxed);
        }
        return;
    }
    bool any = false;
    for (LocalApic* apic : m_apics) {
        if (!addressed(*apic, msg)) continue;
        give(*apic, msg);
        any = true;
    }
    if (!any) m_undelivered.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace flint::soft
