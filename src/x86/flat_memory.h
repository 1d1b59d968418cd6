#pragma once
// A Bus over one contiguous block of host memory mapped at a guest-physical base. Used by
// unit tests, the differential harness and benchmarks; the VMM provides its own Bus.
#include <vector>

#include "x86/bus.h"

namespace flint::x86 {

class FlatMemory : public Bus {
public:
    FlatMemory(u64 base, u64 size);

    u8* ram_page(u64 page) override;
    bool mmio_read(u64 addr, std::span<u8> data) override;
    bool mmio_write(u64 addr, std::span<const u8> data) override;
    bool mmio_claims(u64) override { return false; }
    u32 port_in(u16 port, unsigned size) override;
    void port_out(u16 port, unsigned size, u32 value) override;

    u64 base() const { return m_base; }
    u64 size() const { return m_bytes.size(); }
    // Host view of [addr, addr+len) or nullptr when outside the block.
    u8* at(u64 addr, u64 len = 1);

    // Port traffic is recorded so tests can check what a guest wrote.
    u32 last_port_out() const { return m_last_out; }
    void set_port_in_value(u32 v) { m_in_value = v; }

private:
    u64 m_base;
    std::vector<u8> m_bytes;
    u32 m_last_out = 0;
    u32 m_in_value = 0xffffffff;
};

}  // namespace flint::x86
