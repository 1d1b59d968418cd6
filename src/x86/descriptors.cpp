// Segmentation: descriptor-table reads, segment-register loads with the protection
// checks of the SDM (MOV Sreg / POP Sreg / LDS... in vol. 2; 64-bit null-selector rules
// in vol. 3 section 5.4), and the supervisor-mode accesses those need.
#include "x86/descriptors.h"

namespace flint::x86 {
namespace {

// Supervisor-mode implicit accesses use CPL 0's page permissions, whatever the CPL.
class SupervisorAccess {
public:
    explicit SupervisorAccess(u64& priv) : m_priv(priv), m_saved(priv) { m_priv = 0; }
    ~SupervisorAccess() { m_priv = m_saved; }
    SupervisorAccess(const SupervisorAccess&) = delete;
    SupervisorAccess& operator=(const SupervisorAccess&) = delete;

private:
    u64& m_priv;
    u64 m_saved;
};

}  // namespace

bool Cpu::system_read(u64 lin, unsigned size, u64& out) {
    SupervisorAccess scope(m_tlb_priv);
    return read_mem(lin, size, out);
}

bool Cpu::system_write(u64 lin, unsigned size, u64 v) {
    SupervisorAccess scope(m_tlb_priv);
    return write_mem(lin, size, v);
}

bool Cpu::read_descriptor(u16 sel, u32& lo, u32& hi, Vector fault) {
    const bool ldt = sel & selector::Ti;
    const u64 base = ldt ? m_state.ldtr.base : m_state.gdtr.base;
    const u64 limit = ldt ? m_state.ldtr.limit : m_state.gdtr.limit;
    const bool ldt_usable = m_state.ldtr.attr & seg_attr::Present;
    if ((ldt && !ldt_usable) || (sel | 7u) > limit) return fail(Event::exception(fault, selector_error(sel)));
    u64 v;
    if (!system_read((base + (sel & selector::Index)) & m_lin_mask, 8, v)) return false;
    lo = static_cast<u32>(v);
    hi = static_cast<u32>(v >> 32);
    return true;
}

bool Cpu::write_descriptor_hi(u16 sel, u32 hi) {
    const u64 base = (sel & selector::Ti) ? m_state.ldtr.base : m_state.gdtr.base;
    return system_write((base + (sel & selector::Index) + 4) & m_lin_mask, 4, hi);
}

bool Cpu::load_segment(Seg s, u16 sel) {
    const auto i = static_cast<unsigned>(s);
    SegmentState& seg = m_state.seg[i];
    if (!(m_state.cr0 & cr0::PE)) {
        // Real mode: base = selector * 16. (Without CR0.PE a mode forced by set_mode()
        // keeps the cached descriptor, as before descriptors existed.)
        seg.selector = sel;
        if (m_mode == CpuMode::Real) seg.base = u64{sel} << 4;
        if (s == Seg::Ss) set_interrupt_shadow();
        refresh_derived();
        return true;
    }
    const unsigned rpl = sel & selector::Rpl;
    const bool null = (sel & (selector::Index | selector::Ti)) == 0;
    if (s == Seg::Ss) {
        if (null) {
            // 64-bit mode allows a null SS below CPL 3 (interrupt and SYSCALL stacks).
            if (m_mode != CpuMode::Long64 || m_cpl == 3 || rpl != m_cpl) return fail(Event::exception(Vector::GP, 0));
            seg = SegmentState{sel, 0, 0, static_cast<u16>(m_cpl << seg_attr::DplShift)};
            refresh_derived();
            return true;
        }
        Descriptor d;
        if (!read_descriptor(sel, d.lo, d.hi)) return false;
        if (rpl != m_cpl || d.dpl() != m_cpl || !d.writable_data())
            return fail(Event::exception(Vector::GP, selector_error(sel)));
        if (!d.present()) return fail(Event::exception(Vector::SS, selector_error(sel)));
        if (!(d.type() & desc::Accessed) && !write_descriptor_hi(sel, d.hi | (desc::Accessed << 8))) return false;
        seg = d.segment(sel);
        seg.attr |= desc::Accessed;
        set_interrupt_shadow();  // MOV SS / POP SS: the next instruction runs uninterrupted
        refresh_derived();
        return true;
    }
    if (null) {
        // Usable as a value, not for accesses. FIXME: accesses through it should #GP
        // outside 64-bit mode. The base of FS/GS stays (what Intel processors do).
        seg.selector = sel;
        seg.attr = 0;
        if (s != Seg::Fs && s != Seg::Gs) seg.base = 0;
        refresh_derived();
        return true;
    }
    Descriptor d;
    if (!read_descriptor(sel, d.lo, d.hi)) return false;
    if (d.system() || !d.readable()) return fail(Event::exception(Vector::GP, selector_error(sel)));
    if (!d.conforming() && (rpl > d.dpl() || m_cpl > d.dpl()))
        return fail(Event::exception(Vector::GP, selector_error(sel)));
    if (!d.present()) return fail(Event::exception(Vector::NP, selector_error(sel)));
    if (!(d.type() & desc::Accessed) && !write_descriptor_hi(sel, d.hi | (desc::Accessed << 8))) return false;
    seg = d.segment(sel);
    seg.attr |= desc::Accessed;
    refresh_derived();
    return true;
}

void Cpu::load_cs(u16 sel, u32 lo, u32 hi, unsigned new_cpl) {
    SegmentState& cs = m_state.seg[static_cast<unsigned>(Seg::Cs)];
    if (!(m_state.cr0 & cr0::PE)) {
        cs.selector = sel;
        if (m_mode == CpuMode::Real) cs.base = u64{sel} << 4;
    } else {
        const Descriptor d{lo, hi};
        cs = d.segment(static_cast<u16>((sel & (selector::Index | selector::Ti)) | new_cpl));
        set_mode_from_state();
    }
    refresh_derived();
}

void Cpu::set_segment(Seg s, const SegmentState& v) {
    m_state.seg[static_cast<unsigned>(s)] = v;
    if (s == Seg::Cs && (m_state.cr0 & cr0::PE)) set_mode_from_state();
    refresh_derived();
}

}  // namespace flint::x86
