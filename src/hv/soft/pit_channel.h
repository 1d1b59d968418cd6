#pragma once
// One 8254 counter. It does not count by itself: its output and count at any instant are
// computed from the tick at which counting started (ticks of the 1.193182 MHz input),
// so no host timer runs while the guest is not looking. No locking: Pit8254 serialises.
#include "base/types.h"
#include "hv/soft/interrupt_types.h"
#include "hv/soft/pit8254_regs.h"

namespace flint::soft {

// Everything a snapshot must carry for one counter.
struct PitChannelState {
    u8 control = 0;         // low six bits of the last control word (RW, mode, BCD)
    u16 reload = 0;         // the count written by the guest (0 means 65536)
    u16 latched_count = 0;
    u8 latched_status = 0;
    bool count_latched = false;
    bool status_latched = false;
    bool read_high_next = false;   // LowHigh read flip-flop
    bool write_high_next = false;  // LowHigh write flip-flop
    u8 pending_low = 0;            // first byte of a LowHigh write
    bool null_count = true;        // a count was written but not yet loaded
    bool armed = false;            // counting a loaded count (one-shot modes: triggered)
    bool gate = true;
    u64 start_tick = 0;            // tick at which counting from `reload` began
    u64 frozen_elapsed = 0;        // elapsed ticks when the gate went low
    u64 edges_reported = 0;        // rising edges of OUT already raised on the IRQ line
};

class PitChannel {
public:
    void write_control(u8 control, u64 now_tick);
    void latch_count(u64 now_tick);
    void latch_status(u64 now_tick);
    void write_data(u8 value, u64 now_tick);
    u8 read_data(u64 now_tick);
    void set_gate(bool high, u64 now_tick);

    bool out(u64 now_tick) const;
    u16 count(u64 now_tick) const;
    // Rising edges of OUT since the count was loaded (what an edge-triggered IRQ sees).
    u64 rising_edges(u64 now_tick) const;
    // The tick of the first rising edge of OUT not yet taken by take_new_edges(), or
    // kNoDeadline when none is coming (idle, one-shot done, gate low).
    u64 next_unreported_edge_tick() const;
    // Counts new rising edges since the last call (for the IRQ line).
    u64 take_new_edges(u64 now_tick);

    PitMode mode() const;
    PitAccess access() const;
    const PitChannelState& state() const { return m_s; }
    void restore(const PitChannelState& s) { m_s = s; }

private:
    u64 period() const;  // reload, with 0 meaning 65536
    bool gate_pauses() const;  // modes whose counting stops while the gate is low
    u64 elapsed(u64 now_tick) const;
    void load(u64 now_tick);

    PitChannelState m_s;
};

}  // namespace flint::soft
