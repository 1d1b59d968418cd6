#include "devices/pci/pci_bus.h"

#include <algorithm>

#include "base/bits.h"
#include "base/log.h"
#include "devices/pci/host_bridge.h"

namespace flint::pci {

namespace {

// CONFIG_ADDRESS (0xCF8): enable, bus, device, function, register.
constexpr u32 kAddressEnable = 1u << 31;
constexpr unsigned kBusShift = 16, kSlotShift = 11, kFunctionShift = 8;
constexpr u32 kDataPortOffset = 4;

// The bus as one of its two ranges on the VMM's buses.
class BusRange final : public BusDevice {
public:
    enum class Kind : u8 { ConfigPorts, BarWindow };
    BusRange(std::shared_ptr<PciBus> bus, Kind kind) : m_bus(std::move(bus)), m_kind(kind) {}
    void read(u64 offset, std::span<u8> data) override {
        if (m_kind == Kind::ConfigPorts) m_bus->port_read(offset, data);
        else m_bus->window_read(offset, data);
    }
    void write(u64 offset, std::span<const u8> data) override {
        if (m_kind == Kind::ConfigPorts) m_bus->port_write(offset, data);
        else m_bus->window_write(offset, data);
    }

private:
    std::shared_ptr<PciBus> m_bus;
    Kind m_kind;
};

}  // namespace

PciBus::PciBus(u64 window_base, u64 window_size) : m_window_base(window_base), m_window_size(window_size) {
    m_slots[0] = std::make_shared<HostBridge>();
}

std::shared_ptr<BusDevice> config_ports_device(std::shared_ptr<PciBus> bus) {
    return std::make_shared<BusRange>(std::move(bus), BusRange::Kind::ConfigPorts);
}

std::shared_ptr<BusDevice> bar_window_device(std::shared_ptr<PciBus> bus) {
    return std::make_shared<BusRange>(std::move(bus), BusRange::Kind::BarWindow);
}

u64 PciBus::bad_accesses() const {
    std::lock_guard lock(m_mutex);
    return m_bad_accesses;
}

void PciBus::count_bad(const char* what) {
    ++m_bad_accesses;
    if (m_bad_logged) return;
    m_bad_logged = true;
    spdlog::warn("PCI bus: the guest {}; ignored (logged once)", what);
}

Result<u32> PciBus::add(std::shared_ptr<Function> function) {
    for (u32 slot = 1; slot < kSlots; ++slot) {
        if (m_slots[slot]) continue;
        m_slots[slot] = std::move(function);
        assign_bars(slot);
        if (m_next_free > m_window_size)
            return Error::format("PCI: the BARs of the device in slot {} do not fit the {} MiB window", slot,
                                 m_window_size / MiB);
        return slot;
    }
    return Error::format("PCI: all {} slots of bus 0 are taken", kSlots - 1);
}

// Sizes each BAR the way firmware does (write all-ones, read back the mask) and gives it
// the next naturally aligned address in the window.
void PciBus::assign_bars(u32 slot) {
    Function& f = *m_slots[slot];
    for (u32 i = 0; i < kBarCount; ++i) {
        const u32 reg = static_cast<u32>(ConfigReg::Bar0) + 4 * i;
        u8 buf[4];
        store_le<u32>(buf, 0xffffffff);
        f.config_write(reg, buf);
        f.config_read(reg, buf);
        const u32 low = load_le<u32>(buf);
        const bool is64 = (low & bar_bits::kType64) && i + 1 < kBarCount;
        u64 mask = low & ~u64{bar_bits::kFlagsMask};
        if (is64) {
            store_le<u32>(buf, 0xffffffff);
            f.config_write(reg + 4, buf);
            f.config_read(reg + 4, buf);
            mask |= u64{load_le<u32>(buf)} << 32;
        } else {
            mask |= ~u64{0xffffffff};
        }
        if ((low & bar_bits::kIoSpace) || !(mask & 0xffffffff & ~u64{bar_bits::kFlagsMask})) {
            if (is64) ++i;
            continue;  // no memory BAR here
        }
        const u64 size = ~mask + 1;
        m_next_free = (m_next_free + size - 1) & ~(size - 1);
        const u64 address = m_window_base + m_next_free;
        m_next_free += size;
        store_le<u32>(buf, static_cast<u32>(address));
        f.config_write(reg, buf);
        if (is64) {
            store_le<u32>(buf, static_cast<u32>(address >> 32));
            f.config_write(reg + 4, buf);
            ++i;
        }
    }
}

bool PciBus::selected(u32 port_offset, size_t size, u32* slot, u32* offset) {
    u32 address;
    {
        std::lock_guard lock(m_mutex);
        address = m_address;
    }
    const u32 reg = (address & 0xfc) | (port_offset - kDataPortOffset);
    // Only bus 0, function 0 exist; the rest reads as absent (all-ones).
    if (!(address & kAddressEnable) || ((address >> kBusShift) & 0xff) || ((address >> kFunctionShift) & 7))
        return false;
    if (!valid_config_access(reg, size)) {
        std::lock_guard lock(m_mutex);
        count_bad("made a misaligned configuration access");
        return false;
    }
    *slot = (address >> kSlotShift) & 0x1f;
    *offset = reg;
    return m_slots[*slot] != nullptr;
}

void PciBus::port_read(u64 offset, std::span<u8> data) {
    if (offset < kDataPortOffset) {
        std::fill(data.begin(), data.end(), u8{0xff});
        if (offset == 0 && data.size() == 4) {
            std::lock_guard lock(m_mutex);
            store_le<u32>(data.data(), m_address);
        }
        return;
    }
    u32 slot = 0, reg = 0;
    if (!selected(static_cast<u32>(offset), data.size(), &slot, &reg)) {
        std::fill(data.begin(), data.end(), u8{0xff});
        return;
    }
    m_slots[slot]->config_read(reg, data);
}

void PciBus::port_write(u64 offset, std::span<const u8> data) {
    if (offset < kDataPortOffset) {
        // Only a 32-bit write at 0xCF8 is CONFIG_ADDRESS; byte writes to 0xCF8-0xCFB belong
        // to other mechanisms (Linux probes with them) and are ignored.
        if (offset == 0 && data.size() == 4) {
            std::lock_guard lock(m_mutex);
            m_address = load_le<u32>(data.data()) & ~3u;
        }
        return;
    }
    u32 slot = 0, reg = 0;
    if (selected(static_cast<u32>(offset), data.size(), &slot, &reg)) config_write(slot, reg, data);
}

void PciBus::config_write(u32 slot, u32 offset, std::span<const u8> data) {
    Function& f = *m_slots[slot];
    f.config_write(offset, data);
    // A write to the command register or a BAR may move or (un)map a BAR.
    const u32 command = static_cast<u32>(ConfigReg::Command);
    const u32 bars = static_cast<u32>(ConfigReg::Bar0);
    if ((offset <= command + 1 && offset + data.size() > command) || (offset >= bars && offset < bars + 4 * kBarCount))
        remap(slot);
}

void PciBus::remap(u32 slot) {
    const std::vector<BarWindow> windows = m_slots[slot]->decoded_bars();
    std::lock_guard lock(m_mutex);
    std::erase_if(m_mappings, [slot](const Mapping& m) { return m.slot == slot; });
    for (const BarWindow& w : windows) {
        const bool inside = w.address >= m_window_base && w.size <= m_window_size &&
                            w.address - m_window_base <= m_window_size - w.size;
        if (!inside) {
            // The guest is sizing the BAR or parked it elsewhere: nothing decodes there.
            continue;
        }
        const u64 base = w.address - m_window_base;
        const bool overlaps = std::any_of(m_mappings.begin(), m_mappings.end(), [&](const Mapping& m) {
            return base < m.base + m.size && m.base < base + w.size;
        });
        if (overlaps) {
            count_bad("placed a BAR over another one; the later one does not decode");
            continue;
        }
        m_mappings.push_back({base, w.size, slot, w.index});
    }
}

const PciBus::Mapping* PciBus::find(u64 offset, size_t size) const {
    for (const Mapping& m : m_mappings)
        if (offset >= m.base && offset - m.base + size <= m.size) return &m;
    return nullptr;
}

void PciBus::window_read(u64 offset, std::span<u8> data) {
    Mapping hit;
    {
        std::lock_guard lock(m_mutex);
        const Mapping* m = find(offset, data.size());
        if (!m) {
            std::fill(data.begin(), data.end(), u8{0xff});
            return;
        }
        hit = *m;
    }
    m_slots[hit.slot]->bar_read(hit.bar, offset - hit.base, data);
}

void PciBus::window_write(u64 offset, std::span<const u8> data) {
    Mapping hit;
    {
        std::lock_guard lock(m_mutex);
        const Mapping* m = find(offset, data.size());
        if (!m) return;
        hit = *m;
    }
    m_slots[hit.slot]->bar_write(hit.bar, offset - hit.base, data);
}

}  // namespace flint::pci
