#include "hv/soft/msi.h"

namespace flint::soft {

std::optional<InterruptMessage> decode_msi(u64 address, u32 data) {
    if ((address & ~u64{0xfffff}) != kMsiAddressBase) return std::nullopt;
    InterruptMessage msg;
    msg.dest = static_cast<u8>(address >> 12);
    msg.dest_mode = (address & 0x4) ? DestMode::Logical : DestMode::Physical;
    msg.vector = static_cast<u8>(data);
    msg.delivery = static_cast<DeliveryMode>((data >> 8) & 7);
    msg.trigger = TriggerMode::Edge;
    switch (msg.delivery) {
    case DeliveryMode::Fixed:
    case DeliveryMode::LowestPriority:
        // Vectors 0-15 are reserved; an APIC would flag an illegal vector.
        if (msg.vector < 16) return std::nullopt;
        return msg;
    case DeliveryMode::Nmi: return msg;
    default: return std::nullopt;
    }
}

}  // namespace flint::soft
