// Local APIC register file: reads, writes, EOI, the ICR, destination matching, and the
// xAPIC MMIO page.
#include "base/bits.h"
#include "hv/soft/bitmap256.h"
#include "hv/soft/local_apic.h"

namespace flint::soft {

namespace {

constexpr u8 kFirstLegalVector = 16;
constexpr u8 kBroadcast = 0xff;

unsigned reg_index(ApicReg r) { return static_cast<unsigned>(r); }

bool in_bank(unsigned index, ApicReg first) {
    return index >= reg_index(first) && index < reg_index(first) + 8;
}

}  // namespace

u32 LocalApic::read_locked(ApicReg reg) const {
    const unsigned index = reg_index(reg);
    if (in_bank(index, ApicReg::Isr0)) return m_s.isr[index - reg_index(ApicReg::Isr0)];
    if (in_bank(index, ApicReg::Tmr0)) return m_s.tmr[index - reg_index(ApicReg::Tmr0)];
    if (in_bank(index, ApicReg::Irr0)) return m_s.irr[index - reg_index(ApicReg::Irr0)];
    if (index >= reg_index(ApicReg::LvtTimer) && index <= reg_index(ApicReg::LvtError)) {
        return m_s.lvt[index - reg_index(ApicReg::LvtTimer)];
    }
    switch (reg) {
        case ApicReg::Id: return m_s.id << apic::kIdShift;
        case ApicReg::Version: return apic::kVersion;
        case ApicReg::Tpr: return m_s.tpr;
        case ApicReg::Ppr: return ppr();
        case ApicReg::Ldr: return m_s.ldr;
        case ApicReg::Dfr: return m_s.dfr;
        case ApicReg::Svr: return m_s.svr;
        case ApicReg::Esr: return m_s.esr;
        case ApicReg::IcrLow: return m_s.icr_low;
        case ApicReg::IcrHigh: return m_s.icr_high;
        case ApicReg::TimerInitial: return m_s.timer_initial;
        case ApicReg::TimerCurrent: return timer_current(m_clock());
        case ApicReg::TimerDivide: return m_s.timer_divide;
        default: return 0;  // APR, RRD, EOI and reserved registers read as zero
    }
}

u32 LocalApic::read_register(ApicReg reg) {
    std::lock_guard lock(m_mutex);
    return read_locked(reg);
}

void LocalApic::write_register(ApicReg reg, u32 value) {
    Deferred out;
    {
        std::lock_guard lock(m_mutex);
        write_locked(reg, value, out);
    }
    finish(out);
}

void LocalApic::write_locked(ApicReg reg, u32 value, Deferred& out) {
    const unsigned index = reg_index(reg);
    if (index >= reg_index(ApicReg::LvtTimer) && index <= reg_index(ApicReg::LvtError)) {
        write_lvt(static_cast<Lvt>(index - reg_index(ApicReg::LvtTimer)), value);
        return;
    }
    switch (reg) {
        case ApicReg::Id: m_s.id = value >> apic::kIdShift; return;
        case ApicReg::Tpr: m_s.tpr = value & 0xff; return;
        case ApicReg::Eoi: write_eoi(out); return;
        case ApicReg::Ldr: m_s.ldr = value & apic::kLdrWritable; return;
        case ApicReg::Dfr: m_s.dfr = (value & apic::kDfrWritable) | ~apic::kDfrWritable; return;
        case ApicReg::Svr: write_svr(value); return;
        case ApicReg::Esr:
            m_s.esr = m_s.esr_pending;
            m_s.esr_pending = 0;
            return;
        case ApicReg::IcrHigh: m_s.icr_high = value & apic::kIcrHighWritable; return;
        case ApicReg::IcrLow: write_icr(value, out); return;
        case ApicReg::TimerInitial: timer_start(value); return;
        case ApicReg::TimerDivide: m_s.timer_divide = value & apic::kDivideWritable; return;
        default: m_errors.note("write {:#x} to read-only register {:#x}", value, index); return;
    }
}

void LocalApic::write_lvt(Lvt which, u32 value) {
    u32 writable = apic::kLvtOtherWritable;
    switch (which) {
        case Lvt::Timer: writable = apic::kLvtTimerWritable; break;
        case Lvt::Lint0:
        case Lvt::Lint1: writable = apic::kLvtLintWritable; break;
        case Lvt::Error: writable = apic::kLvtErrorWritable; break;
        case Lvt::Thermal:
        case Lvt::Perf: break;
    }
    u32& lvt = m_s.lvt[static_cast<unsigned>(which)];
    const ApicTimerMode old_mode = timer_mode();
    lvt = value & writable;
    if (!sw_enabled()) lvt |= apic::kLvtMasked;  // masks cannot be cleared while disabled
    if (which == Lvt::Timer && timer_mode() != old_mode) {
        // Switching between TSC-deadline and counting modes disarms the timer.
        m_s.timer_initial = 0;
        m_s.tsc_deadline = 0;
    }
}

void LocalApic::write_svr(u32 value) {
    m_s.svr = value & apic::kSvrWritable;
    if (!(m_s.svr & apic::kSvrEnable)) {
        for (u32& lvt : m_s.lvt) lvt |= apic::kLvtMasked;
    }
}

void LocalApic::write_eoi(Deferred& out) {
    const int v = bitmap::highest(m_s.isr);
    if (v < 0) return;  // EOI with nothing in service is ignored
    const auto vector = static_cast<u8>(v);
    bitmap::clear(m_s.isr, vector);
    if (bitmap::test(m_s.tmr, vector)) out.eoi_vector = vector;  // level: tell the IOAPIC
}

void LocalApic::write_icr(u32 value, Deferred& out) {
    m_s.icr_low = value & apic::kIcrLowWritable;  // delivery status always reads idle
    InterruptMessage msg;
    msg.vector = static_cast<u8>(value & 0xff);
    msg.delivery = static_cast<DeliveryMode>((value >> 8) & 7);
    msg.dest_mode = (value & apic::kIcrDestLogical) ? DestMode::Logical : DestMode::Physical;
    msg.trigger = (value & apic::kIcrLevelTrigger) ? TriggerMode::Level : TriggerMode::Edge;
    msg.shorthand = static_cast<Shorthand>((value >> apic::kIcrShorthandShift) & 3);
    msg.dest = static_cast<u8>(m_s.icr_high >> apic::kIdShift);
    msg.source_apic_id = m_s.id;
    // A level-triggered INIT with the level bit clear ("INIT de-assert") only mattered
    // to processors older than the Pentium 4; nothing to deliver.
    if (msg.delivery == DeliveryMode::Init && msg.trigger == TriggerMode::Level &&
        !(value & apic::kIcrLevelAssert)) {
        return;
    }
    const bool fixed = msg.delivery == DeliveryMode::Fixed || msg.delivery == DeliveryMode::LowestPriority;
    if (fixed && msg.vector < kFirstLegalVector) {
        signal_error(apic::kEsrSendIllegalVector);
        return;
    }
    if (msg.delivery == DeliveryMode::ExtInt || static_cast<u8>(msg.delivery) == 3) {
        m_errors.note("ICR {:#x}: reserved delivery mode", value);
        return;
    }
    if (msg.shorthand == Shorthand::Self) {
        // A self IPI never leaves the core. Only fixed delivery is defined for it.
        if (msg.delivery == DeliveryMode::Fixed) accept_locked(msg.vector, msg.trigger);
        return;
    }
    if (!m_sink) {
        m_errors.note("ICR {:#x}: no other APIC to deliver to", value);
        return;
    }
    out.ipi = msg;
}

bool LocalApic::matches(u8 dest, DestMode mode) const {
    std::lock_guard lock(m_mutex);
    if (!hw_enabled()) return false;
    if (mode == DestMode::Physical) return dest == kBroadcast || dest == (m_s.id & 0xff);
    const auto logical = static_cast<u8>(m_s.ldr >> apic::kIdShift);
    if ((m_s.dfr & apic::kDfrWritable) == apic::kDfrFlat) return (logical & dest) != 0;
    // Cluster model: high nibble selects the cluster (0xf: all), low nibble the members.
    const bool cluster = (dest >> 4) == 0xf || (dest >> 4) == (logical >> 4);
    return cluster && (dest & logical & 0x0f) != 0;
}

void LocalApic::read(u64 offset, std::span<u8> data) {
    const u64 sub = offset & 0xf;
    const u64 index = offset >> 4;
    if (sub + data.size() > 4 || index >= kApicRegCount) {
        {
            std::lock_guard lock(m_mutex);
            m_errors.note("{}-byte read at offset {:#x}", data.size(), offset);
        }
        store_le_span(data, 0);
        return;
    }
    const u32 value = read_register(static_cast<ApicReg>(index));
    store_le_span(data, value >> (8 * sub));
}

void LocalApic::write(u64 offset, std::span<const u8> data) {
    const u64 index = offset >> 4;
    if ((offset & 0xf) != 0 || data.size() != 4 || index >= kApicRegCount) {
        std::lock_guard lock(m_mutex);
        m_errors.note("{}-byte write at offset {:#x}", data.size(), offset);
        return;
    }
    write_register(static_cast<ApicReg>(index), static_cast<u32>(load_le_span(data)));
}

}  // namespace flint::soft
