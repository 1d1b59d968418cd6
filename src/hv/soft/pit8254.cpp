#include "hv/soft/pit8254.h"

namespace flint::soft {

namespace {
constexpr unsigned kChannel2 = 2;
}  // namespace

Pit8254::Pit8254(MonotonicClock clock, IrqLine& irq0) : m_clock(std::move(clock)), m_irq0(irq0) {
    // Counter 2's gate starts low (port 0x61 bit 0 clear); counters 0 and 1 are tied high.
    m_channels[kChannel2].set_gate(false, 0);
}

u64 Pit8254::now_tick() const { return ns_to_ticks(m_clock(), kPitHz); }

u8 Pit8254::read_port(PitPort port) {
    std::lock_guard lock(m_mutex);
    if (port == PitPort::Control) return 0xff;  // write-only
    return m_channels[static_cast<unsigned>(port)].read_data(now_tick());
}

void Pit8254::write_port(PitPort port, u8 value) {
    std::lock_guard lock(m_mutex);
    const u64 tick = now_tick();
    if (port != PitPort::Control) {
        m_channels[static_cast<unsigned>(port)].write_data(value, tick);
        return;
    }
    const auto select = static_cast<unsigned>(value >> pit::kSelectShift);
    if (select == pit::kSelectReadBack) {
        for (unsigned ch = 0; ch < kPitChannels; ++ch) {
            if (!(value & (1u << (ch + pit::kReadBackCounterShift)))) continue;
            if (!(value & pit::kReadBackNoStatus)) m_channels[ch].latch_status(tick);
            if (!(value & pit::kReadBackNoCount)) m_channels[ch].latch_count(tick);
        }
        return;
    }
    const auto access = static_cast<PitAccess>((value >> pit::kAccessShift) & pit::kAccessMask);
    if (access == PitAccess::Latch) {
        m_channels[select].latch_count(tick);
        return;
    }
    if (value & pit::kBcd) {
        // FIXME: BCD counting is not modelled; the counter runs in binary (no OS we boot
        // uses BCD). The status byte still reports the bit the guest wrote.
        m_errors.note("BCD counting requested for counter {}", select);
    }
    m_channels[select].write_control(value, tick);
}

u8 Pit8254::read_port61() {
    std::lock_guard lock(m_mutex);
    const u64 now = m_clock();
    const bool refresh = ((now / port61::kRefreshPeriodNs) & 1) != 0;
    const bool out2 = m_channels[kChannel2].out(ns_to_ticks(now, kPitHz));
    return static_cast<u8>(m_port61 | (refresh ? port61::kRefreshToggle : 0) |
                           (out2 ? port61::kOut2 : 0));
}

void Pit8254::write_port61(u8 value) {
    std::lock_guard lock(m_mutex);
    m_port61 = static_cast<u8>(value & port61::kWritable);
    m_channels[kChannel2].set_gate((value & port61::kGate2) != 0, now_tick());
}

void Pit8254::advance(u64 now_ns) {
    u64 fresh = 0;
    {
        std::lock_guard lock(m_mutex);
        fresh = m_channels[0].take_new_edges(ns_to_ticks(now_ns, kPitHz));
        if (fresh == 0) return;
        ++m_pulses;
        m_missed += fresh - 1;
    }
    // The line rests low between pulses, so every pulse is a fresh rising edge for the
    // edge-triggered PIC and IOAPIC inputs behind it.
    m_irq0.pulse();
}

u64 Pit8254::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    const u64 tick = m_channels[0].next_unreported_edge_tick();
    return tick == kNoDeadline ? kNoDeadline : ticks_to_ns(tick, kPitHz);
}

PitState Pit8254::save() const {
    std::lock_guard lock(m_mutex);
    PitState s;
    for (unsigned ch = 0; ch < kPitChannels; ++ch) s.channels[ch] = m_channels[ch].state();
    s.port61 = m_port61;
    return s;
}

void Pit8254::restore(const PitState& state) {
    std::lock_guard lock(m_mutex);
    for (unsigned ch = 0; ch < kPitChannels; ++ch) m_channels[ch].restore(state.channels[ch]);
    m_port61 = static_cast<u8>(state.port61 & port61::kWritable);
}

u64 Pit8254::irq_pulses() const {
    std::lock_guard lock(m_mutex);
    return m_pulses;
}

u64 Pit8254::missed_ticks() const {
    std::lock_guard lock(m_mutex);
    return m_missed;
}

u64 Pit8254::guest_errors() const {
    std::lock_guard lock(m_mutex);
    return m_errors.count();
}

void PitPortsDevice::read(u64 offset, std::span<u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        data[i] = at < kPitPortCount ? m_pit.read_port(static_cast<PitPort>(at)) : 0xff;
    }
}

void PitPortsDevice::write(u64 offset, std::span<const u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        if (at < kPitPortCount) m_pit.write_port(static_cast<PitPort>(at), data[i]);
    }
}

void Port61Device::read(u64 offset, std::span<u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = offset + i == 0 ? m_pit.read_port61() : 0xff;
}

void Port61Device::write(u64 offset, std::span<const u8> data) {
    if (offset == 0 && !data.empty()) m_pit.write_port61(data[0]);
}

}  // namespace flint::soft
