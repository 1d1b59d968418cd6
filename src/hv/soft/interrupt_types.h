#pragma once
// The vocabulary shared by the software interrupt controllers: how an interrupt message
// travels from the IOAPIC (or a local APIC sending an IPI) to the local APICs, and how a
// local APIC tells the IOAPIC that a level-triggered vector was serviced.
//
// On a real machine these are messages on the APIC bus (or system bus); here they are
// virtual calls. Implementations must not hold their own lock while calling out through
// these interfaces, so that no lock cycle can form (see soft_irq_chip.h for the order).
#include "base/types.h"

namespace flint::soft {

// How the destination field is interpreted.
enum class DestMode : u8 {
    Physical = 0,  // destination is an APIC ID (0xff: broadcast)
    Logical = 1,   // destination is matched against each APIC's LDR (flat or cluster model)
};

// The delivery-mode encoding shared by IOAPIC redirection entries, LVT entries and the
// ICR (three bits; encodings not listed are reserved).
enum class DeliveryMode : u8 {
    Fixed = 0,
    LowestPriority = 1,
    Smi = 2,
    Nmi = 4,
    Init = 5,
    Startup = 6,  // SIPI: ICR only
    ExtInt = 7,   // "ask the 8259A for the vector": IOAPIC and LINT0 only
};

enum class TriggerMode : u8 {
    Edge = 0,
    Level = 1,
};

// ICR destination shorthand; messages from the IOAPIC always use None.
enum class Shorthand : u8 {
    None = 0,
    Self = 1,
    AllIncludingSelf = 2,
    AllExcludingSelf = 3,
};

struct InterruptMessage {
    u8 dest = 0;
    DestMode dest_mode = DestMode::Physical;
    DeliveryMode delivery = DeliveryMode::Fixed;
    u8 vector = 0;
    TriggerMode trigger = TriggerMode::Edge;
    Shorthand shorthand = Shorthand::None;
    u32 source_apic_id = 0;  // meaningful for IPIs (AllExcludingSelf) only
};

// Receives interrupt messages for the local APICs (see ApicBus).
class InterruptSink {
public:
    virtual ~InterruptSink() = default;
    virtual void deliver(const InterruptMessage& msg) = 0;
};

// Receives the EOI broadcast a local APIC sends when it retires a level-triggered vector.
class EoiListener {
public:
    virtual ~EoiListener() = default;
    virtual void end_of_interrupt(u8 vector) = 0;
};

// "No deadline": returned by next_deadline_ns() when a timer is idle.
inline constexpr u64 kNoDeadline = ~u64{0};

}  // namespace flint::soft
