#include "vmm/virtio_devices.h"

#include <array>

#include "devices/virtio/mmio_regs.h"

namespace flint::vmm {

namespace {

// ISA interrupts no Flint device uses (the PIT is 0, the i8042 1 and 12, COM1 4, the RTC
// 8). Each is edge-triggered and active-high, as the DSDT's IRQ descriptors say; the
// transport holds its line high while an interrupt is pending, which gives the edge.
constexpr std::array<u8, kMaxVirtioDevices> kFreeIsaIrqs = {5, 6, 7, 10, 11, 3, 14, 15};

}  // namespace

VirtioSlot virtio_slot(size_t index) { return {kVirtioMmioBase + index * virtio::kMmioSize, kFreeIsaIrqs[index]}; }

}  // namespace flint::vmm
