// The local APIC timer. Like the PIT it does not tick: the current count and the next
// expiry are computed from the time the initial count was written, and advance() turns
// elapsed expirations into interrupts (several missed periods fold into one, counted).
#include "hv/soft/local_apic.h"

namespace flint::soft {

ApicTimerMode LocalApic::timer_mode() const {
    const u32 mode = (m_s.lvt[static_cast<unsigned>(Lvt::Timer)] >> apic::kLvtTimerModeShift) &
                     apic::kLvtTimerModeMask;
    // Mode 3 is reserved; run it as one-shot.
    return mode <= 2 ? static_cast<ApicTimerMode>(mode) : ApicTimerMode::OneShot;
}

u64 LocalApic::timer_divisor() const {
    // Bits 0, 1 and 3 form a 3-bit value v; the divisor is 2^(v+1), with v = 7 meaning 1.
    const u32 v = (m_s.timer_divide & 3) | ((m_s.timer_divide >> 1) & 4);
    return u64{1} << ((v + 1) & 7);
}

u64 LocalApic::timer_period_ns() const {
    return ticks_to_ns(static_cast<u64>(m_s.timer_initial) * timer_divisor(), m_config.timer_hz);
}

void LocalApic::timer_start(u32 initial) {
    if (timer_mode() == ApicTimerMode::TscDeadline) return;  // the count is unused there
    m_s.timer_initial = initial;  // 0 stops the timer
    m_s.timer_start_ns = m_clock();
    m_s.timer_periods_done = 0;
}

u32 LocalApic::timer_current(u64 now_ns) const {
    if (m_s.timer_initial == 0 || timer_mode() == ApicTimerMode::TscDeadline) return 0;
    const u64 elapsed_ns = now_ns > m_s.timer_start_ns ? now_ns - m_s.timer_start_ns : 0;
    const u64 counted = ns_to_ticks(elapsed_ns, m_config.timer_hz) / timer_divisor();
    if (timer_mode() == ApicTimerMode::OneShot) {
        return counted >= m_s.timer_initial ? 0 : static_cast<u32>(m_s.timer_initial - counted);
    }
    return static_cast<u32>(m_s.timer_initial - counted % m_s.timer_initial);
}

void LocalApic::timer_fire(u64 expirations) {
    if (expirations == 0) return;
    const u32 lvt = m_s.lvt[static_cast<unsigned>(Lvt::Timer)];
    if (lvt & apic::kLvtMasked) return;  // the count runs; the interrupt is suppressed
    m_timer_missed += expirations - 1;
    accept_locked(static_cast<u8>(lvt & apic::kLvtVectorMask), TriggerMode::Edge);
}

u64 LocalApic::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    if (!hw_enabled() || (m_s.lvt[static_cast<unsigned>(Lvt::Timer)] & apic::kLvtMasked)) {
        return kNoDeadline;
    }
    if (timer_mode() == ApicTimerMode::TscDeadline) {
        if (m_s.tsc_deadline == 0) return kNoDeadline;
        const u64 now_ns = m_clock();
        const u64 tsc = m_tsc();
        if (tsc >= m_s.tsc_deadline) return now_ns;
        return now_ns + ticks_to_ns(m_s.tsc_deadline - tsc, m_config.tsc_hz);
    }
    if (m_s.timer_initial == 0) return kNoDeadline;
    if (timer_mode() == ApicTimerMode::OneShot && m_s.timer_periods_done > 0) return kNoDeadline;
    return m_s.timer_start_ns + (m_s.timer_periods_done + 1) * timer_period_ns();
}

void LocalApic::advance(u64 now_ns) {
    std::lock_guard lock(m_mutex);
    if (!hw_enabled()) return;
    if (timer_mode() == ApicTimerMode::TscDeadline) {
        if (m_s.tsc_deadline != 0 && m_tsc() >= m_s.tsc_deadline) {
            m_s.tsc_deadline = 0;  // the deadline disarms itself when it fires
            timer_fire(1);
        }
        return;
    }
    if (m_s.timer_initial == 0 || now_ns < m_s.timer_start_ns) return;
    const u64 period = timer_period_ns();
    const u64 elapsed = (now_ns - m_s.timer_start_ns) / period;
    if (timer_mode() == ApicTimerMode::OneShot) {
        if (elapsed >= 1 && m_s.timer_periods_done == 0) {
            m_s.timer_periods_done = 1;
            timer_fire(1);
        }
        return;
    }
    if (elapsed > m_s.timer_periods_done) {
        const u64 fresh = elapsed - m_s.timer_periods_done;
        m_s.timer_periods_done = elapsed;
        timer_fire(fresh);
    }
}

u64 LocalApic::tsc_deadline() const {
    std::lock_guard lock(m_mutex);
    return m_s.tsc_deadline;
}

void LocalApic::set_tsc_deadline(u64 tsc) {
    std::lock_guard lock(m_mutex);
    // Writes outside TSC-deadline mode are ignored, as the SDM specifies.
    if (timer_mode() == ApicTimerMode::TscDeadline) m_s.tsc_deadline = tsc;
}

u64 LocalApic::timer_missed() const {
    std::lock_guard lock(m_mutex);
    return m_timer_missed;
}

}  // namespace flint::soft
