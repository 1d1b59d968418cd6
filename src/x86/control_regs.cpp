// MOV to/from control registers with the checks of the SDM (vol. 3 section 2.5, vol. 2
// MOV CRn): reserved bits and invalid combinations #GP(0); paging changes flush the TLB
// and may activate or leave long mode.
#include "x86/cpu.h"

namespace flint::x86 {

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
        m_state.cr3 = (m_state.efer & efer::LMA) ? v : v & 0xffffffff;
        m_seen_cr3 = m_state.cr3;
        flush_translations(true);
        return true;
    }
    case 4: {
        if (v & ~cr4::Writable) return gp();
        const u64 old = m_state.cr4;
        if ((m_state.efer & efer::LMA) && !(v & cr4::PAE)) return gp();
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
