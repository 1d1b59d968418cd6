// Cpu: construction, state synchronisation, modes, and the interpreter loop.
#include "x86/cpu.h"

#include <chrono>

#include "x86/decoder.h"

namespace flint::x86 {
namespace {

i64 monotonic_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Cpu::Cpu(Bus& bus, const CpuModel& model) : m_bus(bus), m_model(model), m_tsc_epoch_ns(monotonic_ns()) {
    for (unsigned r = 0; r < kGprCount; ++r) m_ea_reg[r] = &m_state.gpr[r];
    m_ea_reg[kRipReg] = &m_state.rip;
    m_ea_reg[kNoReg] = &m_zero;
    set_mode(CpuMode::Long64);
}

Cpu::~Cpu() = default;

void Cpu::set_rflags(u64 value) {
    m_flags.set_value(value);
    m_state.rflags = m_exported_rflags = m_flags.value();
}

void Cpu::set_mode(CpuMode mode) {
    m_mode = mode;
    auto& cs = m_state.seg[static_cast<unsigned>(Seg::Cs)].attr;
    auto& ss = m_state.seg[static_cast<unsigned>(Seg::Ss)].attr;
    cs = static_cast<u16>(cs & ~(seg_attr::Long | seg_attr::DefBig));
    ss = static_cast<u16>(ss & ~seg_attr::DefBig);
    if (mode == CpuMode::Long64) cs |= seg_attr::Long;
    if (mode == CpuMode::Protected32) {
        cs |= seg_attr::DefBig;
        ss |= seg_attr::DefBig;
    }
    // Decoded instructions depend on the mode.
    m_code.clear();
    sync_from_state();
}

void Cpu::sync_from_state() {
    if (m_state.rflags != m_exported_rflags) set_rflags(m_state.rflags);
    const bool is64 = m_mode == CpuMode::Long64;
    for (unsigned s = 0; s < kSegCount; ++s)
        m_seg_base[s] = (is64 && s < static_cast<unsigned>(Seg::Fs)) ? 0 : m_state.seg[s].base;
    m_lin_mask = is64 ? ~u64{0} : 0xffffffff;
    const bool code16 = m_mode == CpuMode::Real || m_mode == CpuMode::Protected16;
    m_ip_mask = is64 ? ~u64{0} : code16 ? 0xffff : 0xffffffff;
    const bool big_stack = m_state.seg[kSs].attr & seg_attr::DefBig;
    m_stack_size = is64 ? 8 : big_stack ? 4 : 2;
    if (m_code.epoch() != m_cur_epoch) refresh_code_page();
}

void Cpu::sync_to_state() { m_state.rflags = m_exported_rflags = m_flags.value(); }

void Cpu::refresh_code_page() {
    m_cur_code = nullptr;
    m_cur_code_tag = 1;
    m_cur_epoch = m_code.epoch();
    m_code.collect();
}

void Cpu::load_segment(Seg s, u16 selector) {
    const auto i = static_cast<unsigned>(s);
    m_state.seg[i].selector = selector;
    // FIXME: protected-mode loads read the descriptor (part 2); until then only the
    // selector changes there.
    if (m_mode == CpuMode::Real) m_state.seg[i].base = u64{selector} << 4;
    m_seg_base[i] = (m_mode == CpuMode::Long64 && s < Seg::Fs) ? 0 : m_state.seg[i].base;
}

u64 Cpu::tsc() const {
    const auto ns = static_cast<unsigned __int128>(monotonic_ns() - m_tsc_epoch_ns);
    return static_cast<u64>(ns * m_model.tsc_hz / 1'000'000'000u) + m_state.tsc_offset;
}

void Cpu::flush_tlb() {
    m_rtlb.fill(TlbEntry{});
    m_wtlb.fill(TlbEntry{});
    m_code.clear();
}

void Cpu::invalidate_code(u64 gpa, u64 len) {
    if (len == 0) return;
    const u64 last = (gpa + len - 1) & ~kPageMask;
    for (u64 page = gpa & ~kPageMask;; page += kPageSize) {
        m_code.invalidate_page(page);
        if (page == last) break;
    }
}

void Cpu::evict_write(u64 page) {
    TlbEntry& e = m_wtlb[(page >> 12) % kTlbEntries];
    if (e.tag == page) e = TlbEntry{};
}

// Finds or decodes the instruction at linear address `lin`. Slow path of the loop below:
// runs on a page change or the first execution of an instruction.
Insn* Cpu::fetch_decoded(u64 lin, Event& ev) {
    if (m_mode == CpuMode::Long64 && !canonical(lin)) {
        ev = Event::exception(Vector::GP, 0);
        return nullptr;
    }
    const u64 page = lin & ~kPageMask;
    const auto offset = static_cast<unsigned>(lin & kPageMask);
    CodePage* cp = nullptr;
    if (m_bus.ram_page(page) != nullptr) {
        cp = &m_code.get_or_create(page);
        evict_write(page);  // from now on writes to this page take the slow path
        m_cur_code = cp;
        m_cur_code_tag = page;
        if (Insn* in = cp->find(offset)) return in;
    } else {
        m_cur_code_tag = 1;  // MMIO: never cached
    }

    // Gather up to 15 bytes, stopping at the first byte nothing answers for.
    u8 buf[kMaxInsnLen];
    unsigned n = 0;
    while (n < kMaxInsnLen) {
        const u64 a = (lin + n) & m_lin_mask;
        const u64 pg = a & ~kPageMask;
        const auto want = static_cast<unsigned>(std::min<u64>(kMaxInsnLen - n, kPageSize - (a & kPageMask)));
        if (const u8* host = m_bus.ram_page(pg)) {
            std::memcpy(buf + n, host + (a & kPageMask), want);
        } else if (!m_bus.mmio_read(a, std::span<u8>(buf + n, want))) {
            break;
        }
        n += want;
    }
    if (n == 0) {
        ev = Event::page_fault(lin, pf_error::Fetch);
        return nullptr;
    }

    Insn insn;
    switch (decode(m_mode, std::span<const u8>(buf, n), insn)) {
    case DecodeStatus::Ok: break;
    case DecodeStatus::Invalid: ev = Event::exception(Vector::UD); return nullptr;
    case DecodeStatus::TooLong: ev = Event::exception(Vector::GP, 0); return nullptr;
    case DecodeStatus::NeedBytes: ev = Event::page_fault((lin + n) & m_lin_mask, pf_error::Fetch); return nullptr;
    }
    if (cp == nullptr) {
        m_uncached = insn;
        return &m_uncached;
    }
    if (offset + insn.len > kPageSize) {
        // The tail lives on the next page: writes there must drop this instruction too.
        const u64 next = (page + kPageSize) & m_lin_mask;
        cp->spills_into_next = true;
        m_code.get_or_create(next);
        evict_write(next);
    }
    return &cp->add(offset, insn);
}

// The interpreter loop: written for speed. Per instruction on the fast path: one compare
// for "same code page", one slot load, an indirect call, a budget test and an epoch test.
// RIP is advanced before the handler runs, so branches simply overwrite it and
// RIP-relative operands see the next instruction's address; a fault puts it back.
Event Cpu::run(u64 max_insns) {
    sync_from_state();
    Event ev = Event::none();
    u64 n = 0;
    while (n < max_insns) {
        const u64 rip = m_state.rip;
        const u64 lin = (m_seg_base[static_cast<unsigned>(Seg::Cs)] + rip) & m_lin_mask;
        Insn* in = nullptr;
        if ((lin & ~kPageMask) == m_cur_code_tag) [[likely]]
            in = m_cur_code->find(static_cast<unsigned>(lin & kPageMask));
        if (in == nullptr) [[unlikely]] {
            in = fetch_decoded(lin, ev);
            if (in == nullptr) break;
        }
        m_insn_rip = rip;
        m_state.rip = (rip + in->len) & m_ip_mask;
        // Only the kind byte is read on the fast path: copying the whole returned Event
        // right after the handler's narrow stores stalls on store forwarding.
        const Event e = in->fn(*this, *in);
        if (e.kind != EventKind::None) [[unlikely]] {
            ev = e;
            if (ev.kind == EventKind::Exception && !ev.trap) {
                m_state.rip = rip;  // faults report the faulting instruction
            } else {
                ++n;  // HLT and software interrupts complete
            }
            break;
        }
        ++n;
        if (m_code.epoch() != m_cur_epoch) [[unlikely]]
            refresh_code_page();
    }
    m_retired += n;
    if (m_code.epoch() != m_cur_epoch) refresh_code_page();
    sync_to_state();
    return ev;
}

}  // namespace flint::x86
