// Exceptions and interrupts: delivery through the IDT (64-bit gates in IA-32e mode, the
// interrupt vector table in real mode; 8-byte gates in interrupts_protected.cpp), the double-fault and triple-fault rules, IRET,
// and the boundary work of the interpreter loop (injected interrupts, shadows, HLT).
// Intel SDM vol. 3, chapter 6; AMD APM vol. 2, chapter 8.
#include "x86/descriptors.h"

namespace flint::x86 {
namespace {

constexpr auto kCs = static_cast<unsigned>(Seg::Cs);
constexpr auto kSsIdx = static_cast<unsigned>(Seg::Ss);

// SDM table 6-4/6-5: which pairs of faults make a double fault.
enum class FaultClass : u8 { Benign, Contributory, PageFault, DoubleFault };

FaultClass class_of(const Event& e) {
    if (e.trap) return FaultClass::Benign;  // software interrupts
    switch (e.vector) {
    case Vector::DE:
    case Vector::TS:
    case Vector::NP:
    case Vector::SS:
    case Vector::GP: return FaultClass::Contributory;
    case Vector::PF: return FaultClass::PageFault;
    case Vector::DF: return FaultClass::DoubleFault;
    default: return FaultClass::Benign;
    }
}

// 64-bit TSS: RSP0-2 at 4, IST1-7 at 0x24.
constexpr u64 kTssRsp0 = 4;
constexpr u64 kTssIst1 = 0x24;
// 64-bit IDT gate fields (low quadword).
constexpr unsigned kGateSelShift = 16;
constexpr unsigned kGateIstShift = 32;
constexpr unsigned kGateTypeShift = 40;
constexpr unsigned kGateDplShift = 45;
constexpr u64 kGatePresent = u64{1} << 47;

}  // namespace

void Cpu::inject_external(u8 vector) {
    m_pending_ext[vector / 64] |= u64{1} << (vector % 64);
    m_ext_any = true;
    m_attention = true;
    // Taken at the next boundary, so a HLT ends now: halted() must not tell a caller
    // that sleeps while halted to sleep past it.
    if (interrupts_enabled()) m_halted = false;
}

void Cpu::inject_nmi() {
    m_nmi_pending = true;
    m_attention = true;
    if (!m_nmi_blocked) m_halted = false;
}

bool Cpu::halt() {
    if (m_cpl != 0) return fail(Event::exception(Vector::GP, 0));
    // Only a machine sleeps: with events returned, HLT just ends run() as it always did.
    if (m_delivery == ExceptionDelivery::Guest) m_halted = true;
    return true;
}

// At an instruction boundary: take an NMI or the highest pending external interrupt when
// allowed. False when run() must stop with `ev` (still halted, or a triple fault).
bool Cpu::service_attention(Event& ev) {
    if (m_shadow == 0) {
        bool taken = false;
        Event e;
        if (m_nmi_pending && !m_nmi_blocked) {
            m_nmi_pending = false;
            m_nmi_blocked = true;
            e = Event::exception(Vector::NMI);
            taken = true;
        } else if (m_ext_any && m_flags.test_control(rflags::IF)) {
            for (unsigned w = 4; w-- > 0;) {
                if (m_pending_ext[w] == 0) continue;
                const unsigned bit = 63 - static_cast<unsigned>(__builtin_clzll(m_pending_ext[w]));
                m_pending_ext[w] &= ~(u64{1} << bit);
                e = Event::exception(static_cast<Vector>(w * 64 + bit));
                break;
            }
            m_ext_any = (m_pending_ext[0] | m_pending_ext[1] | m_pending_ext[2] | m_pending_ext[3]) != 0;
            taken = true;
        }
        if (taken) {
            m_halted = false;
            sync_to_state();
            if (!deliver(e, true)) {
                ev = Event{EventKind::Shutdown};
                return false;
            }
        }
    }
    m_attention = m_shadow > 0 || m_nmi_pending || m_ext_any;
    if (m_halted) {
        ev = Event::halt();
        return false;
    }
    return true;
}

// After a handler (or the fetch) reported an event. False: run() returns `ev`.
bool Cpu::after_event(Event& ev) {
    if (ev.kind == EventKind::Halt) {
        if (m_delivery != ExceptionDelivery::Guest) return false;
        if (m_shadow > 0) --m_shadow;  // STI; HLT: the interrupt may wake the HLT
        return service_attention(ev);
    }
    if (ev.kind != EventKind::Exception || m_delivery != ExceptionDelivery::Guest) return false;
    if (!deliver(ev, false)) {
        ev = Event{EventKind::Shutdown};
        return false;
    }
    ev = Event::none();
    return true;
}

bool Cpu::deliver(Event ev, bool external) {
    sync_to_state();
    bool ext = external;
    m_chain_len = 0;
    for (;;) {
        if (m_chain_len < m_chain.size()) m_chain[m_chain_len++] = FaultRecord{ev, m_state.rip};
        if (ev.vector == Vector::PF && !ev.trap && !external) m_state.cr2 = ev.address;
        const bool ok = m_mode == CpuMode::Real         ? deliver_real(ev)
                        : (m_state.efer & efer::LMA) ? deliver_long(ev, ext)
                                                       : deliver_protected(ev, ext);
        if (ok) return true;
        // A fault while delivering INT n/INT3/INTO is a fault of that instruction.
        if (ev.trap) m_state.rip = m_insn_rip;
        const Event nested = m_fault;
        const FaultClass first = class_of(ev), second = class_of(nested);
        if (first == FaultClass::DoubleFault) {  // triple fault: shutdown
            if (m_chain_len < m_chain.size()) m_chain[m_chain_len++] = FaultRecord{nested, m_state.rip};
            return false;
        }
        const bool df = (first == FaultClass::Contributory && second == FaultClass::Contributory) ||
                        (first == FaultClass::PageFault && second != FaultClass::Benign);
        ev = df ? Event::exception(Vector::DF, 0) : nested;
        ext = true;
        external = false;
    }
}

bool Cpu::deliver_real(const Event& ev) {
    const auto v = static_cast<unsigned>(ev.vector);
    if (v * 4 + 3 > m_state.idtr.limit) return fail(Event::exception(Vector::GP, v * 8 + 2));
    u64 entry;
    if (!read_mem((m_state.idtr.base + v * 4) & m_lin_mask, 4, entry)) return false;
    const u64 flags = m_flags.value();
    const u16 cs = m_state.seg[kCs].selector;
    if (!push(flags & 0xffff, 2) || !push(cs, 2) || !push(m_state.rip & 0xffff, 2)) return false;
    m_flags.set_bits(rflags::IF | rflags::TF | rflags::AC | rflags::RF, 0);
    load_cs(static_cast<u16>(entry >> 16), 0, 0, 0);
    m_state.rip = entry & 0xffff;
    return true;
}

bool Cpu::deliver_long(const Event& ev, bool ext) {
    const auto v = static_cast<unsigned>(ev.vector);
    const u32 idt_error = v * 8 + 2 + (ext ? 1 : 0);
    auto gp = [this](u32 code) { return fail(Event::exception(Vector::GP, code)); };
    if (v * 16 + 15 > m_state.idtr.limit) return gp(idt_error);
    u64 lo, hi;
    if (!system_read(m_state.idtr.base + v * 16, 8, lo) || !system_read(m_state.idtr.base + v * 16 + 8, 8, hi))
        return false;
    const auto type = static_cast<u32>(lo >> kGateTypeShift) & desc::TypeMask;
    if (type != desc::IntGate && type != desc::TrapGate) return gp(idt_error);
    // INT n/INT3/INTO may only use gates the caller's CPL may call; INT1 and hardware
    // events are exempt.
    const bool software = ev.trap && ev.vector != Vector::DB;
    if (software && ((lo >> kGateDplShift) & 3) < m_cpl) return gp(v * 8 + 2);
    if (!(lo & kGatePresent)) return fail(Event::exception(Vector::NP, idt_error));

    const auto sel = static_cast<u16>(lo >> kGateSelShift);
    const u32 sel_error = selector_error(sel) | (ext ? 1 : 0);
    if ((sel & (selector::Index | selector::Ti)) == 0) return gp(ext ? 1 : 0);
    Descriptor cd;
    if (!read_descriptor(sel, cd.lo, cd.hi)) return false;
    if (!cd.code() || cd.dpl() > m_cpl || !cd.long_mode() || cd.def_big()) return gp(sel_error);
    if (!cd.present()) return fail(Event::exception(Vector::NP, sel_error));
    const unsigned new_cpl = cd.conforming() ? m_cpl : cd.dpl();
    const u64 target = (lo & 0xffff) | ((lo >> 32) & 0xffff0000) | (hi << 32);
    if (!canonical(target)) return gp(ext ? 1 : 0);

    // The stack: TSS.RSPn on a privilege change, TSS.ISTn whenever the gate names one,
    // aligned down to 16 bytes.
    u64 rsp = m_state.gpr[kRsp];
    const unsigned ist = (lo >> kGateIstShift) & 7;
    if (new_cpl < m_cpl || ist != 0) {
        const u64 off = ist != 0 ? kTssIst1 + (ist - 1) * 8 : kTssRsp0 + new_cpl * 8;
        if (!tss_rsp(*this, off, 0, rsp)) return false;
        if (!canonical(rsp)) return fail(Event::exception(Vector::SS, ext ? 1 : 0));
    }
    rsp &= ~u64{15};

    const bool err = ev.has_error_code;
    u64 frame[6] = {m_state.seg[kSsIdx].selector, m_state.gpr[kRsp], m_flags.value(), m_state.seg[kCs].selector,
                    m_state.rip, ev.error_code};
    const unsigned words = err ? 6 : 5;
    for (unsigned i = 0; i < words; ++i) {
        const u64 a = rsp - 8 * (i + 1);
        if (!canonical(a)) return fail(Event::exception(Vector::SS, ext ? 1 : 0));
        if (!system_write(a, 8, frame[i])) return false;
    }

    // Committed: nothing below can fault.
    if (new_cpl != m_cpl) m_state.seg[kSsIdx] = null_stack(new_cpl);
    load_cs(sel, cd.lo, cd.hi, new_cpl);
    m_state.gpr[kRsp] = rsp - 8 * words;
    u64 clear = rflags::TF | rflags::NT | rflags::RF | rflags::VM;
    if (type == desc::IntGate) clear |= rflags::IF;
    m_flags.set_bits(clear, 0);
    m_state.rip = target;
    return true;
}

}  // namespace flint::x86
