#pragma once
// One PCI function as the bus sees it: its configuration space and the memory BARs it
// decodes. The bus maps a BAR where the guest programmed it and hands accesses inside it
// to bar_read/bar_write with the offset into that BAR. Each function serialises its own
// state; the bus calls it from any vCPU thread.
#include <span>
#include <vector>

#include "base/types.h"
#include "devices/pci/config_space.h"

namespace flint::pci {

class Function {
public:
    virtual ~Function() = default;
    // Accesses of 1, 2 or 4 bytes at a naturally aligned offset below 256.
    virtual void config_read(u32 offset, std::span<u8> data) = 0;
    virtual void config_write(u32 offset, std::span<const u8> data) = 0;
    // The memory BARs that decode now (none while memory decoding is off).
    virtual std::vector<BarWindow> decoded_bars() = 0;
    virtual void bar_read(u32 bar, u64 offset, std::span<u8> data) = 0;
    virtual void bar_write(u32 bar, u64 offset, std::span<const u8> data) = 0;
};

}  // namespace flint::pci
