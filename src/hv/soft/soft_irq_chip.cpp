#include "hv/soft/soft_irq_chip.h"

namespace flint::soft {

namespace {
constexpr unsigned kCascade = 2;
}  // namespace

SoftIrqChip::SoftIrqChip(InterruptSink& apic_bus, IoApicVersion version)
    : m_ioapic(apic_bus, version) {
    for (unsigned gsi = 0; gsi < kIrqLines; ++gsi) m_lines[gsi] = std::make_unique<Line>(*this, gsi);
}

IrqLine* SoftIrqChip::irq_line(unsigned gsi) {
    return gsi < kIrqLines ? m_lines[gsi].get() : nullptr;
}

void SoftIrqChip::Line::set_level(bool high) {
    if (m_gsi == kCascade) return;  // the cascade input: nothing may drive it
    if (m_gsi < kIsaIrqs) m_chip.m_pic.set_irq(m_gsi, high);
    m_chip.m_ioapic.set_irq(ioapic_pin_for(m_gsi), high);
}

}  // namespace flint::soft
