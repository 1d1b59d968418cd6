#include "hv/soft/soft_state.h"

namespace flint::soft {

namespace {

namespace attr = x86::seg_attr;

x86::SegmentState to_x86(const hv::Segment& s) {
    x86::SegmentState out;
    out.selector = s.selector;
    out.base = s.base;
    out.limit = s.limit;
    u16 a = static_cast<u16>(s.type & attr::TypeMask);
    if (s.s) a |= attr::S;
    a = static_cast<u16>(a | ((s.dpl & 3u) << attr::DplShift));
    if (s.present && !s.unusable) a |= attr::Present;
    if (s.avl) a |= 1u << 12;
    if (s.l) a |= attr::Long;
    if (s.db) a |= attr::DefBig;
    if (s.g) a |= attr::Gran;
    out.attr = a;
    return out;
}

hv::Segment from_x86(const x86::SegmentState& s) {
    hv::Segment out;
    out.selector = s.selector;
    out.base = s.base;
    out.limit = s.limit;
    out.type = static_cast<u8>(s.attr & attr::TypeMask);
    out.s = (s.attr & attr::S) != 0;
    out.dpl = static_cast<u8>((s.attr & attr::Dpl) >> attr::DplShift);
    out.present = (s.attr & attr::Present) != 0;
    out.unusable = !out.present;
    out.avl = (s.attr & (1u << 12)) != 0;
    out.l = (s.attr & attr::Long) != 0;
    out.db = (s.attr & attr::DefBig) != 0;
    out.g = (s.attr & attr::Gran) != 0;
    return out;
}

// hv::SpecialRegs names segments; the software CPU indexes them in encoding order.
constexpr x86::Seg kOrder[] = {x86::Seg::Es, x86::Seg::Cs, x86::Seg::Ss, x86::Seg::Ds, x86::Seg::Fs, x86::Seg::Gs};

const hv::Segment& seg_of(const hv::SpecialRegs& s, x86::Seg seg) {
    switch (seg) {
    case x86::Seg::Es: return s.es;
    case x86::Seg::Cs: return s.cs;
    case x86::Seg::Ss: return s.ss;
    case x86::Seg::Ds: return s.ds;
    case x86::Seg::Fs: return s.fs;
    case x86::Seg::Gs: return s.gs;
    }
    return s.ds;
}

hv::Segment& seg_of(hv::SpecialRegs& s, x86::Seg seg) {
    return const_cast<hv::Segment&>(seg_of(static_cast<const hv::SpecialRegs&>(s), seg));
}

}  // namespace

void load_cpu_state(x86::Cpu& cpu, const hv::CpuState& state) {
    x86::CpuState& st = cpu.state();
    for (unsigned i = 0; i < x86::kGprCount; ++i) st.gpr[i] = state.regs.gpr[i];
    st.rip = state.regs.rip;
    const hv::SpecialRegs& s = state.sregs;
    for (x86::Seg seg : kOrder) st.seg[static_cast<unsigned>(seg)] = to_x86(seg_of(s, seg));
    st.ldtr = to_x86(s.ldt);
    st.tr = to_x86(s.tr);
    st.gdtr = {s.gdt.base, s.gdt.limit};
    st.idtr = {s.idt.base, s.idt.limit};
    st.cr0 = s.cr0;
    st.cr2 = s.cr2;
    st.cr3 = s.cr3;
    st.cr4 = s.cr4;
    st.cr8 = s.cr8;
    st.efer = s.efer;
    cpu.set_rflags(state.regs.rflags);
    cpu.derive_mode();
    cpu.flush_tlb();
}

hv::CpuState save_cpu_state(x86::Cpu& cpu) {
    const x86::CpuState& st = cpu.state();
    hv::CpuState out;
    for (unsigned i = 0; i < x86::kGprCount; ++i) out.regs.gpr[i] = st.gpr[i];
    out.regs.rip = st.rip;
    out.regs.rflags = cpu.rflags();
    hv::SpecialRegs& s = out.sregs;
    for (x86::Seg seg : kOrder) seg_of(s, seg) = from_x86(st.seg[static_cast<unsigned>(seg)]);
    s.ldt = from_x86(st.ldtr);
    s.tr = from_x86(st.tr);
    s.gdt = {st.gdtr.base, st.gdtr.limit};
    s.idt = {st.idtr.base, st.idtr.limit};
    s.cr0 = st.cr0;
    s.cr2 = st.cr2;
    s.cr3 = st.cr3;
    s.cr4 = st.cr4;
    s.cr8 = st.cr8;
    s.efer = st.efer;
    return out;
}

}  // namespace flint::soft
