#pragma once
// The two cascaded 8259As of a PC: the master at ports 0x20-0x21 (IRQ0-7, vectors from
// its ICW2), the slave at 0xa0-0xa1 (IRQ8-15) with its INT output wired to the master's
// IR2, and the PIIX ELCR at 0x4d0-0x4d1 choosing edge or level per input.
//
// Thread safety: one mutex guards both chips. set_irq() may come from any thread;
// has_interrupt()/acknowledge() come from the vCPU that owns the PIC's INTR input. The
// optional notifier runs after the mutex is released, so it may take other locks (for
// example to wake a halted vCPU).
#include <functional>
#include <mutex>
#include <span>

#include "base/types.h"
#include "devices/bus.h"
#include "hv/soft/pic8259.h"

namespace flint::soft {

enum class PicChip : u8 { Master, Slave };

struct Pic8259PairState {
    Pic8259State master;
    Pic8259State slave;
};

class Pic8259Pair {
public:
    // Called (outside the lock) when the master's INT output goes from low to high.
    using Notifier = std::function<void()>;

    Pic8259Pair();

    // Input `line` 0-15 (ISA IRQ numbering). Line 2 is the cascade and is not an input.
    void set_irq(unsigned line, bool level);
    // Whether the master's INT output is high (the CPU's INTR pin).
    bool has_interrupt() const;
    // The INTA cycle: returns the vector and moves the IR from IRR to ISR. When the
    // request vanished in between, returns the spurious vector (IR7 of the chip concerned,
    // without setting its in-service bit).
    u8 acknowledge();

    void set_notifier(Notifier notifier);

    // Port access for the facades below.
    u8 read_port(PicChip chip, PicPort port);
    void write_port(PicChip chip, PicPort port, u8 value);
    u8 read_elcr(ElcrPort port) const;
    void write_elcr(ElcrPort port, u8 value);

    Pic8259PairState save() const;
    void restore(const Pic8259PairState& state);

    u64 spurious_count() const;
    u64 guest_errors() const;

private:
    // Requires m_mutex. Recomputes the slave's INT output onto the master's IR2; with
    // `drop_first` the line first goes low, as it does after the slave's INTA, so that
    // a still-pending slave request is seen by the master as a new edge.
    void update_cascade(bool drop_first);
    // Runs `op` under the lock and notifies when the master's output rose.
    template <typename Op>
    auto locked_update(Op&& op);

    mutable std::mutex m_mutex;
    Pic8259 m_master{"pic master"};
    Pic8259 m_slave{"pic slave"};
    Notifier m_notifier;
    u64 m_spurious = 0;
    GuestErrorCounter m_errors{"pic"};
};

// BusDevice facade for one chip's two ports (map at 0x20 or 0xa0, length 2).
class PicPortsDevice final : public BusDevice {
public:
    PicPortsDevice(Pic8259Pair& pair, PicChip chip) : m_pair(pair), m_chip(chip) {}
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    Pic8259Pair& m_pair;
    PicChip m_chip;
};

// BusDevice facade for the ELCR pair (map at 0x4d0, length 2).
class ElcrDevice final : public BusDevice {
public:
    explicit ElcrDevice(Pic8259Pair& pair) : m_pair(pair) {}
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    Pic8259Pair& m_pair;
};

}  // namespace flint::soft
