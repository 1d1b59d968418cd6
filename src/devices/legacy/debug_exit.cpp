#include "devices/legacy/debug_exit.h"

#include "base/bits.h"

namespace flint {

void DebugExit::read(u64 /*offset*/, std::span<u8> data) {
    for (u8& b : data) b = 0xff;
}

void DebugExit::write(u64 offset, std::span<const u8> data) {
    if (offset != 0 || data.empty() || data.size() > 4) return;
    const auto value = static_cast<u32>(load_le_span(data));
    if (m_on_exit) m_on_exit(value);
}

}  // namespace flint
