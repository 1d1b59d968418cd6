#pragma once
// Where the virtio-mmio devices of a VM live: device i gets a 4 KiB register window at
// kVirtioMmioBase + i * 4 KiB and a free ISA interrupt. The guest learns of them from the
// DSDT (Device objects with _HID "LNRO0005", which Linux's virtio_mmio driver matches):
// Debian's kernel is built without CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so the
// virtio_mmio.device= command-line form Firecracker once used is not available.
// Order: the disks as given, then the entropy device, hvc0, and the NICs as given.
#include "base/types.h"
#include "vmm/vm_config.h"

namespace flint::vmm {

inline constexpr u64 kVirtioMmioBase = 0xd0000000;  // in the MMIO hole, clear of the APICs

// The window the BARs of PCI bus 0 live in (virtio-pci devices, transport=pci): the
// 256 MiB below the virtio-mmio windows, in the MMIO hole.
inline constexpr u64 kPciWindowBase = 0xc0000000;
inline constexpr u64 kPciWindowSize = 0x10000000;

struct VirtioSlot {
    u64 base;
    u8 irq;
};

// The window and interrupt of device `index` (< kMaxVirtioDevices).
VirtioSlot virtio_slot(size_t index);

}  // namespace flint::vmm
