#pragma once
// The 82093AA I/O APIC: 24 input pins, each with a redirection entry that turns an
// assertion into an interrupt message for the local APICs (through an InterruptSink).
// Level-triggered pins set remote IRR on delivery and are not delivered again until a
// local APIC broadcasts the EOI for that vector (or, on version 0x20, the guest writes
// the EOI register).
//
// Pin levels mean "asserted": the device's IrqLine level. The polarity bit describes the
// wire between device and pin, which Flint does not model, so it is stored and reported
// but does not invert the input; the firmware tables must describe the pins accordingly.
//
// Thread safety: one mutex; messages are collected under it and delivered after it is
// released, so the sink may call back (e.g. an immediate EOI) without deadlock.
#include <array>
#include <mutex>
#include <span>

#include "base/types.h"
#include "devices/bus.h"
#include "hv/soft/guest_error.h"
#include "hv/soft/interrupt_types.h"
#include "hv/soft/ioapic_regs.h"

namespace flint::soft {

struct IoApicState {
    u8 id = 0;
    u8 select = 0;
    u32 levels = 0;  // bit n: pin n asserted
    std::array<u64, kIoApicPins> entries{};
};

class IoApic final : public BusDevice, public EoiListener {
public:
    IoApic(InterruptSink& sink, IoApicVersion version = IoApicVersion::V20, u8 id = 0);

    // Assert or deassert `pin` (0-23).
    void set_irq(unsigned pin, bool level);

    // MMIO within the 4 KiB window.
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // The local APICs' EOI broadcast: clears remote IRR of level pins with this vector.
    void end_of_interrupt(u8 vector) override;

    // For tests and debugging: the raw 64-bit redirection entry.
    u64 entry(unsigned pin) const;

    IoApicState save() const;
    void restore(const IoApicState& state);
    u64 guest_errors() const;

private:
    // A small batch of messages built under the lock and sent after it.
    struct Outbox {
        std::array<InterruptMessage, kIoApicPins> msgs{};
        unsigned count = 0;
    };

    // The helpers below require m_mutex.
    u32 read_register(u8 index) const;
    void write_register(u8 index, u32 value, Outbox& out);
    // Delivers a level pin that is asserted, unmasked and has no remote IRR.
    void service_level(unsigned pin, Outbox& out);
    void queue(unsigned pin, Outbox& out);
    void eoi_locked(u8 vector, Outbox& out);
    void send(const Outbox& out);

    mutable std::mutex m_mutex;
    InterruptSink& m_sink;
    IoApicVersion m_version;
    IoApicState m_s;
    GuestErrorCounter m_errors{"ioapic"};
};

}  // namespace flint::soft
