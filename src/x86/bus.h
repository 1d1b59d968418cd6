#pragma once
// How the CPU reaches the rest of the machine. The interpreter never owns memory: it asks
// the bus for a host pointer to a guest-physical page (the fast path the soft TLB caches,
// so that a hit is a pointer bump) and falls back to read/write callbacks for pages that
// are not plain RAM (MMIO). Port I/O always goes through callbacks.
#include <span>

#include "base/types.h"

namespace flint::x86 {

inline constexpr u64 kPageSize = 4096;
inline constexpr u64 kPageMask = kPageSize - 1;

class Bus {
public:
    virtual ~Bus() = default;

    // Host address of the 4 KiB guest-physical page at `page` (page-aligned), or nullptr
    // when that page is not directly accessible RAM. A returned pointer must stay valid
    // until the CPU's TLB is flushed (Cpu::flush_tlb).
    virtual u8* ram_page(u64 page) = 0;

    // Slow path for non-RAM pages. Returning false means nothing answers at that address:
    // the CPU raises #PF there (a placeholder until paging and machine checks exist).
    virtual bool mmio_read(u64 addr, std::span<u8> data) = 0;
    virtual bool mmio_write(u64 addr, std::span<const u8> data) = 0;
    // Whether a non-RAM address answers MMIO at all, asked without side effects before a
    // store that spans two pages (so that a fault on the second leaves the first
    // untouched). The default assumes it does.
    virtual bool mmio_claims(u64 addr) {
        (void)addr;
        return true;
    }

    virtual u32 port_in(u16 port, unsigned size) = 0;
    virtual void port_out(u16 port, unsigned size, u32 value) = 0;

    // For a machine whose CPUs share RAM on several threads. The CPU began caching decoded
    // code of RAM page `page` (physical) ...
    virtual void code_page_added(u64 page) { (void)page; }
    // ... and mapped RAM page `page` for writing in its TLB: the machine tells the other
    // CPUs that decoded code there to drop it, as each CPU does for its own writes.
    virtual void write_mapped(u64 page) { (void)page; }
};

}  // namespace flint::x86
