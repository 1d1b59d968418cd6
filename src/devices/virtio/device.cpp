#include "devices/virtio/device.h"

#include <algorithm>
#include <cstring>

namespace flint::virtio {

void read_config_bytes(std::span<const u8> config, u64 offset, std::span<u8> data) {
    std::fill(data.begin(), data.end(), u8{0});
    if (offset >= config.size()) return;
    const u64 n = std::min<u64>(data.size(), config.size() - offset);
    std::memcpy(data.data(), config.data() + offset, n);
}

}  // namespace flint::virtio
