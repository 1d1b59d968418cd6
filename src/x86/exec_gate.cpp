// Far CALL and JMP through call gates (SDM vol. 3 section 5.8.3-5.8.6, vol. 2 CALL and
// JMP): 16- and 32-bit gates outside long mode, 16-byte 64-bit gates in it. A CALL to
// more privileged non-conforming code switches to the TSS's stack for that level and,
// through 16/32-bit gates, copies the gate's parameter count of words or dwords from the
// caller's stack. The return is an ordinary far RET (exec_far.cpp).
#include "x86/descriptors.h"
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr auto kRsp = static_cast<u8>(Reg::Rsp);
constexpr auto kCsIdx = static_cast<unsigned>(Seg::Cs);
constexpr auto kSsIdx = static_cast<unsigned>(Seg::Ss);
constexpr u32 kCallGate16 = 0x4;
constexpr u32 kParamCount = 0x1f;  // gate high dword, bits 0-4
constexpr u64 kTssRsp0 = 4;        // 64-bit TSS

Event fault(Vector v, u32 code) { return Event::exception(v, code); }

struct Gate {
    u16 code_sel = 0;
    u64 offset = 0;
    unsigned width = 4;  // size of what the transfer pushes: 2, 4 or 8 bytes
    unsigned params = 0;
};

// Decodes and checks the gate itself: type, DPL against CPL and RPL, present. In long
// mode the gate's second half holds offset 63:32 and must have a zero type.
bool read_gate(Cpu& cpu, u16 sel, const Descriptor& d, Gate& g) {
    const bool lma = cpu.state().efer & efer::LMA;
    const u32 type = d.type();
    // FIXME: task switches (TSS descriptors and task gates) are not implemented: #GP.
    if (!d.system() || !(type == desc::CallGate || (!lma && type == kCallGate16)))
        return cpu.fail(fault(Vector::GP, selector_error(sel)));
    const unsigned rpl = sel & selector::Rpl;
    if (d.dpl() < cpu.cpl() || d.dpl() < rpl) return cpu.fail(fault(Vector::GP, selector_error(sel)));
    if (!d.present()) return cpu.fail(fault(Vector::NP, selector_error(sel)));
    g.code_sel = static_cast<u16>(d.lo >> 16);
    g.offset = (d.lo & 0xffff) | (type == kCallGate16 ? 0 : d.hi & 0xffff0000);
    g.width = lma ? 8 : type == kCallGate16 ? 2 : 4;
    g.params = lma ? 0 : d.hi & kParamCount;
    if (lma) {
        u32 upper, upper_hi;
        if (!cpu.read_descriptor(static_cast<u16>(sel + 8), upper, upper_hi)) return false;
        if ((upper_hi >> 8) & 0x1f) return cpu.fail(fault(Vector::GP, selector_error(sel)));
        g.offset |= u64{upper} << 32;
    }
    return true;
}

// The target code segment of a gate: code, DPL <= CPL, 64-bit code in long mode, present,
// and the offset inside it.
bool read_target(Cpu& cpu, const Gate& g, Descriptor& cd) {
    const u16 sel = g.code_sel;
    if ((sel & (selector::Index | selector::Ti)) == 0) return cpu.fail(fault(Vector::GP, 0));
    if (!cpu.read_descriptor(sel, cd.lo, cd.hi)) return false;
    const bool lma = cpu.state().efer & efer::LMA;
    if (!cd.code() || cd.dpl() > cpu.cpl() || (lma && (!cd.long_mode() || cd.def_big())))
        return cpu.fail(fault(Vector::GP, selector_error(sel)));
    if (!cd.present()) return cpu.fail(fault(Vector::NP, selector_error(sel)));
    if (lma ? !Cpu::canonical(g.offset) : g.offset > cd.limit()) return cpu.fail(fault(Vector::GP, 0));
    return true;
}

// CALL to an inner level: the new stack (TSS), then on it the caller's SS and ESP, the
// copied parameters, CS and EIP. Nothing changes until every store is done.
Event call_inner(Cpu& cpu, const Gate& g, const Descriptor& cd, unsigned new_cpl, u64 ret) {
    CpuState& st = cpu.state();
    const SegmentState old_ss = st.seg[kSsIdx];
    const u64 old_sp = st.gpr[kRsp];
    const u16 old_cs = st.seg[kCsIdx].selector;
    SegmentState ss;
    u64 sp;
    if (st.efer & efer::LMA) {
        if (!tss_rsp(cpu, kTssRsp0 + 8 * new_cpl, 0, sp)) return cpu.fault();
        if (!Cpu::canonical(sp)) return fault(Vector::SS, 0);
        ss = null_stack(new_cpl);
        const u64 frame[4] = {old_ss.selector, old_sp, old_cs, ret};
        for (const u64 v : frame) {
            sp -= 8;
            if (!Cpu::canonical(sp)) return fault(Vector::SS, 0);
            if (!cpu.system_write(sp, 8, v)) return cpu.fault();
        }
    } else {
        if (!tss_stack(cpu, new_cpl, 0, ss, sp)) return cpu.fault();
        u64 frame[2 + kParamCount + 2];
        unsigned n = 0;
        frame[n++] = old_ss.selector;
        frame[n++] = old_sp & Cpu::size_mask(cpu.stack_size());
        // Parameters keep their order: the one farthest from the caller's ESP goes first.
        for (unsigned i = g.params; i-- > 0;) {
            const u64 off = (old_sp + i * g.width) & Cpu::size_mask(cpu.stack_size());
            if (!cpu.read_mem(cpu.linear(kSsIdx, off), g.width, frame[n++])) return cpu.fault();
        }
        frame[n++] = old_cs;
        frame[n++] = ret;
        for (unsigned i = 0; i < n; ++i) frame[i] &= Cpu::size_mask(g.width);
        if (!push_on(cpu, ss, new_cpl, sp, std::span<const u64>(frame, n), g.width, selector_error(ss.selector)))
            return cpu.fault();
    }
    cpu.set_segment(Seg::Ss, ss);
    cpu.load_cs(g.code_sel, cd.lo, cd.hi, new_cpl);
    cpu.set_reg(kRsp, cpu.stack_size(), sp);
    st.rip = g.offset;
    return Event::none();
}

}  // namespace

Event far_through_gate(Cpu& cpu, u16 sel, const Descriptor& d, FarKind kind, u64 ret) {
    Gate g;
    Descriptor cd;
    if (!read_gate(cpu, sel, d, g) || !read_target(cpu, g, cd)) return cpu.fault();
    const unsigned cpl = cpu.cpl();
    if (kind == FarKind::Jmp) {
        // A jump never changes privilege: non-conforming code must be at the CPL.
        if (!cd.conforming() && cd.dpl() != cpl) return fault(Vector::GP, selector_error(g.code_sel));
        cpu.load_cs(g.code_sel, cd.lo, cd.hi, cpl);
        cpu.state().rip = g.offset;
        return Event::none();
    }
    const unsigned new_cpl = cd.conforming() ? cpl : cd.dpl();
    if (new_cpl < cpl) return call_inner(cpu, g, cd, new_cpl, ret);
    const u64 sp = cpu.gpr(kRsp);
    if (!cpu.push(cpu.state().seg[kCsIdx].selector, g.width) || !cpu.push(ret, g.width)) {
        cpu.gpr(kRsp) = sp;
        return cpu.fault();
    }
    cpu.load_cs(g.code_sel, cd.lo, cd.hi, cpl);
    cpu.state().rip = g.offset;
    return Event::none();
}

}  // namespace flint::x86
