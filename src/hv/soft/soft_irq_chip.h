#pragma once
// The software back end's interrupt wiring, as on a PC: the 8259A pair and the IOAPIC
// side by side, and one IrqLine per interrupt input for the devices. This is what the
// soft Vm's irq_line(gsi) returns.
//
// Line numbering: 0-15 are ISA IRQs and drive both the 8259A input of that number and
// the IOAPIC pin of the same number, except ISA IRQ0 (the PIT), which drives IOAPIC pin 2
// (the usual ISA override; the MADT must carry "IRQ0 -> GSI 2"). Line 2 is the 8259A
// cascade and drives nothing. Lines 16-23 drive IOAPIC pins 16-23 only.
// FIXME: the 8259A's INT output is not wired to IOAPIC pin 0 (ExtINT through the IOAPIC);
// Flint's guests reach the 8259A through LINT0 instead.
//
// Lock order: no lock of these models is held while another is taken. A line first
// updates the PIC (its lock, released), then the IOAPIC (its lock, released before the
// APIC bus delivers), and a local APIC releases its lock before broadcasting an EOI to
// the IOAPIC or sending an IPI. So any thread may raise any line at any time.
#include <array>
#include <memory>

#include "devices/irq_line.h"
#include "hv/soft/interrupt_types.h"
#include "hv/soft/ioapic.h"
#include "hv/soft/pic8259_pair.h"

namespace flint::soft {

inline constexpr unsigned kIsaIrqs = 16;
inline constexpr unsigned kIrqLines = kIoApicPins;

class SoftIrqChip {
public:
    explicit SoftIrqChip(InterruptSink& apic_bus, IoApicVersion version = IoApicVersion::V20);

    // The line for `gsi` (see the numbering above), or nullptr when out of range.
    IrqLine* irq_line(unsigned gsi);

    Pic8259Pair& pic() { return m_pic; }
    IoApic& ioapic() { return m_ioapic; }
    const Pic8259Pair& pic() const { return m_pic; }
    const IoApic& ioapic() const { return m_ioapic; }

    // The IOAPIC pin an ISA IRQ arrives on.
    static constexpr unsigned ioapic_pin_for(unsigned line) { return line == 0 ? 2 : line; }

private:
    class Line final : public IrqLine {
    public:
        Line(SoftIrqChip& chip, unsigned gsi) : m_chip(chip), m_gsi(gsi) {}
        void set_level(bool high) override;

    private:
        SoftIrqChip& m_chip;
        unsigned m_gsi;
    };

    Pic8259Pair m_pic;
    IoApic m_ioapic;
    std::array<std::unique_ptr<Line>, kIrqLines> m_lines;
};

}  // namespace flint::soft
