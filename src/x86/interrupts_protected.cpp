// Interrupt and exception delivery in 16/32-bit protected mode (SDM vol. 3 section 6.12,
// vol. 2 "INT n"): 8-byte interrupt and trap gates of 16 or 32 bits, the stack switch to
// the TSS's SSn:ESPn on a privilege change, and the error code.
#include "x86/descriptors.h"

namespace flint::x86 {
namespace {

constexpr auto kCs = static_cast<unsigned>(Seg::Cs);

// 8-byte gate fields: offset 15:0 and selector in the low dword; type, DPL, P and
// offset 31:16 in the high one.
constexpr unsigned kGateSelShift = 16;
constexpr u32 kGateKindMask = 0x1f;  // type and S: gates are system descriptors
constexpr u32 kTaskGate = 0x5;
constexpr unsigned kGateDplShift = 13;
constexpr u32 kGatePresent = 1u << 15;

}  // namespace

bool Cpu::deliver_protected(const Event& ev, bool ext) {
    const auto v = static_cast<unsigned>(ev.vector);
    const u32 ext_bit = ext ? 1 : 0;
    const u32 idt_error = v * 8 + 2 + ext_bit;
    auto gp = [this](u32 code) { return fail(Event::exception(Vector::GP, code)); };
    if (v * 8 + 7 > m_state.idtr.limit) return gp(idt_error);
    u64 raw;
    if (!system_read((m_state.idtr.base + v * 8) & 0xffffffff, 8, raw)) return false;
    const auto lo = static_cast<u32>(raw), hi = static_cast<u32>(raw >> 32);
    const u32 kind = (hi >> 8) & kGateKindMask;
    const bool gate32 = kind == desc::IntGate || kind == desc::TrapGate;
    const bool gate16 = kind == desc::IntGate16 || kind == desc::TrapGate16;
    if (!gate32 && !gate16 && kind != kTaskGate) return gp(idt_error);
    const bool software = ev.trap && ev.vector != Vector::DB;
    if (software && ((hi >> kGateDplShift) & 3) < m_cpl) return gp(v * 8 + 2);
    if (!(hi & kGatePresent)) return fail(Event::exception(Vector::NP, idt_error));
    // FIXME: task gates need a task switch, which is not implemented: #GP names the gate.
    if (kind == kTaskGate) return gp(idt_error);
    // FIXME: virtual-8086 mode is not implemented (IRET refuses to enter it).

    const auto sel = static_cast<u16>(lo >> kGateSelShift);
    const u32 sel_error = selector_error(sel) | ext_bit;
    if ((sel & (selector::Index | selector::Ti)) == 0) return gp(ext_bit);
    Descriptor cd;
    if (!read_descriptor(sel, cd.lo, cd.hi)) return false;
    if (!cd.code() || cd.dpl() > m_cpl) return gp(sel_error);
    if (!cd.present()) return fail(Event::exception(Vector::NP, sel_error));
    const unsigned width = gate32 ? 4 : 2;
    const u64 target = gate32 ? (lo & 0xffff) | (hi & 0xffff0000) : lo & 0xffff;
    if (target > cd.limit()) return gp(ext_bit);

    const unsigned new_cpl = cd.conforming() ? m_cpl : cd.dpl();
    const u64 flags = m_flags.value();
    const u64 cs = m_state.seg[kCs].selector;
    const u64 eip = m_state.rip & 0xffffffff;
    SegmentState ss = m_state.seg[kSs];
    u64 sp = m_state.gpr[kRsp] & ((ss.attr & seg_attr::DefBig) ? 0xffffffff : 0xffff);
    u64 frame[6];
    unsigned n = 0;
    u32 stack_error = ext_bit;
    if (new_cpl < m_cpl) {
        if (!tss_stack(*this, new_cpl, ext_bit, ss, sp)) return false;
        frame[n++] = m_state.seg[kSs].selector;
        frame[n++] = m_state.gpr[kRsp] & 0xffffffff;
        stack_error = selector_error(ss.selector) | ext_bit;
    }
    frame[n++] = flags;
    frame[n++] = cs;
    frame[n++] = eip;
    if (ev.has_error_code) frame[n++] = ev.error_code;
    for (unsigned i = 0; i < n; ++i) frame[i] &= size_mask(width);
    if (!push_on(*this, ss, new_cpl, sp, std::span<const u64>(frame, n), width, stack_error)) return false;

    // Committed: nothing below can fault.
    if (new_cpl != m_cpl) set_segment(Seg::Ss, ss);
    load_cs(sel, cd.lo, cd.hi, new_cpl);
    set_reg(kRsp, (ss.attr & seg_attr::DefBig) ? 4 : 2, sp);
    u64 clear = rflags::TF | rflags::NT | rflags::RF | rflags::VM;
    if (kind == desc::IntGate || kind == desc::IntGate16) clear |= rflags::IF;
    m_flags.set_bits(clear, 0);
    m_state.rip = target;
    return true;
}

}  // namespace flint::x86
