// Memory access slow paths: soft-TLB fills, accesses that cross a page, MMIO, faults, and
// dropping decoded code when its page is written. Until paging exists (part 2) a linear
// address is the physical address; translate-then-fill is the seam where paging goes.
#include <algorithm>

#include "x86/cpu.h"

namespace flint::x86 {

bool Cpu::check_canonical(u64 lin) {
    // FIXME: stack references should raise #SS(0) instead (part 2 tracks the segment).
    if (m_mode == CpuMode::Long64 && !canonical(lin)) return fail(Event::exception(Vector::GP, 0));
    return true;
}

u8* Cpu::ram_for_read(u64 page) {
    u8* host = m_bus.ram_page(page);
    if (host != nullptr) m_rtlb[(page >> 12) % kTlbEntries] = TlbEntry{page, host};
    return host;
}

// A page with decoded code is never in the write TLB, so the first write to it comes here
// and drops the code (self-modifying code costs nothing until it happens).
u8* Cpu::ram_for_write(u64 page) {
    if (m_code.contains(page)) drop_code_page(page);
    u8* host = m_bus.ram_page(page);
    if (host != nullptr) m_wtlb[(page >> 12) % kTlbEntries] = TlbEntry{page, host};
    return host;
}

void Cpu::drop_code_page(u64 page) {
    // A spilling predecessor keeps an empty entry for this page alive; drop both.
    m_code.invalidate_page(page);
}

bool Cpu::read_bytes(u64 lin, u8* dst, unsigned n, u32 fetch) {
    for (unsigned i = 0; i < n; ++i) {
        const u64 a = (lin + i) & m_lin_mask;
        if (!check_canonical(a)) return false;
        const u64 page = a & ~kPageMask;
        if (const u8* host = ram_for_read(page)) {
            dst[i] = host[a & kPageMask];
        } else if (!m_bus.mmio_read(a, std::span<u8>(dst + i, 1))) {
            return fail(Event::page_fault(a, fetch));
        }
    }
    return true;
}

bool Cpu::read_slow(u64 lin, unsigned size, u64& out) {
    u8 buf[8] = {};
    const u64 off = lin & kPageMask;
    if (off + size > kPageSize) {  // crosses a page: byte by byte
        if (!read_bytes(lin, buf, size, 0)) return false;
        out = load(buf, size);
        return true;
    }
    if (!check_canonical(lin)) return false;
    if (const u8* host = ram_for_read(lin - off)) {
        out = load(host + off, size);
        return true;
    }
    if (m_bus.mmio_read(lin, std::span<u8>(buf, size))) {
        out = load(buf, size);
        return true;
    }
    return fail(Event::page_fault(lin, 0));
}

bool Cpu::probe_write(u64 lin, unsigned size) {
    // Every page touched must be RAM or claimed MMIO. A fault on the second page reports
    // its first byte, the first one the access could not reach.
    const u64 last = (lin + size - 1) & m_lin_mask;
    const u64 second = (last & ~kPageMask) == (lin & ~kPageMask) ? lin : last & ~kPageMask;
    for (u64 a : {lin, second}) {
        if (!check_canonical(a)) return false;
        if (ram_for_write(a & ~kPageMask) == nullptr && !m_bus.mmio_claims(a))
            return fail(Event::page_fault(a, pf_error::Write));
    }
    return true;
}

bool Cpu::write_page(u64 lin, const u8* src, unsigned n) {
    const u64 off = lin & kPageMask;
    if (u8* host = ram_for_write(lin - off)) {
        std::memcpy(host + off, src, n);
        return true;
    }
    if (m_bus.mmio_write(lin, std::span<const u8>(src, n))) return true;
    return fail(Event::page_fault(lin, pf_error::Write));
}

bool Cpu::write_slow(u64 lin, unsigned size, u64 v) {
    u8 buf[8];
    store(buf, size, v);
    const u64 off = lin & kPageMask;
    if (off + size > kPageSize) {
        // Crosses a page: check both pages first so a fault leaves memory untouched.
        if (!probe_write(lin, size)) return false;
        for (unsigned i = 0; i < size; ++i)
            if (!write_page((lin + i) & m_lin_mask, buf + i, 1)) return false;
        return true;
    }
    if (!check_canonical(lin)) return false;
    return write_page(lin, buf, size);
}

}  // namespace flint::x86
