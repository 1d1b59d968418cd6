#pragma once
// One interrupt line as a device sees it. The back end decides what asserting it means
// (KVM_IRQ_LINE into KVM's in-kernel PIC/IOAPIC, or Flint's own interrupt controller
// model on the software CPU); a device never knows which.
#include "base/types.h"

namespace flint {

class IrqLine {
public:
    virtual ~IrqLine() = default;
    // Level-triggered view: the device holds the line high while it wants service.
    // Edge-triggered controllers see the rising edge.
    virtual void set_level(bool high) = 0;
    // A single edge (high then low), for edge-style devices.
    void pulse() {
        set_level(true);
        set_level(false);
    }
};

}  // namespace flint
