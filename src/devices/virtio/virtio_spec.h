#pragma once
// Constants of the virtio 1.2 specification shared by the transports and the devices:
// device status bits (2.1), feature bits reserved for the transport and the rings (6),
// split-ring descriptor flags (2.7.5) and device IDs (5).
#include "base/bits.h"
#include "base/types.h"

namespace flint::virtio {

// Device status (section 2.1), written by the driver, read back by it.
namespace status {
inline constexpr u32 kAcknowledge = 1;
inline constexpr u32 kDriver = 2;
inline constexpr u32 kDriverOk = 4;
inline constexpr u32 kFeaturesOk = 8;
inline constexpr u32 kDeviceNeedsReset = 64;
inline constexpr u32 kFailed = 128;
}  // namespace status

// Feature bits every device may offer (section 6).
namespace feature {
inline constexpr u64 kIndirectDesc = bit(28);
inline constexpr u64 kEventIdx = bit(29);
inline constexpr u64 kVersion1 = bit(32);
}  // namespace feature

// Split virtqueue descriptor flags (section 2.7.5).
namespace desc_flag {
inline constexpr u16 kNext = 1;
inline constexpr u16 kWrite = 2;
inline constexpr u16 kIndirect = 4;
}  // namespace desc_flag

inline constexpr u16 kAvailFlagNoInterrupt = 1;  // avail->flags, without event index
inline constexpr u16 kUsedFlagNoNotify = 1;      // used->flags, without event index

enum class DeviceId : u32 {
    Net = 1,
    Block = 2,
    Console = 3,
    Entropy = 4,
};

}  // namespace flint::virtio
