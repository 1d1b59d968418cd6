#include "hv/soft/pit_channel.h"

namespace flint::soft {

namespace {
constexpr u8 kControlMask = 0x3f;
constexpr u64 kFullCount = 0x10000;
}  // namespace

PitMode PitChannel::mode() const {
    const auto m = static_cast<u8>((m_s.control >> pit::kModeShift) & pit::kModeMask);
    // Modes 6 and 7 are aliases of 2 and 3 (the M2 bit is "don't care" for them).
    return static_cast<PitMode>(m >= 6 ? m - 4 : m);
}

PitAccess PitChannel::access() const {
    return static_cast<PitAccess>((m_s.control >> pit::kAccessShift) & pit::kAccessMask);
}

u64 PitChannel::period() const {
    const u64 n = m_s.reload == 0 ? kFullCount : m_s.reload;
    // A count of 1 is illegal in the periodic modes; run it as 2 rather than divide the
    // output into nothing.
    const bool periodic = mode() == PitMode::RateGenerator || mode() == PitMode::SquareWave;
    return (periodic && n < 2) ? 2 : n;
}

bool PitChannel::gate_pauses() const {
    return mode() != PitMode::HardwareOneShot && mode() != PitMode::HardwareStrobe;
}

u64 PitChannel::elapsed(u64 now_tick) const {
    if (!m_s.armed) return 0;
    if (!m_s.gate && gate_pauses()) return m_s.frozen_elapsed;
    return now_tick > m_s.start_tick ? now_tick - m_s.start_tick : 0;
}

void PitChannel::write_control(u8 control, u64 /*now_tick*/) {
    // A control word resets the counter's logic: OUT goes to the mode's initial level
    // and nothing counts until a new count is written.
    m_s.control = static_cast<u8>(control & kControlMask);
    m_s.count_latched = false;
    m_s.status_latched = false;
    m_s.read_high_next = false;
    m_s.write_high_next = false;
    m_s.null_count = true;
    m_s.armed = false;
    m_s.edges_reported = 0;
}

void PitChannel::load(u64 now_tick) {
    m_s.null_count = false;
    m_s.edges_reported = 0;
    m_s.frozen_elapsed = 0;
    m_s.start_tick = now_tick;
    // The hardware-triggered modes wait for a rising gate edge.
    // FIXME: a new count written in modes 2 and 3 should take effect at the end of the
    // current period; it restarts the period at once instead.
    m_s.armed = gate_pauses();
}

void PitChannel::write_data(u8 value, u64 now_tick) {
    switch (access()) {
        case PitAccess::LowByte:
            m_s.reload = value;
            load(now_tick);
            return;
        case PitAccess::HighByte:
            m_s.reload = static_cast<u16>(value << 8);
            load(now_tick);
            return;
        case PitAccess::LowHigh:
            if (!m_s.write_high_next) {
                m_s.pending_low = value;
                m_s.write_high_next = true;
                // In mode 0 the first byte already stops the count (OUT stays low).
                if (mode() == PitMode::InterruptOnTerminalCount) m_s.armed = false;
                return;
            }
            m_s.write_high_next = false;
            m_s.reload = static_cast<u16>(m_s.pending_low | (value << 8));
            load(now_tick);
            return;
        case PitAccess::Latch:
            return;  // no control word written yet: the counter ignores data
    }
}

u8 PitChannel::read_data(u64 now_tick) {
    if (m_s.status_latched) {
        m_s.status_latched = false;
        return m_s.latched_status;
    }
    const u16 value = m_s.count_latched ? m_s.latched_count : count(now_tick);
    const auto low = static_cast<u8>(value & 0xff);
    const auto high = static_cast<u8>(value >> 8);
    switch (access()) {
        case PitAccess::LowByte: m_s.count_latched = false; return low;
        case PitAccess::HighByte: m_s.count_latched = false; return high;
        case PitAccess::LowHigh:
        case PitAccess::Latch:
            if (!m_s.read_high_next) {
                m_s.read_high_next = true;
                return low;
            }
            m_s.read_high_next = false;
            m_s.count_latched = false;
            return high;
    }
    return low;
}

void PitChannel::latch_count(u64 now_tick) {
    if (m_s.count_latched) return;  // further latches are ignored until it is read
    m_s.latched_count = count(now_tick);
    m_s.count_latched = true;
}

void PitChannel::latch_status(u64 now_tick) {
    if (m_s.status_latched) return;
    m_s.latched_status = static_cast<u8>((out(now_tick) ? pit::kStatusOut : 0) |
                                         (m_s.null_count ? pit::kStatusNullCount : 0) |
                                         m_s.control);
    m_s.status_latched = true;
}

void PitChannel::set_gate(bool high, u64 now_tick) {
    if (high == m_s.gate) return;
    if (!high) {
        if (m_s.armed && gate_pauses()) m_s.frozen_elapsed = elapsed(now_tick);
        m_s.gate = false;
        return;
    }
    m_s.gate = true;
    switch (mode()) {
        case PitMode::InterruptOnTerminalCount:
        case PitMode::SoftwareStrobe:
            // Counting resumes where it stopped.
            m_s.start_tick = now_tick - m_s.frozen_elapsed;
            return;
        case PitMode::RateGenerator:
        case PitMode::SquareWave:
        case PitMode::HardwareOneShot:
        case PitMode::HardwareStrobe:
            // A rising gate reloads the count and starts (or retriggers) it.
            if (m_s.null_count) return;
            m_s.armed = true;
            m_s.start_tick = now_tick;
            m_s.frozen_elapsed = 0;
            m_s.edges_reported = 0;
            return;
    }
}

bool PitChannel::out(u64 now_tick) const {
    if (!m_s.armed) return mode() != PitMode::InterruptOnTerminalCount;
    const u64 e = elapsed(now_tick);
    const u64 n = period();
    switch (mode()) {
        case PitMode::InterruptOnTerminalCount:
        case PitMode::HardwareOneShot: return e >= n;
        case PitMode::RateGenerator: return !m_s.gate || e % n != n - 1;
        case PitMode::SquareWave: return !m_s.gate || e % n < (n + 1) / 2;
        case PitMode::SoftwareStrobe:
        case PitMode::HardwareStrobe: return e != n;
    }
    return true;
}

u16 PitChannel::count(u64 now_tick) const {
    if (!m_s.armed) return m_s.reload;
    const u64 e = elapsed(now_tick);
    const u64 n = period();
    switch (mode()) {
        case PitMode::RateGenerator: return static_cast<u16>(n - e % n);
        case PitMode::SquareWave: {
            // The counter steps by two and reloads at each half period.
            const u64 phase = e % n;
            const u64 high_len = (n + 1) / 2;
            const u64 in_half = phase < high_len ? phase : phase - high_len;
            return static_cast<u16>((n - 2 * in_half) & ~u64{1});
        }
        case PitMode::InterruptOnTerminalCount:
        case PitMode::HardwareOneShot:
        case PitMode::SoftwareStrobe:
        case PitMode::HardwareStrobe:
            return static_cast<u16>(n - e);  // wraps past zero, as the counter does
    }
    return 0;
}

u64 PitChannel::rising_edges(u64 now_tick) const {
    if (!m_s.armed) return 0;
    const u64 e = elapsed(now_tick);
    const u64 n = period();
    switch (mode()) {
        case PitMode::InterruptOnTerminalCount:
        case PitMode::HardwareOneShot: return e >= n ? 1 : 0;
        case PitMode::RateGenerator:
        case PitMode::SquareWave: return e / n;
        case PitMode::SoftwareStrobe:
        case PitMode::HardwareStrobe: return e >= n + 1 ? 1 : 0;  // low for one tick at 0
    }
    return 0;
}

u64 PitChannel::next_unreported_edge_tick() const {
    if (!m_s.armed || (!m_s.gate && gate_pauses())) return kNoDeadline;
    const u64 n = period();
    switch (mode()) {
        case PitMode::InterruptOnTerminalCount:
        case PitMode::HardwareOneShot:
            return m_s.edges_reported == 0 ? m_s.start_tick + n : kNoDeadline;
        case PitMode::RateGenerator:
        case PitMode::SquareWave: return m_s.start_tick + (m_s.edges_reported + 1) * n;
        case PitMode::SoftwareStrobe:
        case PitMode::HardwareStrobe:
            return m_s.edges_reported == 0 ? m_s.start_tick + n + 1 : kNoDeadline;
    }
    return kNoDeadline;
}

u64 PitChannel::take_new_edges(u64 now_tick) {
    const u64 edges = rising_edges(now_tick);
    const u64 fresh = edges > m_s.edges_reported ? edges - m_s.edges_reported : 0;
    m_s.edges_reported = edges;
    return fresh;
}

}  // namespace flint::soft
