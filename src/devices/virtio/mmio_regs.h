#pragma once
// virtio-mmio register offsets, version 2 (virtio 1.2 section 4.2.2). All registers below
// kConfig are 32 bits wide and little-endian; the device configuration space follows.
#include "base/types.h"

namespace flint::virtio {

enum class MmioReg : u64 {
    MagicValue = 0x000,         // R: "virt"
    Version = 0x004,            // R: 2 (modern)
    DeviceId = 0x008,           // R
    VendorId = 0x00c,           // R
    DeviceFeatures = 0x010,     // R: 32 feature bits selected by DeviceFeaturesSel
    DeviceFeaturesSel = 0x014,  // W
    DriverFeatures = 0x020,     // W: 32 feature bits selected by DriverFeaturesSel
    DriverFeaturesSel = 0x024,  // W
    QueueSel = 0x030,           // W: the queue the Queue* registers address
    QueueNumMax = 0x034,        // R: 0 when the selected queue does not exist
    QueueNum = 0x038,           // W
    QueueReady = 0x044,         // RW
    QueueNotify = 0x050,        // W: the queue index
    InterruptStatus = 0x060,    // R
    InterruptAck = 0x064,       // W
    Status = 0x070,             // RW: 0 resets the device
    QueueDescLow = 0x080,       // W
    QueueDescHigh = 0x084,      // W
    QueueDriverLow = 0x090,     // W: the available ring
    QueueDriverHigh = 0x094,    // W
    QueueDeviceLow = 0x0a0,     // W: the used ring
    QueueDeviceHigh = 0x0a4,    // W
    ShmSel = 0x0ac,             // W
    ShmLenLow = 0x0b0,          // R: all-ones, no shared memory regions
    ShmLenHigh = 0x0b4,         // R
    ShmBaseLow = 0x0b8,         // R
    ShmBaseHigh = 0x0bc,        // R
    QueueReset = 0x0c0,         // RW: only with VIRTIO_F_RING_RESET, not offered
    ConfigGeneration = 0x0fc,   // R
    Config = 0x100,             // RW: device-specific, any width
};

inline constexpr u32 kMmioMagic = 0x74726976;  // "virt"
inline constexpr u32 kMmioVersion = 2;
inline constexpr u32 kMmioVendorId = 0x544e4c46;  // "FLNT"
inline constexpr u64 kMmioSize = 0x1000;

// InterruptStatus bits.
inline constexpr u32 kInterruptUsedBuffer = 1;
inline constexpr u32 kInterruptConfigChange = 2;

}  // namespace flint::virtio
