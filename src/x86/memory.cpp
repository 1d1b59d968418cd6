// Memory access slow paths: soft-TLB fills, accesses that cross a page, MMIO, faults, and
// dropping decoded code when its page is written. Translation and TLB fills are
// map_page (tlb.cpp); MMIO goes to the bus at the physical address.
#include <algorithm>

#include "x86/descriptors.h"

namespace flint::x86 {

bool Cpu::check_canonical(u64 lin) {
    // FIXME: stack references should raise #SS(0) instead (part 2 tracks the segment).
    if (m_mode == CpuMode::Long64 && !canonical(lin)) return fail(Event::exception(Vector::GP, 0));
    return true;
}

bool Cpu::segment_access(u64& lin, unsigned size, Access acc) {
    const auto seg = static_cast<unsigned>((lin >> kSegCheckShift) & 7);
    const u64 offset = lin & kSegCheckOffset;
    const SegmentState& s = m_state.seg[seg];
    const bool usable = s.attr & seg_attr::Present;
    const bool code = s.attr & desc::Code;
    // Writes need writable data; reads fail only on execute-only code.
    const bool type_ok = acc == Access::Write ? !code && (s.attr & desc::Writable) : !code || (s.attr & desc::Writable);
    if (!usable || !type_ok) return fail(Event::exception(Vector::GP, 0));
    if (!within_limit(s, offset, size)) return fail(Event::exception(seg == kSs ? Vector::SS : Vector::GP, 0));
    lin = (m_seg_base[seg] + offset) & m_lin_mask;
    return true;
}

// Host page for a linear page, or nullptr for MMIO or a fault (left pending: callers
// that must raise it go through map_page or read_mem/write_mem).
u8* Cpu::ram_for_read(u64 page) {
    u8* host = nullptr;
    u64 phys = 0;
    return map_page(page, Access::Read, host, phys) ? host : nullptr;
}

// A page with decoded code is never in the write TLB, so the first write to it comes here
// and drops the code (self-modifying code costs nothing until it happens).
u8* Cpu::ram_for_write(u64 page) {
    u8* host = nullptr;
    u64 phys = 0;
    return map_page(page, Access::Write, host, phys) ? host : nullptr;
}

// Without paging, an address nothing answers at raises #PF: the placeholder for a machine
// check that tests rely on. With paging the address was translated fine, and the
// hardware reads all ones there and drops writes.
bool Cpu::unbacked(u64 lin, u32 pf_code) {
    if (m_state.cr0 & cr0::PG) return true;
    return fail(Event::page_fault(lin, pf_code));
}

void Cpu::drop_code_page(u64 page) {
    // A spilling predecessor keeps an empty entry for this page alive; drop both.
    m_code.invalidate_page(page);
}

bool Cpu::read_bytes(u64 lin, u8* dst, unsigned n, u32 fetch) {
    for (unsigned i = 0; i < n; ++i) {
        const u64 a = (lin + i) & m_lin_mask;
        if (!check_canonical(a)) return false;
        u8* host = nullptr;
        u64 phys = 0;
        if (!map_page(a, fetch ? Access::Fetch : Access::Read, host, phys)) return false;
        if (host != nullptr) {
            dst[i] = host[a & kPageMask];
        } else if (!m_bus.mmio_read(phys | (a & kPageMask), std::span<u8>(dst + i, 1))) {
            dst[i] = 0xff;
            if (!unbacked(a, fetch)) return false;
        }
    }
    return true;
}

bool Cpu::read_slow(u64 lin, unsigned size, u64& out) {
    if (marked(lin) && !segment_access(lin, size, Access::Read)) return false;
    u8 buf[8] = {};
    const u64 off = lin & kPageMask;
    if (off + size > kPageSize) {  // crosses a page: byte by byte
        if (!read_bytes(lin, buf, size, 0)) return false;
        out = load(buf, size);
        return true;
    }
    if (!check_canonical(lin)) return false;
    u8* host = nullptr;
    u64 phys = 0;
    if (!map_page(lin, Access::Read, host, phys)) return false;
    if (host != nullptr) {
        out = load(host + off, size);
        return true;
    }
    if (!m_bus.mmio_read(phys | off, std::span<u8>(buf, size))) {
        if (!unbacked(lin, 0)) return false;
        std::memset(buf, 0xff, sizeof buf);
    }
    out = load(buf, size);
    return true;
}

bool Cpu::probe_write(u64 lin, unsigned size) {
    if (marked(lin) && !segment_access(lin, size, Access::Write)) return false;
    // Every page touched must be RAM or claimed MMIO. A fault on the second page reports
    // its first byte, the first one the access could not reach.
    const u64 last = (lin + size - 1) & m_lin_mask;
    const u64 second = (last & ~kPageMask) == (lin & ~kPageMask) ? lin : last & ~kPageMask;
    for (u64 a : {lin, second}) {
        if (!check_canonical(a)) return false;
        u8* host = nullptr;
        u64 phys = 0;
        if (!map_page(a, Access::Write, host, phys)) return false;
        if (host == nullptr && !m_bus.mmio_claims(phys | (a & kPageMask)) && !unbacked(a, pf_error::Write))
            return false;
    }
    return true;
}

bool Cpu::locked_target(u64 lin, unsigned size, u8*& target) {
    target = nullptr;
    if ((lin & (size - 1)) != 0) return true;  // misaligned: the plain path (never a page split)
    if (marked(lin) && !segment_access(lin, size, Access::Write)) return false;
    if (!check_canonical(lin)) return false;
    u8* host = nullptr;
    u64 phys = 0;
    if (!map_page(lin, Access::Write, host, phys)) return false;
    if (host != nullptr) target = host + (lin & kPageMask);
    return true;
}

bool Cpu::write_page(u64 lin, const u8* src, unsigned n) {
    const u64 off = lin & kPageMask;
    u8* host = nullptr;
    u64 phys = 0;
    if (!map_page(lin, Access::Write, host, phys)) return false;
    if (host != nullptr) {
        std::memcpy(host + off, src, n);
        return true;
    }
    if (m_bus.mmio_write(phys | off, std::span<const u8>(src, n))) return true;
    return unbacked(lin, pf_error::Write);
}

bool Cpu::write_slow(u64 lin, unsigned size, u64 v) {
    if (marked(lin) && !segment_access(lin, size, Access::Write)) return false;
    u8 buf[8];
    store(buf, size, v);
    const u64 off = lin & kPageMask;
    if (off + size > kPageSize) {
        // Crosses a page: check both pages first so a fault leaves memory untouched. A bus
        // that cannot tell (mmio_claims() defaults to true) may still refuse the MMIO part,
        // so that part goes first: RAM is written only once nothing else can fail.
        if (!probe_write(lin, size)) return false;
        const auto head = static_cast<unsigned>(kPageSize - off);
        const u64 next = (lin + head) & m_lin_mask;
        if (ram_for_write(lin - off) != nullptr)
            return write_page(next, buf + head, size - head) && write_page(lin, buf, head);
        return write_page(lin, buf, head) && write_page(next, buf + head, size - head);
    }
    if (!check_canonical(lin)) return false;
    return write_page(lin, buf, size);
}

}  // namespace flint::x86
