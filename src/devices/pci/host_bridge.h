#pragma once
// Function 00:00.0: the host bridge (class 06/00), with no BARs. Linux's probe of the
// 0xCF8/0xCFC mechanism trusts it only when bus 0 shows a host bridge or a VGA device.
// The ID is the one Red Hat assigned to a generic PCIe host bridge (1b36:0008).
#include <algorithm>
#include <mutex>

#include "devices/pci/config_space.h"
#include "devices/pci/function.h"

namespace flint::pci {

class HostBridge final : public Function {
public:
    HostBridge() : m_config(Identity{.vendor = 0x1b36, .device = 0x0008, .class_code = kClassHostBridge}) {}

    void config_read(u32 offset, std::span<u8> data) override {
        std::lock_guard lock(m_mutex);
        m_config.read(offset, data);
    }
    void config_write(u32 offset, std::span<const u8> data) override {
        std::lock_guard lock(m_mutex);
        m_config.write(offset, data);
    }
    std::vector<BarWindow> decoded_bars() override { return {}; }
    void bar_read(u32, u64, std::span<u8> data) override { std::fill(data.begin(), data.end(), u8{0xff}); }
    void bar_write(u32, u64, std::span<const u8>) override {}

private:
    std::mutex m_mutex;
    ConfigSpace m_config;
};

}  // namespace flint::pci
