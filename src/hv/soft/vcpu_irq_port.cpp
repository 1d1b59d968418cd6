#include "hv/soft/vcpu_irq_port.h"

#include <algorithm>

namespace flint::soft {

bool VcpuIrqPort::pic_has_interrupt() const {
    return m_pic && m_apic.accepts_pic_interrupts() && m_pic->has_interrupt();
}

bool VcpuIrqPort::has_interrupt() const {
    return pic_has_interrupt() || m_apic.pending_vector() >= 0;
}

u8 VcpuIrqPort::acknowledge() {
    if (pic_has_interrupt()) {
        m_apic.pic_interrupt_acknowledged();
        return m_pic->acknowledge();
    }
    return m_apic.acknowledge();
}

u64 VcpuIrqPort::next_deadline_ns() const {
    const u64 apic = m_apic.next_deadline_ns();
    return m_pit ? std::min(apic, m_pit->next_deadline_ns()) : apic;
}

void VcpuIrqPort::advance(u64 now_ns) {
    // The PIT first: its tick may reach this vCPU through the PIC or IOAPIC at once.
    if (m_pit) m_pit->advance(now_ns);
    m_apic.advance(now_ns);
}

}  // namespace flint::soft
