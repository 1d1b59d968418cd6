// MOV to/from control registers with the checks of the SDM (vol. 3 section 2.5, vol. 2
// MOV CRn): reserved bits and invalid combinations #GP(0); paging changes flush the TLB
// and may activate or leave long mode; PAE paging's four PDPTEs are loaded (and checked)
// as the hardware loads them (vol. 3 section 4.4.1).
#include "x86/cpu.h"

namespace flint::x86 {
namespace {

bool pae_legacy(u64 cr0_v, u64 cr4_v, u64 efer_v) {
    return (cr0_v & cr0::PG) && (cr4_v & cr4::PAE) && !(efer_v & efer::LMA);
}

}  // namespace

bool Cpu::load_pdptes(u64 cr3, BadPdptes bad) {
    std::array<u64, 4> loaded{};
    bool ok = true;
    const u64 table = cr3 & 0xffffffe0;
    for (unsigned i = 0; i < 4; ++i) {
        const u64 addr = table + 8 * i;
        const u8* page = m_bus.ram_page(addr & ~kPageMask);
        // FIXME: a table outside RAM reads as not present (hardware would read MMIO).
        const u64 e = page ? load_le<u64>(page + (addr & kPageMask)) : 0;
        if ((e & pte::P) && (e & (pte::PaePdpteReserved | pte::AboveMaxPhys | pte::XD))) ok = false;
        loaded[i] = e;
    }
    if (ok || bad == BadPdptes::Keep) m_state.pdpte = loaded;
    return ok;
}

u64 Cpu::read_cr(unsigned n) const {
    switch (n) {
    case 0: return m_state.cr0;
    case 2: return m_state.cr2;
    case 3: return m_state.cr3;
    case 4: return m_state.cr4;
    default: return m_state.cr8;
    }
}

bool Cpu::write_cr(unsigned n, u64 v) {
    auto gp = [this] { return fail(Event::exception(Vector::GP, 0)); };
    switch (n) {
    case 0: {
        if (v & ~cr0::Defined) return gp();
        v |= cr0::ET;
        if ((v & cr0::PG) && !(v & cr0::PE)) return gp();
        if ((v & cr0::NW) && !(v & cr0::CD)) return gp();
        const u64 old = m_state.cr0;
        u64 efer_v = m_state.efer;
        if ((v & cr0::PG) && !(old & cr0::PG) && (efer_v & efer::LME)) {
            // Activating long mode needs PAE and must not start in a 64-bit code segment.
            if (!(m_state.cr4 & cr4::PAE)) return gp();
            efer_v |= efer::LMA;
        }
        if (!(v & cr0::PG) && (old & cr0::PG) && (efer_v & efer::LMA)) {
            if (m_mode == CpuMode::Long64) return gp();  // only compatibility mode may leave
            efer_v &= ~efer::LMA;
        }
        // Turning PAE paging on (or changing CD/NW under it) loads the PDPTEs.
        if (pae_legacy(v, m_state.cr4, efer_v) && ((old ^ v) & (cr0::PG | cr0::CD | cr0::NW)) &&
            !load_pdptes(m_state.cr3))
            return gp();
        m_state.cr0 = v;
        m_state.efer = efer_v;
        m_seen_cr0 = v;
        m_seen_efer = efer_v;
        if ((old ^ v) & cr0::PagingBits) flush_translations(false);
        set_mode_from_state();
        refresh_derived();
        return true;
    }
    case 2: m_state.cr2 = v; return true;
    case 3: {
        // Bits above MAXPHYADDR are reserved (bits 11:0 are flags or ignored).
        if ((m_state.efer & efer::LMA) && (v & ~kPhysAddrMask)) return gp();
        if (pae_legacy(m_state.cr0, m_state.cr4, m_state.efer) && !load_pdptes(v)) return gp();
        m_state.cr3 = (m_state.efer & efer::LMA) ? v : v & 0xffffffff;
        m_seen_cr3 = m_state.cr3;
        flush_translations(true);
        return true;
    }
    case 4: {
        if (v & ~cr4::Writable) return gp();
        const u64 old = m_state.cr4;
        if ((m_state.efer & efer::LMA) && !(v & cr4::PAE)) return gp();
        if (pae_legacy(m_state.cr0, v, m_state.efer) && ((old ^ v) & cr4::PagingBits) && !load_pdptes(m_state.cr3))
            return gp();
        m_state.cr4 = v;
        m_seen_cr4 = v;
        if ((old ^ v) & cr4::PagingBits) flush_translations(false);
        return true;
    }
    case 8:
        if (v & ~u64{0xf}) return gp();
        m_state.cr8 = v;  // FIXME: the APIC's TPR should follow (soft back end)
        return true;
    default: return fail(Event::exception(Vector::UD));
    }
}

}  // namespace flint::x86
