#pragma once
// The virtio-pci modern interface (virtio 1.2 section 4.1): the vendor capabilities that
// point into a memory BAR, the layout of that BAR in Flint, and the common configuration
// structure's fields.
#include "base/types.h"

namespace flint::virtio {

inline constexpr u16 kPciVendorId = 0x1af4;
inline constexpr u16 kPciDeviceIdBase = 0x1040;  // + the virtio device ID (4.1.2.1)
inline constexpr u8 kPciRevision = 1;            // modern-only devices have revision 1+

// cfg_type of a virtio PCI capability (4.1.4).
enum class PciCapType : u8 {
    CommonCfg = 1,
    NotifyCfg = 2,
    IsrCfg = 3,
    DeviceCfg = 4,
    PciCfg = 5,
};

// Flint's BAR 0 (64-bit memory): one 4 KiB page per structure.
inline constexpr u32 kPciBar = 0;
inline constexpr u64 kPciBarSize = 0x8000;
inline constexpr u64 kCommonCfgOffset = 0x0000;
inline constexpr u64 kCommonCfgSize = 0x38;  // virtio_pci_common_cfg up to queue_device
inline constexpr u64 kIsrOffset = 0x1000;
inline constexpr u64 kIsrSize = 4;
inline constexpr u64 kDeviceCfgOffset = 0x2000;
inline constexpr u64 kDeviceCfgSize = 0x1000;
inline constexpr u64 kNotifyOffset = 0x3000;
inline constexpr u64 kNotifySize = 0x1000;
inline constexpr u32 kNotifyOffMultiplier = 4;  // queue i is notified at kNotifyOffset + 4*i
inline constexpr u64 kMsixTableOffset = 0x4000;
inline constexpr u64 kMsixPbaOffset = 0x6000;
inline constexpr u64 kRegionSize = 0x1000;
inline constexpr u64 kMsixTableRegionSize = 0x2000;

// Fields of struct virtio_pci_common_cfg (4.1.4.3), at their byte offsets.
enum class CommonCfg : u64 {
    DeviceFeatureSelect = 0x00,  // le32 RW
    DeviceFeature = 0x04,        // le32 R
    DriverFeatureSelect = 0x08,  // le32 RW
    DriverFeature = 0x0c,        // le32 RW
    ConfigMsixVector = 0x10,     // le16 RW
    NumQueues = 0x12,            // le16 R
    DeviceStatus = 0x14,         // u8 RW: 0 resets the device
    ConfigGeneration = 0x15,     // u8 R
    QueueSelect = 0x16,          // le16 RW
    QueueSize = 0x18,            // le16 RW
    QueueMsixVector = 0x1a,      // le16 RW: NO_VECTOR when the vector cannot be used
    QueueEnable = 0x1c,          // le16 RW
    QueueNotifyOff = 0x1e,       // le16 R
    QueueDesc = 0x20,            // le64 RW
    QueueDriver = 0x28,          // le64 RW
    QueueDevice = 0x30,          // le64 RW
};

inline constexpr u16 kMsiNoVector = 0xffff;

// ISR status bits (4.1.4.5).
inline constexpr u8 kIsrQueue = 1;
inline constexpr u8 kIsrConfig = 2;

}  // namespace flint::virtio
