#pragma once
// The virtio-pci modern transport (virtio 1.2 section 4.1) on Flint's PCI bus: vendor
// 0x1AF4, device 0x1040 + the virtio device ID, one 64-bit memory BAR holding the common
// configuration, the ISR, the device configuration, the notification area and the MSI-X
// table and PBA, each announced by a capability. Interrupts are MSI-X only (no INTx pin):
// one vector for configuration changes and one per queue, as the driver maps them.
//
// Negotiation, queues, reset and the lock are TransportCore's, as for virtio-mmio.
#include <memory>
#include <optional>
#include <vector>

#include "devices/msi.h"
#include "devices/pci/config_space.h"
#include "devices/pci/function.h"
#include "devices/pci/msix.h"
#include "devices/virtio/pci_regs.h"
#include "devices/virtio/transport_core.h"

namespace flint::virtio {

class PciTransport final : public pci::Function, private TransportCore::Interrupts {
public:
    using GuestWriteHook = TransportCore::GuestWriteHook;

    PciTransport(std::shared_ptr<Device> device, const GuestMemory& memory, MsiSink& msi,
                 GuestWriteHook on_guest_write = {});

    // pci::Function
    void config_read(u32 offset, std::span<u8> data) override;
    void config_write(u32 offset, std::span<const u8> data) override;
    std::vector<pci::BarWindow> decoded_bars() override;
    void bar_read(u32 bar, u64 offset, std::span<u8> data) override;
    void bar_write(u32 bar, u64 offset, std::span<const u8> data) override;

    u32 status() const;
    // Bad guest accesses: registers, the MSI-X table, the configuration space.
    u64 bad_accesses() const;
    // Where the MSI-X capability sits in configuration space.
    u8 msix_capability() const { return m_msix_cap; }
    u8 pci_cfg_capability() const { return m_pci_cfg_cap; }

private:
    // TransportCore::Interrupts, under the core's lock.
    void used_buffer(u32 index) override;
    void config_change() override;
    void clear() override;

    // The helpers below require the core's lock.
    void add_capabilities();
    void bar_read_locked(u32 bar, u64 offset, std::span<u8> data);
    void bar_write_locked(u32 bar, u64 offset, std::span<const u8> data);
    // The BAR access a configuration access through the PCI_CFG capability's data window
    // stands for, or nothing when it does not touch the window.
    struct BarAccess {
        u32 bar;
        u64 offset;
    };
    std::optional<BarAccess> cfg_window_access(u32 offset, size_t size);
    void read_common(u64 offset, std::span<u8> data);
    void write_common(u64 offset, std::span<const u8> data);
    u64 read_common_field(CommonCfg field);
    void write_common_field(CommonCfg field, u64 value);
    void interrupt(u16 vector, u8 isr_bit);

    pci::ConfigSpace m_config;
    pci::MsixTable m_msix;
    u8 m_msix_cap = 0;
    u8 m_pci_cfg_cap = 0;
    u8 m_isr = 0;
    u16 m_config_vector = kMsiNoVector;
    std::vector<u16> m_queue_vectors;
    u64 m_bad_config = 0;
    TransportCore m_core;  // last: it connects the device, which may use the rest
};

}  // namespace flint::virtio
