#pragma once
// The Intel 8254 PIT of a PC: three counters at ports 0x40-0x43 clocked at 1.193182 MHz,
// counter 0's output wired to ISA IRQ0, counter 2's gate and output reachable through
// port 0x61 (with the refresh-toggle bit Linux polls while calibrating).
//
// Time comes from an injected monotonic clock. Nothing fires by itself: the vCPU loop
// calls advance(now) between instruction blocks and after sleeping, and asks
// next_deadline_ns() how long a halted vCPU may sleep. Edges missed while nobody called
// advance() are coalesced into one IRQ0 pulse and counted (Linux keeps time from a
// clocksource, so it needs the tick, not every lost one).
//
// Thread safety: one mutex; the IRQ line is pulsed after it is released.
#include <array>
#include <mutex>
#include <span>

#include "base/types.h"
#include "devices/bus.h"
#include "devices/irq_line.h"
#include "hv/soft/clock.h"
#include "hv/soft/guest_error.h"
#include "hv/soft/pit_channel.h"

namespace flint::soft {

inline constexpr unsigned kPitChannels = 3;

struct PitState {
    std::array<PitChannelState, kPitChannels> channels{};
    u8 port61 = 0;  // the writable bits of port 0x61
};

class Pit8254 {
public:
    Pit8254(MonotonicClock clock, IrqLine& irq0);

    u8 read_port(PitPort port);
    void write_port(PitPort port, u8 value);
    u8 read_port61();
    void write_port61(u8 value);

    // Raises IRQ0 (one pulse) if counter 0's output rose since the last call.
    void advance(u64 now_ns);
    // When counter 0's output next rises, in the clock's nanoseconds; kNoDeadline if never.
    u64 next_deadline_ns() const;

    PitState save() const;
    void restore(const PitState& state);

    u64 irq_pulses() const;    // IRQ0 pulses raised
    u64 missed_ticks() const;  // counter-0 periods folded into an earlier pulse
    u64 guest_errors() const;

private:
    u64 now_tick() const;

    mutable std::mutex m_mutex;
    MonotonicClock m_clock;
    IrqLine& m_irq0;
    std::array<PitChannel, kPitChannels> m_channels{};
    u8 m_port61 = 0;
    u64 m_pulses = 0;
    u64 m_missed = 0;
    GuestErrorCounter m_errors{"pit"};
};

// BusDevice facade for ports 0x40-0x43 (map at 0x40, length 4).
class PitPortsDevice final : public BusDevice {
public:
    explicit PitPortsDevice(Pit8254& pit) : m_pit(pit) {}
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    Pit8254& m_pit;
};

// BusDevice facade for port 0x61 (map at 0x61, length 1).
class Port61Device final : public BusDevice {
public:
    explicit Port61Device(Pit8254& pit) : m_pit(pit) {}
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    Pit8254& m_pit;
};

}  // namespace flint::soft
