#include "devices/pci/config_space.h"

#include <algorithm>
#include <cassert>

#include "base/bits.h"

namespace flint::pci {

namespace {

void put16(std::array<u8, kConfigSize>& b, ConfigReg reg, u16 v) { store_le<u16>(&b[static_cast<u32>(reg)], v); }

}  // namespace

bool valid_config_access(u32 offset, size_t size) {
    return (size == 1 || size == 2 || size == 4) && offset % size == 0 && offset + size <= kConfigSize;
}

ConfigSpace::ConfigSpace(const Identity& id) {
    put16(m_bytes, ConfigReg::VendorId, id.vendor);
    put16(m_bytes, ConfigReg::DeviceId, id.device);
    m_bytes[static_cast<u32>(ConfigReg::Revision)] = id.revision;
    store_le<u16>(&m_bytes[static_cast<u32>(ConfigReg::ClassCode)], static_cast<u16>(id.class_code));
    m_bytes[static_cast<u32>(ConfigReg::ClassCode) + 2] = static_cast<u8>(id.class_code >> 16);
    put16(m_bytes, ConfigReg::SubsystemVendorId, id.subsystem_vendor);
    put16(m_bytes, ConfigReg::SubsystemId, id.subsystem);
    const u8 command_mask[2] = {command::kIoSpace | command::kMemorySpace | command::kBusMaster,
                                command::kIntxDisable >> 8};
    allow_writes(static_cast<u32>(ConfigReg::Command), command_mask);
    const u8 any[1] = {0xff};
    allow_writes(static_cast<u32>(ConfigReg::InterruptLine), any);
}

void ConfigSpace::allow_writes(u32 offset, std::span<const u8> mask) {
    assert(offset + mask.size() <= kConfigSize);
    std::copy(mask.begin(), mask.end(), m_writable.begin() + offset);
}

void ConfigSpace::add_memory_bar(u32 index, u64 size, BarKind kind) {
    assert(index < kBarCount && size >= 16 && (size & (size - 1)) == 0);
    assert(kind == BarKind::Memory32 ? size <= (u64{1} << 31) : index + 1 < kBarCount);
    m_bar_size[index] = size;
    m_bar_kind[index] = kind;
    const u32 offset = static_cast<u32>(ConfigReg::Bar0) + 4 * index;
    // The address bits at or above the size are writable; the low bits read as zero, which
    // is how a driver that wrote all-ones learns the size.
    const u64 writable = ~(size - 1) & ~u64{bar_bits::kFlagsMask};
    u8 mask[8];
    store_le<u64>(mask, writable);
    store_le<u32>(&m_bytes[offset], kind == BarKind::Memory64 ? bar_bits::kType64 : 0);
    allow_writes(offset, std::span<const u8>(mask, kind == BarKind::Memory64 ? 8 : 4));
}

u8 ConfigSpace::add_capability(u8 id, std::span<const u8> body) {
    const u32 at = m_next_cap;
    assert(at + 2 + body.size() <= kConfigSize);
    m_bytes[at] = id;
    m_bytes[at + 1] = 0;
    std::copy(body.begin(), body.end(), m_bytes.begin() + at + 2);
    if (m_last_cap) m_bytes[m_last_cap + 1] = static_cast<u8>(at);
    else m_bytes[static_cast<u32>(ConfigReg::CapabilitiesPtr)] = static_cast<u8>(at);
    put16(m_bytes, ConfigReg::Status, kStatusCapabilityList);
    m_last_cap = static_cast<u8>(at);
    // Capabilities start on dword boundaries (6.7).
    m_next_cap = (at + 2 + static_cast<u32>(body.size()) + 3) & ~3u;
    return static_cast<u8>(at);
}

bool ConfigSpace::read(u32 offset, std::span<u8> data) const {
    if (!valid_config_access(offset, data.size())) {
        std::fill(data.begin(), data.end(), u8{0xff});
        return false;
    }
    std::copy_n(m_bytes.begin() + offset, data.size(), data.begin());
    return true;
}

bool ConfigSpace::write(u32 offset, std::span<const u8> data) {
    if (!valid_config_access(offset, data.size())) return false;
    for (size_t i = 0; i < data.size(); ++i) {
        const u8 mask = m_writable[offset + i];
        u8& b = m_bytes[offset + i];
        b = static_cast<u8>((b & ~mask) | (data[i] & mask));
    }
    return true;
}

u16 ConfigSpace::read16(u32 offset) const { return load_le<u16>(&m_bytes[offset]); }
u32 ConfigSpace::read32(u32 offset) const { return load_le<u32>(&m_bytes[offset]); }

std::vector<BarWindow> ConfigSpace::decoded_bars() const {
    std::vector<BarWindow> out;
    if (!memory_enabled()) return out;
    for (u32 i = 0; i < kBarCount; ++i) {
        if (!m_bar_size[i]) continue;
        const u32 offset = static_cast<u32>(ConfigReg::Bar0) + 4 * i;
        u64 address = read32(offset) & ~u64{bar_bits::kFlagsMask};
        if (m_bar_kind[i] == BarKind::Memory64) address |= u64{read32(offset + 4)} << 32;
        if (address) out.push_back({i, address, m_bar_size[i]});
    }
    return out;
}

}  // namespace flint::pci
