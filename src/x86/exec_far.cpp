// Far transfers: far JMP/CALL to code segments (through call gates: exec_gate.cpp), far
// RET and IRET, with the privilege checks of the SDM (vol. 2: JMP, CALL, RET, IRET).
#include "x86/descriptors.h"
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr auto kRsp = static_cast<u8>(Reg::Rsp);
constexpr auto kCsIdx = static_cast<unsigned>(Seg::Cs);

Event gp(u32 code) { return raise(Vector::GP, code); }

// Reads and checks a code-segment descriptor for a transfer to privilege `rpl`:
// conforming code needs DPL <= CPL, non-conforming DPL == CPL (calls/jumps) or, for
// returns, DPL == RPL. `ret` selects the return rules.
bool check_code(Cpu& cpu, u16 sel, bool ret, Descriptor& d) {
    if ((sel & (selector::Index | selector::Ti)) == 0) return cpu.fail(Event::exception(Vector::GP, 0));
    if (!cpu.read_descriptor(sel, d.lo, d.hi)) return false;
    const unsigned rpl = sel & selector::Rpl;
    bool ok = d.code();
    if (ok && ret) ok = d.conforming() ? d.dpl() <= rpl : d.dpl() == rpl;
    if (ok && !ret) ok = d.conforming() ? d.dpl() <= cpu.cpl() : (d.dpl() == cpu.cpl() && rpl <= cpu.cpl());
    if (!ok) return cpu.fail(Event::exception(Vector::GP, selector_error(sel)));
    if (!d.present()) return cpu.fail(Event::exception(Vector::NP, selector_error(sel)));
    return true;
}

unsigned target_width(const Descriptor& d, unsigned opsize) {
    return d.long_mode() ? opsize : d.def_big() ? (opsize == 8 ? 4 : opsize) : opsize;
}

// Loads SS for a return to an outer privilege level.
bool load_outer_ss(Cpu& cpu, u16 sel, unsigned new_cpl, bool to64, Descriptor& d) {
    if ((sel & (selector::Index | selector::Ti)) == 0) {
        if (!to64 || new_cpl == 3) return cpu.fail(Event::exception(Vector::GP, 0));
        d = Descriptor{};
        return true;
    }
    if (!cpu.read_descriptor(sel, d.lo, d.hi)) return false;
    if ((sel & selector::Rpl) != new_cpl || d.dpl() != new_cpl || !d.writable_data())
        return cpu.fail(Event::exception(Vector::GP, selector_error(sel)));
    if (!d.present()) return cpu.fail(Event::exception(Vector::SS, selector_error(sel)));
    return true;
}

// After a return to an outer level, data segments the new CPL may not use become null.
void null_inaccessible_segments(Cpu& cpu, unsigned new_cpl) {
    for (Seg s : {Seg::Es, Seg::Ds, Seg::Fs, Seg::Gs}) {
        SegmentState v = cpu.state().seg[static_cast<unsigned>(s)];
        const unsigned dpl = (v.attr & seg_attr::Dpl) >> seg_attr::DplShift;
        const bool conforming_code = (v.attr & desc::Code) && (v.attr & desc::Conforming);
        if ((v.attr & seg_attr::S) && !conforming_code && dpl < new_cpl) {
            v.selector = 0;
            v.attr = 0;
            cpu.set_segment(s, v);
        }
    }
}

// The common part of far RET and IRET once the return frame has been read.
Event far_return(Cpu& cpu, u64 rip, u16 cs_sel, bool pops_stack, u64 new_rsp, u16 ss_sel, u64 sp_after) {
    CpuState& st = cpu.state();
    if (!(st.cr0 & cr0::PE)) {
        cpu.load_cs(cs_sel, 0, 0, 0);
        st.rip = rip & 0xffff;
        cpu.adjust_sp(sp_after);
        return Event::none();
    }
    const unsigned rpl = cs_sel & selector::Rpl;
    if (rpl < cpu.cpl()) return gp(selector_error(cs_sel));
    Descriptor cd;
    if (!check_code(cpu, cs_sel, true, cd)) return cpu.fault();
    const bool to64 = (st.efer & efer::LMA) && cd.long_mode();
    if (to64 ? !Cpu::canonical(rip) : rip > cd.limit()) return gp(0);
    if (rpl == cpu.cpl() && !pops_stack) {
        cpu.load_cs(cs_sel, cd.lo, cd.hi, rpl);
        st.rip = rip;
        cpu.adjust_sp(sp_after);
        return Event::none();
    }
    Descriptor sd;
    if (!load_outer_ss(cpu, ss_sel, rpl, to64, sd)) return cpu.fault();
    const bool outer = rpl > cpu.cpl();
    if (sd.present())
        cpu.set_segment(Seg::Ss, sd.segment(ss_sel));
    else
        cpu.set_segment(Seg::Ss, SegmentState{ss_sel, 0, 0, static_cast<u16>(rpl << seg_attr::DplShift)});
    cpu.load_cs(cs_sel, cd.lo, cd.hi, rpl);
    st.gpr[kRsp] = new_rsp;
    st.rip = rip;
    if (outer) null_inaccessible_segments(cpu, rpl);
    return Event::none();
}

}  // namespace

// CA/CB: RETF [imm16]. Pops RIP and CS; on a return to an outer level also RSP and SS
// (after releasing imm16 bytes of parameters).
Event op_retf(Cpu& cpu, const Insn& in) {
    const unsigned w = in.opsize;
    const u64 release = in.has(insn_flags::Imm) ? in.imm & 0xffff : 0;
    u64 rip, cs;
    if (!cpu.peek(0, w, rip) || !cpu.peek(w, w, cs)) return cpu.fault();
    const auto cs_sel = static_cast<u16>(cs);
    const bool outer = (cpu.state().cr0 & cr0::PE) && (cs_sel & selector::Rpl) > cpu.cpl();
    u64 rsp = 0, ss = 0;
    if (outer && (!cpu.peek(2 * w + release, w, rsp) || !cpu.peek(3 * w + release, w, ss))) return cpu.fault();
    return far_return(cpu, rip & Cpu::size_mask(w), cs_sel, outer, rsp + release, static_cast<u16>(ss),
                      2 * w + release);
}

// CF: IRET/IRETD/IRETQ.
Event op_iret(Cpu& cpu, const Insn& in) { return cpu.iret(in.opsize); }

Event Cpu::iret(unsigned w) {
    const bool pe = m_state.cr0 & cr0::PE;
    if (pe && m_flags.test_control(rflags::NT)) return gp(0);  // FIXME: task return
    u64 rip, cs, fl;
    if (!peek(0, w, rip) || !peek(w, w, cs) || !peek(2 * w, w, fl)) return fault();
    const auto cs_sel = static_cast<u16>(cs);
    // In 64-bit mode IRET always pops SS:RSP; elsewhere only on a return to an outer level.
    const bool pops = m_mode == CpuMode::Long64 || (pe && (cs_sel & selector::Rpl) > m_cpl);
    u64 rsp = 0, ss = 0;
    if (pops && (!peek(3 * w, w, rsp) || !peek(4 * w, w, ss))) return fault();
    // FIXME: virtual-8086 mode is not implemented: IRET refuses to enter it.
    if (pe && !(m_state.efer & efer::LMA) && w == 4 && m_cpl == 0 && (fl & rflags::VM)) return gp(0);

    // Which flags this CPL may change: IOPL only at CPL 0, IF only when CPL <= IOPL.
    u64 writable = rflags::Status | rflags::TF | rflags::DF | rflags::NT | rflags::AC | rflags::ID | rflags::RF;
    const unsigned iopl = static_cast<unsigned>((m_flags.value() & rflags::IOPL) >> 12);
    if (!pe || m_cpl == 0) writable |= rflags::IOPL | rflags::VIF | rflags::VIP;
    if (!pe || m_cpl <= iopl) writable |= rflags::IF;
    if (w == 2) writable &= 0xffff;
    const u64 old_flags = m_flags.value();
    const Event e = far_return(*this, rip & size_mask(w), cs_sel, pops, rsp, static_cast<u16>(ss), 3 * w);
    if (e.kind != EventKind::None) return e;
    set_rflags((old_flags & ~writable) | (fl & writable));
    m_nmi_blocked = false;
    if (m_ext_any) m_attention = true;  // IF may have been set
    return Event::none();
}

// The target of a far JMP/CALL: ptr16:16/32 in the instruction (EA, 9A) or m16:16/32/64
// in memory (FF /5, FF /3). False when reading the memory operand faulted.
static bool far_pointer(Cpu& cpu, const Insn& in, u64& off, u16& sel) {
    if (in.has(insn_flags::Imm) && !in.mem()) {
        off = in.imm;
        sel = static_cast<u16>(in.disp);
        return true;
    }
    u64 raw_sel = 0;
    if (!cpu.read_mem(cpu.linear(in), in.opsize, off) ||
        !cpu.read_mem(cpu.linear(in.seg, cpu.effective_address(in) + in.opsize), 2, raw_sel))
        return false;
    sel = static_cast<u16>(raw_sel);
    return true;
}

// A far transfer whose selector names a system descriptor goes through a gate
// (exec_gate.cpp). True when it does; `e` is then the transfer's outcome.
static bool through_gate(Cpu& cpu, u16 sel, FarKind kind, u64 ret, Event& e) {
    if ((sel & (selector::Index | selector::Ti)) == 0) return false;  // check_code raises #GP(0)
    Descriptor d;
    if (!cpu.read_descriptor(sel, d.lo, d.hi)) {
        e = cpu.fault();
        return true;
    }
    if (!d.system()) return false;
    e = far_through_gate(cpu, sel, d, kind, ret);
    return true;
}

// EA / FF /5: far JMP to a code segment or through a call gate.
Event op_jmp_far(Cpu& cpu, const Insn& in) {
    u64 off;
    u16 s;
    if (!far_pointer(cpu, in, off, s)) return cpu.fault();
    if (!(cpu.state().cr0 & cr0::PE)) {
        cpu.load_cs(s, 0, 0, 0);
        cpu.state().rip = off & Cpu::size_mask(in.opsize);
        return Event::none();
    }
    Event through;
    if (through_gate(cpu, s, FarKind::Jmp, 0, through)) return through;
    Descriptor d;
    if (!check_code(cpu, s, false, d)) return cpu.fault();
    const u64 target = off & Cpu::size_mask(target_width(d, in.opsize));
    if (d.long_mode() ? !Cpu::canonical(target) : target > d.limit()) return gp(0);
    cpu.load_cs(s, d.lo, d.hi, cpu.cpl());
    cpu.state().rip = target;
    return Event::none();
}

// 9A / FF /3: far CALL to a code segment at the same privilege, or through a call gate.
Event op_call_far(Cpu& cpu, const Insn& in) {
    u64 off;
    u16 s;
    if (!far_pointer(cpu, in, off, s)) return cpu.fault();
    const u16 old_cs = cpu.state().seg[kCsIdx].selector;
    const u64 ret = cpu.rip();
    const unsigned w = in.opsize;
    const u64 sp = cpu.gpr(kRsp);
    Descriptor d;
    const bool pe = cpu.state().cr0 & cr0::PE;
    Event through;
    if (pe && through_gate(cpu, s, FarKind::Call, ret, through)) return through;
    if (pe && !check_code(cpu, s, false, d)) return cpu.fault();
    const u64 target = off & Cpu::size_mask(pe ? target_width(d, w) : w);
    if (pe && (d.long_mode() ? !Cpu::canonical(target) : target > d.limit())) return gp(0);
    if (!cpu.push(old_cs, w) || !cpu.push(ret, w)) {
        cpu.gpr(kRsp) = sp;
        return cpu.fault();
    }
    cpu.load_cs(s, d.lo, d.hi, cpu.cpl());
    cpu.state().rip = target;
    return Event::none();
}

}  // namespace flint::x86
