// The soft TLB's slow side: lookups that missed the inline fast path (cpu.h), fills,
// flushes (CR3 writes keep global entries; INVLPG drops one mapping) and keeping pages
// with decoded code out of the write TLB.
#include "x86/cpu.h"

namespace flint::x86 {

bool Cpu::map_page(u64 lin, Access acc, u8*& host, u64& phys) {
    const u64 page = lin & ~kPageMask;
    const unsigned i = (page >> 12) % kTlbEntries;
    auto& hot = acc == Access::Read ? m_rtlb : acc == Access::Write ? m_wtlb : m_xtlb;
    auto& cold = acc == Access::Read ? m_rmeta : acc == Access::Write ? m_wmeta : m_xmeta;
    const u64 tag = page | m_tlb_priv;
    if (hot[i].tag == tag) {
        host = hot[i].host;
        phys = cold[i].phys;
        return true;
    }
    Translation t;
    if (!walk(lin, acc, m_tlb_priv != 0, t)) return false;  // a fault reports the byte (CR2)
    phys = t.phys;
    // The first write to a page holding decoded code drops that code; from then on the
    // page may be cached for writing like any other (self-modifying code costs nothing
    // until it happens).
    if (acc == Access::Write && m_code.contains(phys)) m_code.invalidate_page(phys);
    host = m_bus.ram_page(phys);
    if (host == nullptr) return true;  // MMIO: never cached, every access goes to the bus
    if (acc == Access::Write) m_bus.write_mapped(phys);
    hot[i] = TlbEntry{tag, host};
    cold[i] = TlbMeta{phys, t.page_shift, t.global};
    return true;
}

void Cpu::flush_translations(bool keep_global) {
    auto flush = [keep_global](std::array<TlbEntry, kTlbEntries>& hot, const std::array<TlbMeta, kTlbEntries>& cold) {
        for (unsigned i = 0; i < kTlbEntries; ++i)
            if (!keep_global || !cold[i].global) hot[i] = TlbEntry{};
    };
    flush(m_rtlb, m_rmeta);
    flush(m_wtlb, m_wmeta);
    flush(m_xtlb, m_xmeta);
    // The instruction loop caches the current code page's translation too.
    m_cur_code = nullptr;
    m_cur_code_tag = 1;
}

// INVLPG drops every cached piece of the mapping that translates `lin`: a 2 MiB page is
// cached as up to 512 separate 4 KiB entries, all of which must go.
void Cpu::invlpg(u64 lin) {
    auto drop = [lin](std::array<TlbEntry, kTlbEntries>& hot, const std::array<TlbMeta, kTlbEntries>& cold) {
        for (unsigned i = 0; i < kTlbEntries; ++i) {
            const u64 mask = ~((u64{1} << cold[i].page_shift) - 1);
            if ((hot[i].tag & 1) == 0 && ((hot[i].tag & ~kPageMask) & mask) == (lin & mask)) hot[i] = TlbEntry{};
        }
    };
    drop(m_rtlb, m_rmeta);
    drop(m_wtlb, m_wmeta);
    drop(m_xtlb, m_xmeta);
    m_cur_code = nullptr;
    m_cur_code_tag = 1;
}

// Called when instructions are first decoded from a physical page: writes to it must
// take the slow path (whatever linear alias they use) so that they drop the code.
void Cpu::evict_code_page_writes(u64 phys) {
    for (unsigned i = 0; i < kTlbEntries; ++i)
        if (m_wmeta[i].phys == phys) m_wtlb[i] = TlbEntry{};
}

void Cpu::flush_tlb() {
    flush_translations(false);
    m_code.clear();
}

}  // namespace flint::x86
