#include "hv/soft/pic8259.h"

namespace flint::soft {

namespace {
u8 bit_of(unsigned line) { return static_cast<u8>(1u << line); }
}  // namespace

bool Pic8259::level_triggered(unsigned line) const {
    return m_s.level_all || (m_s.elcr & bit_of(line)) != 0;
}

unsigned Pic8259::priority_of(unsigned line) const {
    // The IR after the lowest-priority one has priority 0.
    return (line + 7u - m_s.lowest_priority) & 7u;
}

int Pic8259::highest(u8 mask) const {
    int best = -1;
    unsigned best_priority = 8;
    for (unsigned line = 0; line < 8; ++line) {
        if ((mask & bit_of(line)) && priority_of(line) < best_priority) {
            best = static_cast<int>(line);
            best_priority = priority_of(line);
        }
    }
    return best;
}

void Pic8259::set_irq(unsigned line, bool level) {
    const u8 b = bit_of(line);
    if (level_triggered(line)) {
        // A level input requests service for as long as it is high.
        m_s.irr = level ? static_cast<u8>(m_s.irr | b) : static_cast<u8>(m_s.irr & ~b);
    } else if (level && !(m_s.line_levels & b)) {
        // An edge input latches the rising edge; the request stays latched after the line
        // falls, so a short pulse is not lost.
        m_s.irr |= b;
    }
    m_s.line_levels = level ? static_cast<u8>(m_s.line_levels | b)
                            : static_cast<u8>(m_s.line_levels & ~b);
}

int Pic8259::pending_irq() const {
    const int request = highest(static_cast<u8>(m_s.irr & ~m_s.imr));
    if (request < 0) return -1;
    // In special mask mode a masked in-service IR no longer blocks lower priorities.
    const u8 in_service = m_s.special_mask ? static_cast<u8>(m_s.isr & ~m_s.imr) : m_s.isr;
    const int serving = highest(in_service);
    if (serving >= 0 && priority_of(static_cast<unsigned>(request)) >=
                            priority_of(static_cast<unsigned>(serving))) {
        return -1;
    }
    return request;
}

unsigned Pic8259::acknowledge(bool* spurious) {
    const int request = pending_irq();
    if (request < 0) {
        // The request went away between INT and INTA: the chip answers with IR7 and sets
        // no in-service bit, which guests recognise as a spurious interrupt.
        *spurious = true;
        return 7;
    }
    *spurious = false;
    const auto line = static_cast<unsigned>(request);
    const u8 b = bit_of(line);
    if (!level_triggered(line)) m_s.irr &= static_cast<u8>(~b);
    if (m_s.auto_eoi) {
        if (m_s.rotate_on_aeoi) m_s.lowest_priority = static_cast<u8>(line);
    } else {
        m_s.isr |= b;
    }
    return line;
}

void Pic8259::write(PicPort port, u8 value) {
    if (port == PicPort::Data) {
        write_data(value);
    } else if (value & pic::kIcw1) {
        write_icw1(value);
    } else if (value & pic::kOcw3) {
        write_ocw3(value);
    } else {
        write_ocw2(value);
    }
}

u8 Pic8259::read(PicPort port) {
    if (port == PicPort::Data) return m_s.imr;
    if (m_s.poll) {
        m_s.poll = false;
        return poll_word();
    }
    return m_s.read_isr ? m_s.isr : m_s.irr;
}

void Pic8259::write_elcr(u8 value, u8 writable) {
    m_s.elcr = static_cast<u8>(value & writable);
    // Inputs now level-triggered request service exactly while they are high.
    m_s.irr = static_cast<u8>((m_s.irr & ~m_s.elcr) | (m_s.line_levels & m_s.elcr));
}

void Pic8259::write_icw1(u8 value) {
    // Initialisation resets the edge sense (a new rising edge is needed), the masks, the
    // priorities and the read selection. The in-service register is cleared too, so a
    // guest that re-initialises never inherits a stale in-service IR.
    m_s.irr &= static_cast<u8>(m_s.line_levels & m_s.elcr);
    m_s.isr = 0;
    m_s.imr = 0;
    m_s.lowest_priority = 7;
    m_s.special_mask = false;
    m_s.read_isr = false;
    m_s.poll = false;
    m_s.rotate_on_aeoi = false;
    m_s.expect_icw4 = (value & pic::kIcw1Ic4) != 0;
    m_s.single = (value & pic::kIcw1Sngl) != 0;
    m_s.level_all = (value & pic::kIcw1Ltim) != 0;
    if (!m_s.expect_icw4) m_s.auto_eoi = false;
    m_s.init_step = 2;
}

void Pic8259::write_data(u8 value) {
    switch (m_s.init_step) {
        case 2:
            m_s.vector_base = static_cast<u8>(value & 0xf8);
            m_s.init_step = m_s.single ? (m_s.expect_icw4 ? 4 : 0) : 3;
            return;
        case 3:
            m_s.icw3 = value;
            m_s.init_step = m_s.expect_icw4 ? 4 : 0;
            return;
        case 4:
            if (!(value & pic::kIcw4Upm)) m_errors.note("ICW4 {:#04x} selects MCS-80 mode", value);
            if (value & pic::kIcw4Sfnm) m_errors.note("ICW4 {:#04x}: no special fully nested mode", value);
            m_s.auto_eoi = (value & pic::kIcw4Aeoi) != 0;
            m_s.init_step = 0;
            return;
        default:
            m_s.imr = value;  // OCW1
            return;
    }
}

void Pic8259::eoi(int line, bool rotate) {
    if (line < 0) return;  // EOI with nothing in service: harmless, as on the chip
    m_s.isr &= static_cast<u8>(~bit_of(static_cast<unsigned>(line)));
    if (rotate) m_s.lowest_priority = static_cast<u8>(line);
}

void Pic8259::write_ocw2(u8 value) {
    const auto level = static_cast<int>(value & pic::kOcw2LevelMask);
    switch (static_cast<pic::Ocw2>(value >> pic::kOcw2CommandShift)) {
        case pic::Ocw2::NonSpecificEoi: eoi(highest(m_s.isr), false); return;
        case pic::Ocw2::SpecificEoi: eoi(level, false); return;
        case pic::Ocw2::RotateNonSpecificEoi: eoi(highest(m_s.isr), true); return;
        case pic::Ocw2::RotateSpecificEoi: eoi(level, true); return;
        case pic::Ocw2::SetPriority: m_s.lowest_priority = static_cast<u8>(level); return;
        case pic::Ocw2::RotateAeoiSet: m_s.rotate_on_aeoi = true; return;
        case pic::Ocw2::RotateAeoiClear: m_s.rotate_on_aeoi = false; return;
        case pic::Ocw2::Nop: return;
    }
}

void Pic8259::write_ocw3(u8 value) {
    if (value & pic::kOcw3Esmm) m_s.special_mask = (value & pic::kOcw3Smm) != 0;
    if (value & pic::kOcw3Poll) m_s.poll = true;
    if (value & pic::kOcw3Rr) m_s.read_isr = (value & pic::kOcw3Ris) != 0;
}

u8 Pic8259::poll_word() {
    // A poll is an INTA without the vector: bit 7 says whether an IR was pending and
    // bits 2-0 name it. FIXME: a poll of the master does not reach through to the slave.
    if (pending_irq() < 0) return 0;
    bool spurious = false;
    const unsigned line = acknowledge(&spurious);
    return static_cast<u8>(0x80 | line);
}

}  // namespace flint::soft
