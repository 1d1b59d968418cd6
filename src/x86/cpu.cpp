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
    // Decoded instructions depend on the mode. The mode is forced: the control registers
    // the caller set go with it as they are (no re-derivation at the next run()).
    m_code.clear();
    if (m_state.cr0 != m_seen_cr0 || m_state.cr3 != m_seen_cr3 || m_state.cr4 != m_seen_cr4 ||
        m_state.efer != m_seen_efer)
        flush_translations(false);
    m_seen_cr0 = m_state.cr0;
    m_seen_cr3 = m_state.cr3;
    m_seen_cr4 = m_state.cr4;
    m_seen_efer = m_state.efer;
    sync_from_state();
}

void Cpu::derive_mode() {
    set_mode_from_state();
    refresh_derived();
}

// The hardware's rule: real mode without CR0.PE; 64-bit mode when long mode is active
// and CS.L is set; otherwise CS.D picks 32- or 16-bit code.
void Cpu::set_mode_from_state() {
    const u16 cs = m_state.seg[static_cast<unsigned>(Seg::Cs)].attr;
    CpuMode mode = CpuMode::Real;
    if (m_state.cr0 & cr0::PE) {
        if ((m_state.efer & efer::LMA) && (cs & seg_attr::Long))
            mode = CpuMode::Long64;
        else
            mode = (cs & seg_attr::DefBig) ? CpuMode::Protected32 : CpuMode::Protected16;
    }
    if (mode != m_mode) {
        m_mode = mode;
        m_code.clear();  // decoded instructions depend on the mode
    }
}

void Cpu::sync_from_state() {
    if (m_state.rflags != m_exported_rflags) set_rflags(m_state.rflags);
    // Whoever changed the paging or mode configuration between calls (a loader, a
    // snapshot restore) gets what a MOV to CR0/CR3/CR4 or WRMSR EFER would have done.
    // Only CR0 and EFER decide the mode (CR4 feature bits, such as OSFXSR set by the
    // differential tester with a forced mode, must not re-derive it).
    const bool paging_changed = m_state.cr3 != m_seen_cr3 || m_state.cr4 != m_seen_cr4;
    if (m_state.cr0 != m_seen_cr0 || m_state.efer != m_seen_efer) {
        flush_translations(false);
        set_mode_from_state();
    } else if (paging_changed) {
        flush_translations(false);
    }
    // PAE paging set up from outside: its PDPTEs come from the new CR3 (entries with
    // reserved bits are kept and fault at the walk, there being no MOV to fail).
    if ((paging_changed || m_state.cr0 != m_seen_cr0) && (m_state.cr0 & cr0::PG) && (m_state.cr4 & cr4::PAE) &&
        !(m_state.efer & efer::LMA))
        load_pdptes(m_state.cr3, BadPdptes::Keep);
    m_seen_cr0 = m_state.cr0;
    m_seen_cr3 = m_state.cr3;
    m_seen_cr4 = m_state.cr4;
    m_seen_efer = m_state.efer;
    refresh_derived();
    // Between runs nothing executes: dropped code pages can be freed.
    if (m_code.epoch() != m_cur_epoch) refresh_code_page();
}

void Cpu::refresh_derived() {
    const bool is64 = m_mode == CpuMode::Long64;
    // Limits and types are checked in protected mode outside 64-bit mode (not in real
    // mode, nor in a mode forced by set_mode() without CR0.PE).
    const bool checked = !is64 && m_mode != CpuMode::Real && (m_state.cr0 & cr0::PE);
    m_seg_checks = checked;
    for (unsigned s = 0; s < kSegCount; ++s) {
        m_seg_base[s] = (is64 && s < static_cast<unsigned>(Seg::Fs)) ? 0 : m_state.seg[s].base;
        set_segment_window(s, checked);
    }
    m_lin_mask = is64 ? ~u64{0} : 0xffffffff;
    const bool code16 = m_mode == CpuMode::Real || m_mode == CpuMode::Protected16;
    m_ip_mask = is64 ? ~u64{0} : code16 ? 0xffff : 0xffffffff;
    const bool big_stack = m_state.seg[kSs].attr & seg_attr::DefBig;
    m_stack_size = is64 ? 8 : big_stack ? 4 : 2;
    // CPL is SS.DPL (as in a VMCS): it is right for conforming code segments too.
    const unsigned cpl =
        m_mode == CpuMode::Real ? 0 : (m_state.seg[kSs].attr & seg_attr::Dpl) >> seg_attr::DplShift;
    if (cpl != m_cpl) {
        m_cpl = cpl;
        m_tlb_priv = cpl == 3 ? kUserTag : 0;
        m_cur_code_tag = 1;  // the code page's translation was checked for the old CPL
    }
}

// What linear() lets through without a look: writable data segments, between their
// first and last valid offsets less the widest access. That is 512 bytes (FXSAVE):
// handlers add offsets to an address linear() returned, up to that far.
void Cpu::set_segment_window(unsigned s, bool checked) {
    constexpr u64 kEvery = u64{1} << 63;  // lo for segments whose accesses all get a look
    m_seg_lo[s] = 0;
    m_seg_span[s] = ~u64{0};
    if (!checked) return;
    const SegmentState& v = m_state.seg[s];
    constexpr u16 kind = seg_attr::Present | seg_attr::S | desc::Code | desc::Writable;
    m_seg_lo[s] = kEvery;
    m_seg_span[s] = 0;
    if ((v.attr & kind) != (seg_attr::Present | seg_attr::S | desc::Writable)) return;
    const bool down = v.attr & desc::Conforming;  // expand-down
    const u64 first = down ? u64{v.limit} + 1 : 0;
    const u64 last = !down ? v.limit : (v.attr & seg_attr::DefBig) ? 0xffffffff : 0xffff;
    if (last < first + kWidestAccess - 1) return;
    m_seg_lo[s] = first;
    m_seg_span[s] = last - (kWidestAccess - 1) - first;
}

void Cpu::sync_to_state() { m_state.rflags = m_exported_rflags = m_flags.value(); }

void Cpu::refresh_code_page() {
    m_cur_code = nullptr;
    m_cur_code_tag = 1;
    m_cur_epoch = m_code.epoch();
    m_code.collect();
}

u64 Cpu::tsc() const {
    const auto ns = static_cast<unsigned __int128>(monotonic_ns() - m_tsc_epoch_ns);
    return static_cast<u64>(ns * m_model.tsc_hz / 1'000'000'000u) + m_state.tsc_offset;
}

void Cpu::invalidate_code(u64 gpa, u64 len) {
    if (len == 0) return;
    const u64 last = (gpa + len - 1) & ~kPageMask;
    for (u64 page = gpa & ~kPageMask;; page += kPageSize) {
        m_code.invalidate_page(page);
        if (page == last) break;
    }
}

// Finds or decodes the instruction at linear address `lin`. Slow path of the loop below:
// runs on a page change or the first execution of an instruction. Decoded code is kept
// by physical page, looked up after translating the linear page, so a changed mapping
// never runs stale code.
Insn* Cpu::fetch_decoded(u64 lin, Event& ev) {
    if (m_mode == CpuMode::Long64 && !canonical(lin)) {
        ev = Event::exception(Vector::GP, 0);
        return nullptr;
    }
    const u64 page = lin & ~kPageMask;
    const auto offset = static_cast<unsigned>(lin & kPageMask);
    u8* host = nullptr;
    u64 phys = 0;
    if (!map_page(lin, Access::Fetch, host, phys)) {
        ev = m_fault;
        return nullptr;
    }
    CodePage* cp = nullptr;
    if (host != nullptr) {
        if (!m_code.contains(phys)) {
            evict_code_page_writes(phys);  // writes must see the code
            m_bus.code_page_added(phys);
        }
        cp = &m_code.get_or_create(phys);
        m_cur_code = cp;
        m_cur_code_tag = page;
        if (Insn* in = cp->find(offset)) return in;
    } else {
        m_cur_code_tag = 1;  // MMIO: never cached
    }

    // Gather up to 15 bytes, stopping at the first byte that cannot be fetched.
    u8 buf[kMaxInsnLen];
    unsigned n = 0;
    Event miss = Event::page_fault(lin, pf_error::Fetch);
    bool next_contiguous = true;  // the second page, if any, is RAM right after the first
    while (n < kMaxInsnLen) {
        const u64 a = (lin + n) & m_lin_mask;
        const auto want = static_cast<unsigned>(std::min<u64>(kMaxInsnLen - n, kPageSize - (a & kPageMask)));
        u8* h = host;
        u64 ph = phys;
        if (n > 0) {
            if (m_mode == CpuMode::Long64 && !canonical(a)) {
                miss = Event::exception(Vector::GP, 0);
                break;
            }
            if (!map_page(a, Access::Fetch, h, ph)) {
                miss = m_fault;
                break;
            }
            next_contiguous = h != nullptr && ph == phys + kPageSize;
        }
        if (h != nullptr) {
            std::memcpy(buf + n, h + (a & kPageMask), want);
        } else if (!m_bus.mmio_read(ph | (a & kPageMask), std::span<u8>(buf + n, want))) {
            if (!(m_state.cr0 & cr0::PG)) {
                miss = Event::page_fault(a, pf_error::Fetch);
                break;
            }
            std::memset(buf + n, 0xff, want);
        }
        n += want;
    }
    if (n == 0) {
        ev = miss;
        return nullptr;
    }

    Insn insn;
    switch (decode(m_mode, std::span<const u8>(buf, n), insn)) {
    case DecodeStatus::Ok: break;
    case DecodeStatus::Invalid: ev = Event::exception(Vector::UD); return nullptr;
    case DecodeStatus::TooLong: ev = Event::exception(Vector::GP, 0); return nullptr;
    case DecodeStatus::NeedBytes: ev = miss; return nullptr;
    }
    const bool spills = offset + insn.len > kPageSize;
    if (cp == nullptr || (spills && !next_contiguous)) {
        // Not cacheable: MMIO, or a tail on a page mapped elsewhere (the code cache can
        // only tie a page to its physical successor). Decoded on every execution.
        m_uncached = insn;
        return &m_uncached;
    }
    if (spills) {
        // The tail lives on the next page: writes there must drop this instruction too.
        const u64 next = phys + kPageSize;
        cp->spills_into_next = true;
        if (!m_code.contains(next)) {
            evict_code_page_writes(next);
            m_bus.code_page_added(next);
        }
        m_code.get_or_create(next);
    }
    return &cp->add(offset, insn);
}

// Outside 64-bit mode an instruction must end within CS's limit (#GP(0)). Only the page
// holding the limit can have instructions that cross it; it stays off the loop's
// same-page fast path, so that every instruction there is checked here.
bool Cpu::fetch_within_limit(u64 page, const Insn& in) {
    constexpr auto kCs = static_cast<unsigned>(Seg::Cs);
    if (m_seg_span[kCs] == ~u64{0}) return true;  // not checked: 64-bit or real mode
    const SegmentState& cs = m_state.seg[kCs];
    if ((((cs.base + cs.limit) & m_lin_mask) & ~kPageMask) == page) m_cur_code_tag = 1;
    if ((m_state.rip & 0xffffffff) + in.len - 1 > cs.limit) return fail(Event::exception(Vector::GP, 0));
    return true;
}

// The interpreter loop: written for speed. Per instruction on the fast path: one compare
// for "same code page", one slot load, an indirect call, a budget test and an epoch test.
// RIP is advanced before the handler runs, so branches simply overwrite it and
// RIP-relative operands see the next instruction's address; a fault puts it back.
Event Cpu::run(u64 max_insns) {
    sync_from_state();
    Event ev = Event::none();
    u64 n = 0;
    // A fault retires nothing but still uses up one unit of the budget: a guest whose
    // handler faults again and again (hardware would loop there forever too) must not
    // keep run() from returning to its caller, which polls for stop requests between runs.
    u64 budget = max_insns;
    if ((m_attention || m_halted) && !service_attention(ev)) budget = 0;  // still halted, or shut down
    while (n < budget) {
        const u64 rip = m_state.rip;
        const u64 lin = (m_seg_base[static_cast<unsigned>(Seg::Cs)] + rip) & m_lin_mask;
        Insn* in = nullptr;
        if ((lin & ~kPageMask) == m_cur_code_tag) [[likely]]
            in = m_cur_code->find(static_cast<unsigned>(lin & kPageMask));
        if (in == nullptr) [[unlikely]] {
            in = fetch_decoded(lin, ev);
            if (in != nullptr && !fetch_within_limit(lin & ~kPageMask, *in)) {
                in = nullptr;
                ev = m_fault;
            }
            if (in == nullptr) {
                --budget;
                if (!after_event(ev)) break;
                continue;
            }
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
                --budget;
            } else {
                ++n;  // HLT and software interrupts complete
            }
            if (!after_event(ev)) break;
            continue;
        }
        ++n;
        if (m_code.epoch() != m_cur_epoch || m_attention) [[unlikely]] {
            if (m_code.epoch() != m_cur_epoch) refresh_code_page();
            if (m_attention) {
                if (m_shadow > 0) --m_shadow;
                if (!service_attention(ev)) break;
            }
        }
    }
    m_retired += n;
    if (m_code.epoch() != m_cur_epoch) refresh_code_page();
    sync_to_state();
    return ev;
}

}  // namespace flint::x86
