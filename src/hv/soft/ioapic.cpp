#include "hv/soft/ioapic.h"

#include "base/bits.h"

namespace flint::soft {

namespace {

constexpr u8 kRedirectionEnd =
    static_cast<u8>(static_cast<u8>(IoApicReg::RedirectionBase) + 2 * kIoApicPins);

bool is_level(u64 entry) { return (entry & ioapic::kLevelTriggered) != 0; }
bool is_masked(u64 entry) { return (entry & ioapic::kMasked) != 0; }

}  // namespace

IoApic::IoApic(InterruptSink& sink, IoApicVersion version, u8 id)
    : m_sink(sink), m_version(version) {
    m_s.id = static_cast<u8>(id & 0x0f);
    m_s.entries.fill(ioapic::kMasked);  // all pins masked at reset
}

void IoApic::set_irq(unsigned pin, bool level) {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        if (pin >= kIoApicPins) {
            m_errors.note("set_irq on pin {} (out of range)", pin);
            return;
        }
        const u32 b = static_cast<u32>(bit(pin));
        const bool was = (m_s.levels & b) != 0;
        m_s.levels = level ? (m_s.levels | b) : (m_s.levels & ~b);
        const u64 e = m_s.entries[pin];
        if (is_level(e)) {
            service_level(pin, out);
        } else if (level && !was && !is_masked(e)) {
            queue(pin, out);  // a masked edge is lost, as on the chip
        }
    }
    send(out);
}

void IoApic::queue(unsigned pin, Outbox& out) {
    const u64 e = m_s.entries[pin];
    InterruptMessage& m = out.msgs[out.count++];
    m.vector = static_cast<u8>(e & ioapic::kVectorMask);
    m.delivery = static_cast<DeliveryMode>((e >> ioapic::kDeliveryShift) & ioapic::kDeliveryMask);
    m.dest_mode = (e & ioapic::kDestLogical) ? DestMode::Logical : DestMode::Physical;
    m.trigger = is_level(e) ? TriggerMode::Level : TriggerMode::Edge;
    m.dest = static_cast<u8>(e >> ioapic::kDestShift);
    m.shorthand = Shorthand::None;
}

void IoApic::service_level(unsigned pin, Outbox& out) {
    u64& e = m_s.entries[pin];
    if (!is_level(e) || is_masked(e) || (e & ioapic::kRemoteIrr)) return;
    if (!(m_s.levels & bit(pin))) return;
    e |= ioapic::kRemoteIrr;
    queue(pin, out);
}

void IoApic::send(const Outbox& out) {
    for (unsigned i = 0; i < out.count; ++i) m_sink.deliver(out.msgs[i]);
}

void IoApic::eoi_locked(u8 vector, Outbox& out) {
    for (unsigned pin = 0; pin < kIoApicPins; ++pin) {
        u64& e = m_s.entries[pin];
        if (!is_level(e) || !(e & ioapic::kRemoteIrr) || (e & ioapic::kVectorMask) != vector) continue;
        e &= ~ioapic::kRemoteIrr;
        service_level(pin, out);  // still asserted: the device wants service again
    }
}

void IoApic::end_of_interrupt(u8 vector) {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        eoi_locked(vector, out);
    }
    send(out);
}

u32 IoApic::read_register(u8 index) const {
    switch (static_cast<IoApicReg>(index)) {
        case IoApicReg::Id:
        case IoApicReg::Arbitration: return static_cast<u32>(m_s.id) << ioapic::kIdShift;
        case IoApicReg::Version:
            return ((kIoApicPins - 1) << ioapic::kMaxEntryShift) | static_cast<u32>(m_version);
        case IoApicReg::RedirectionBase: break;
    }
    if (index >= static_cast<u8>(IoApicReg::RedirectionBase) && index < kRedirectionEnd) {
        const unsigned slot = index - static_cast<unsigned>(IoApicReg::RedirectionBase);
        const u64 e = m_s.entries[slot / 2];
        return static_cast<u32>((slot & 1) ? e >> 32 : e);
    }
    return 0;  // reserved registers read as zero
}

void IoApic::write_register(u8 index, u32 value, Outbox& out) {
    if (index == static_cast<u8>(IoApicReg::Id)) {
        m_s.id = static_cast<u8>((value & ioapic::kIdMask) >> ioapic::kIdShift);
        return;
    }
    if (index < static_cast<u8>(IoApicReg::RedirectionBase) || index >= kRedirectionEnd) {
        m_errors.note("write {:#x} to read-only or reserved register {:#04x}", value, index);
        return;
    }
    const unsigned slot = index - static_cast<unsigned>(IoApicReg::RedirectionBase);
    const unsigned pin = slot / 2;
    u64& e = m_s.entries[pin];
    const u64 half_mask = (slot & 1) ? 0xffff'ffff'0000'0000ull : 0x0000'0000'ffff'ffffull;
    const u64 shifted = (slot & 1) ? static_cast<u64>(value) << 32 : value;
    const u64 writable = ioapic::kWritable & half_mask;
    e = (e & ~writable) | (shifted & writable);
    if (!is_level(e)) e &= ~ioapic::kRemoteIrr;  // remote IRR only means something for level
    service_level(pin, out);  // unmasking an asserted level pin delivers it
}

void IoApic::read(u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_mutex);
    u64 value = 0;
    if (offset == static_cast<u64>(IoApicMmio::RegSelect)) {
        value = m_s.select;
    } else if (offset == static_cast<u64>(IoApicMmio::Window) && data.size() == 4) {
        value = read_register(m_s.select);
    } else {
        m_errors.note("{}-byte read at offset {:#x}", data.size(), offset);
    }
    store_le_span(data, value);
}

void IoApic::write(u64 offset, std::span<const u8> data) {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        const u64 value = load_le_span(data);
        if (offset == static_cast<u64>(IoApicMmio::RegSelect)) {
            m_s.select = static_cast<u8>(value);
        } else if (offset == static_cast<u64>(IoApicMmio::Window) && data.size() == 4) {
            write_register(m_s.select, static_cast<u32>(value), out);
        } else if (offset == static_cast<u64>(IoApicMmio::Eoi) && data.size() == 4 &&
                   m_version == IoApicVersion::V20) {
            eoi_locked(static_cast<u8>(value), out);
        } else {
            m_errors.note("{}-byte write {:#x} at offset {:#x}", data.size(), value, offset);
        }
    }
    send(out);
}

u64 IoApic::entry(unsigned pin) const {
    std::lock_guard lock(m_mutex);
    return pin < kIoApicPins ? m_s.entries[pin] : 0;
}

IoApicState IoApic::save() const {
    std::lock_guard lock(m_mutex);
    return m_s;
}

void IoApic::restore(const IoApicState& state) {
    std::lock_guard lock(m_mutex);
    m_s = state;
}

u64 IoApic::guest_errors() const {
    std::lock_guard lock(m_mutex);
    return m_errors.count();
}

}  // namespace flint::soft
