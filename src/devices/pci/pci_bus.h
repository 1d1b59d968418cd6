#pragma once
// PCI bus 0 behind Flint's host bridge: 32 device slots, function 0 each (slot 0 is the
// host bridge). The guest reaches configuration space through the PC's configuration
// mechanism #1 (PCI 3.0 section 3.2.2.3.2): it writes an address to port 0xCF8 and moves
// the data through 0xCFC-0xCFF. Memory BARs live in one MMIO window, which the VMM maps as
// a single device on its bus; inside it this class keeps the BARs where the guest put
// them, and drops a BAR that leaves the window or overlaps another one (counted, logged
// once) until the guest moves it somewhere sane.
//
// Functions are added while the VM is built; the address latch and the BAR map are
// guarded by one mutex that is never held while a function is called.
#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include "base/result.h"
#include "base/types.h"
#include "devices/bus.h"
#include "devices/pci/function.h"

namespace flint::pci {

inline constexpr u16 kConfigAddressPort = 0xcf8;
inline constexpr u16 kConfigPortCount = 8;  // 0xCF8-0xCFB address, 0xCFC-0xCFF data
inline constexpr u32 kSlots = 32;

class PciBus {
public:
    // BARs go in [window_base, window_base + window_size).
    PciBus(u64 window_base, u64 window_size);

    // Puts `function` in the next free slot and gives its BARs addresses in the window, as
    // firmware would (memory decoding stays off until the guest's driver enables it).
    // Fails when the slots or the window run out. Returns the slot.
    Result<u32> add(std::shared_ptr<Function> function);

    // Configuration mechanism #1 on ports 0xCF8-0xCFF, offsets relative to 0xCF8.
    void port_read(u64 offset, std::span<u8> data);
    void port_write(u64 offset, std::span<const u8> data);
    // Accesses to the BAR window, offsets relative to window_base.
    void window_read(u64 offset, std::span<u8> data);
    void window_write(u64 offset, std::span<const u8> data);

    u64 window_base() const { return m_window_base; }
    u64 window_size() const { return m_window_size; }

    u64 bad_accesses() const;

private:
    struct Mapping {
        u64 base;  // relative to the window
        u64 size;
        u32 slot;
        u32 bar;
    };
    // The slot and register offset the latched address and a data-port access select;
    // false when nothing answers there.
    bool selected(u32 port_offset, size_t size, u32* slot, u32* offset);
    void config_write(u32 slot, u32 offset, std::span<const u8> data);
    // Rebuilds `slot`'s mappings from what its BARs say now.
    void remap(u32 slot);
    void assign_bars(u32 slot);
    const Mapping* find(u64 offset, size_t size) const;
    void count_bad(const char* what);

    u64 m_window_base;
    u64 m_window_size;
    u64 m_next_free = 0;  // build-time BAR allocation, relative to the window
    std::array<std::shared_ptr<Function>, kSlots> m_slots;

    mutable std::mutex m_mutex;
    u32 m_address = 0;
    std::vector<Mapping> m_mappings;
    u64 m_bad_accesses = 0;
    bool m_bad_logged = false;
};

// The bus as devices on the VMM's buses: the configuration ports (map them at
// kConfigAddressPort, kConfigPortCount long) and the BAR window (at window_base()). Each
// keeps `bus` alive.
std::shared_ptr<BusDevice> config_ports_device(std::shared_ptr<PciBus> bus);
std::shared_ptr<BusDevice> bar_window_device(std::shared_ptr<PciBus> bus);

}  // namespace flint::pci
