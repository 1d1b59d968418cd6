#pragma once
// Where a device sends a message-signalled interrupt (PCI 3.0 section 6.8): a 32-bit write
// of `data` to `address`, which the platform turns into an interrupt (on x86, an address
// in 0xFEExxxxx names the destination local APIC and the data the vector). The back end
// decides how (KVM_SIGNAL_MSI, or Flint's APIC bus on the software CPU); a device never
// knows which.
#include "base/types.h"

namespace flint {

class MsiSink {
public:
    virtual ~MsiSink() = default;
    virtual void signal_msi(u64 address, u32 data) = 0;
};

}  // namespace flint
