#include "hv/soft/local_apic.h"

#include <utility>

#include "base/bits.h"
#include "hv/soft/bitmap256.h"

namespace flint::soft {

namespace {
constexpr u8 kFirstLegalVector = 16;
constexpr u32 kPriorityClass = 0xf0;
constexpr u32 kLvtLint0ExtInt = static_cast<u32>(DeliveryMode::ExtInt) << apic::kLvtDeliveryShift;
constexpr u32 kLvtLint1Nmi = static_cast<u32>(DeliveryMode::Nmi) << apic::kLvtDeliveryShift;
}  // namespace

LocalApic::LocalApic(const Config& config, MonotonicClock clock, TscClock tsc,
                     InterruptSink* sink, EoiListener* eoi)
    : m_config(config), m_clock(std::move(clock)), m_tsc(std::move(tsc)), m_sink(sink), m_eoi(eoi) {
    m_s.id = config.apic_id;
    m_s.apic_base = kLocalApicBase | apic::kBaseEnable | (config.bsp ? apic::kBaseBsp : 0);
    reset_registers();
    if (config.reset_as == ResetAs::VirtualWire) {
        // What PC firmware leaves behind: the 8259A reaches the core through LINT0 and
        // the NMI pin through LINT1, so a guest that never touches the APIC still works.
        m_s.svr = apic::kSvrEnable | 0xff;
        m_s.lvt[static_cast<unsigned>(Lvt::Lint0)] = kLvtLint0ExtInt;
        m_s.lvt[static_cast<unsigned>(Lvt::Lint1)] = kLvtLint1Nmi;
    }
}

void LocalApic::reset_registers() {
    const u32 id = m_s.id;
    const u64 base = m_s.apic_base;
    m_s = LocalApicState{};
    m_s.id = id;
    m_s.apic_base = base;
    m_s.lvt.fill(apic::kLvtMasked);
}

bool LocalApic::hw_enabled() const { return (m_s.apic_base & apic::kBaseEnable) != 0; }
bool LocalApic::sw_enabled() const { return hw_enabled() && (m_s.svr & apic::kSvrEnable); }

u32 LocalApic::ppr() const {
    const int isrv = bitmap::highest(m_s.isr);
    const u32 isr_class = isrv < 0 ? 0 : static_cast<u32>(isrv) & kPriorityClass;
    return (m_s.tpr & kPriorityClass) >= isr_class ? (m_s.tpr & 0xff) : isr_class;
}

int LocalApic::pending_locked() const {
    if (!sw_enabled()) return -1;  // requests are held while the APIC is disabled
    const int irrv = bitmap::highest(m_s.irr);
    if (irrv < 0 || (static_cast<u32>(irrv) & kPriorityClass) <= (ppr() & kPriorityClass)) return -1;
    return irrv;
}

void LocalApic::signal_error(u32 esr_bits) {
    m_s.esr_pending |= esr_bits;
    const u32 lvt = m_s.lvt[static_cast<unsigned>(Lvt::Error)];
    const auto vector = static_cast<u8>(lvt & apic::kLvtVectorMask);
    // An illegal error vector would report itself forever; it is only recorded.
    if (!(lvt & apic::kLvtMasked) && vector >= kFirstLegalVector) accept_locked(vector, TriggerMode::Edge);
}

void LocalApic::accept_locked(u8 vector, TriggerMode trigger) {
    if (!hw_enabled()) return;
    if (vector < kFirstLegalVector) {
        signal_error(apic::kEsrReceiveIllegalVector);
        return;
    }
    bitmap::set(m_s.irr, vector);
    if (trigger == TriggerMode::Level) {
        bitmap::set(m_s.tmr, vector);
    } else {
        bitmap::clear(m_s.tmr, vector);
    }
}

void LocalApic::accept(u8 vector, TriggerMode trigger) {
    std::lock_guard lock(m_mutex);
    accept_locked(vector, trigger);
}

void LocalApic::accept_message(const InterruptMessage& msg) {
    std::lock_guard lock(m_mutex);
    if (!hw_enabled()) return;
    switch (msg.delivery) {
        case DeliveryMode::Fixed:
        case DeliveryMode::LowestPriority: accept_locked(msg.vector, msg.trigger); return;
        case DeliveryMode::Nmi: m_s.nmi_pending = true; return;
        case DeliveryMode::Init: m_s.init_pending = true; return;
        case DeliveryMode::Startup: m_s.sipi_vector = msg.vector; return;
        case DeliveryMode::ExtInt: m_s.extint_pending = true; return;
        case DeliveryMode::Smi: break;
    }
    m_errors.note("delivery mode {} not supported", static_cast<unsigned>(msg.delivery));
}

u32 LocalApic::id() const {
    std::lock_guard lock(m_mutex);
    return m_s.id;
}

u32 LocalApic::processor_priority() const {
    std::lock_guard lock(m_mutex);
    return ppr();
}

int LocalApic::pending_vector() const {
    std::lock_guard lock(m_mutex);
    return pending_locked();
}

u8 LocalApic::acknowledge() {
    std::lock_guard lock(m_mutex);
    const int v = pending_locked();
    if (v < 0) return static_cast<u8>(m_s.svr & 0xff);  // spurious: no ISR bit
    bitmap::clear(m_s.irr, static_cast<u8>(v));
    bitmap::set(m_s.isr, static_cast<u8>(v));
    return static_cast<u8>(v);
}

bool LocalApic::take_nmi() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_s.nmi_pending, false);
}

bool LocalApic::take_init() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_s.init_pending, false);
}

std::optional<u8> LocalApic::take_sipi() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_s.sipi_vector, std::nullopt);
}

bool LocalApic::accepts_pic_interrupts() const {
    std::lock_guard lock(m_mutex);
    if (!hw_enabled() || m_s.extint_pending) return true;
    const u32 lint0 = m_s.lvt[static_cast<unsigned>(Lvt::Lint0)];
    const auto mode = static_cast<DeliveryMode>((lint0 >> apic::kLvtDeliveryShift) & 7);
    return !(lint0 & apic::kLvtMasked) && mode == DeliveryMode::ExtInt;
}

void LocalApic::pic_interrupt_acknowledged() {
    std::lock_guard lock(m_mutex);
    m_s.extint_pending = false;
}

void LocalApic::reset_for_init() {
    std::lock_guard lock(m_mutex);
    reset_registers();
}

u64 LocalApic::apic_base() const {
    std::lock_guard lock(m_mutex);
    return m_s.apic_base;
}

bool LocalApic::set_apic_base(u64 value) {
    std::lock_guard lock(m_mutex);
    constexpr u64 kWritable = apic::kBaseEnable | apic::kBaseAddressMask;
    if (value & ~(kWritable | apic::kBaseBsp | apic::kBaseX2Apic)) return false;
    if (value & apic::kBaseX2Apic) return false;  // FIXME: x2APIC mode
    if ((value & apic::kBaseAddressMask) != kLocalApicBase) {
        m_errors.note("APIC base moved to {:#x}; the page stays at 0xfee00000", value);
    }
    const bool was_enabled = hw_enabled();
    m_s.apic_base = (m_s.apic_base & ~kWritable) | (value & kWritable);
    // A global disable returns the APIC to its power-on state.
    if (was_enabled && !hw_enabled()) reset_registers();
    return true;
}

LocalApicState LocalApic::save() const {
    std::lock_guard lock(m_mutex);
    return m_s;
}

void LocalApic::restore(const LocalApicState& state) {
    std::lock_guard lock(m_mutex);
    m_s = state;
}

u64 LocalApic::guest_errors() const {
    std::lock_guard lock(m_mutex);
    return m_errors.count();
}

void LocalApic::finish(const Deferred& out) {
    if (out.eoi_vector && m_eoi) m_eoi->end_of_interrupt(*out.eoi_vector);
    if (out.ipi && m_sink) m_sink->deliver(*out.ipi);
}

}  // namespace flint::soft
