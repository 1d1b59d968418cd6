#pragma once
// One local APIC in xAPIC mode (Intel SDM vol. 3, ch. 11): IRR/ISR/TMR, task and
// processor priority, EOI (broadcast to the IOAPIC for level-triggered vectors), the
// spurious-vector register, the error status register, IPIs through the ICR, and the
// local vector table with the timer (one-shot, periodic, TSC deadline).
//
// The CPU side (see VcpuIrqPort) uses: pending_vector()/acknowledge() for fixed
// interrupts, take_nmi()/take_init()/take_sipi() for the other delivery modes,
// accepts_pic_interrupts() to know when the 8259A's INTR reaches the core (LINT0 in
// ExtINT mode, an ExtINT message, or the APIC globally disabled), and
// next_deadline_ns()/advance() for the timer.
//
// Each vCPU sees its own APIC at 0xfee00000, so the CPU routes that page to its APIC
// (the VM-wide bus cannot); this class is a BusDevice for that page. x2APIC: registers
// are addressed by index (ApicReg), so MSR access can reuse read_register() and
// write_register(); FIXME: the 64-bit ICR, the 32-bit ID and SELF IPI of x2APIC mode.
//
// Thread safety: one mutex per APIC. accept_message() comes from other threads (IOAPIC,
// IPIs); the rest from the owning vCPU. Messages to the sink and EOI broadcasts to the
// listener are sent after the mutex is released.
#include <array>
#include <mutex>
#include <optional>
#include <span>

#include "base/types.h"
#include "devices/bus.h"
#include "hv/soft/clock.h"
#include "hv/soft/guest_error.h"
#include "hv/soft/interrupt_types.h"
#include "hv/soft/local_apic_regs.h"

namespace flint::soft {

using Bitmap256 = std::array<u32, 8>;  // as the ISR/TMR/IRR register banks lay it out

// Everything a snapshot must carry.
struct LocalApicState {
    u64 apic_base = 0;
    u32 id = 0;  // APIC ID (not shifted)
    u32 tpr = 0;
    u32 ldr = 0;
    u32 dfr = 0xffff'ffff;
    u32 svr = 0xff;
    u32 esr = 0;
    u32 esr_pending = 0;
    u32 icr_low = 0;
    u32 icr_high = 0;
    Bitmap256 isr{};
    Bitmap256 tmr{};
    Bitmap256 irr{};
    std::array<u32, kLvtCount> lvt{};
    u32 timer_initial = 0;
    u32 timer_divide = 0;
    u64 timer_start_ns = 0;
    u64 timer_periods_done = 0;  // expirations already handled since timer_start_ns
    u64 tsc_deadline = 0;        // IA32_TSC_DEADLINE; 0 = disarmed
    bool nmi_pending = false;
    bool init_pending = false;
    bool extint_pending = false;
    std::optional<u8> sipi_vector;
};

class LocalApic final : public BusDevice {
public:
    enum class ResetAs : u8 {
        PowerOn,      // as the silicon comes up: software-disabled, all LVTs masked
        VirtualWire,  // as PC firmware leaves the BSP: enabled, LINT0 ExtINT, LINT1 NMI
    };
    struct Config {
        u32 apic_id = 0;
        bool bsp = false;
        ResetAs reset_as = ResetAs::PowerOn;
        u64 timer_hz = 1'000'000'000;  // the APIC timer's input clock before the divider
        u64 tsc_hz = 1'000'000'000;    // to turn a TSC deadline into nanoseconds
    };
    using TscClock = std::function<u64()>;

    // `sink` carries IPIs, `eoi` receives level-triggered EOIs; either may be null.
    LocalApic(const Config& config, MonotonicClock clock, TscClock tsc, InterruptSink* sink,
              EoiListener* eoi);

    // ---- Interrupt acceptance (from ApicBus, the LVT, or the APIC itself) ----
    void accept_message(const InterruptMessage& msg);
    void accept(u8 vector, TriggerMode trigger);
    bool matches(u8 dest, DestMode mode) const;
    u32 id() const;
    u32 processor_priority() const;  // for lowest-priority arbitration

    // ---- CPU side ----
    // The highest IRR vector whose class is above PPR, or -1 (also while disabled).
    int pending_vector() const;
    // INTA: moves that vector from IRR to ISR and returns it; returns the spurious vector
    // (setting nothing) when none is deliverable any more.
    u8 acknowledge();
    bool take_nmi();
    bool take_init();
    std::optional<u8> take_sipi();
    bool accepts_pic_interrupts() const;
    void pic_interrupt_acknowledged();  // consumes a pending ExtINT message
    // INIT: back to the power-on state, keeping the APIC ID and base.
    void reset_for_init();

    // ---- Timer ----
    u64 next_deadline_ns() const;
    void advance(u64 now_ns);
    u64 tsc_deadline() const;
    void set_tsc_deadline(u64 tsc);
    u64 timer_missed() const;

    // ---- MSR and register access ----
    u64 apic_base() const;
    // Returns false for values the CPU must refuse with #GP (x2APIC enable, reserved bits).
    [[nodiscard]] bool set_apic_base(u64 value);
    u32 read_register(ApicReg reg);
    void write_register(ApicReg reg, u32 value);
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    LocalApicState save() const;
    void restore(const LocalApicState& state);
    u64 guest_errors() const;

private:
    // Work to do once the mutex is released.
    struct Deferred {
        std::optional<InterruptMessage> ipi;
        std::optional<u8> eoi_vector;
    };

    // The helpers below require m_mutex.
    void reset_registers();
    bool hw_enabled() const;
    bool sw_enabled() const;
    u32 ppr() const;
    int pending_locked() const;
    void accept_locked(u8 vector, TriggerMode trigger);
    void signal_error(u32 esr_bits);
    u32 read_locked(ApicReg reg) const;
    void write_locked(ApicReg reg, u32 value, Deferred& out);
    void write_lvt(Lvt which, u32 value);
    void write_svr(u32 value);
    void write_eoi(Deferred& out);
    void write_icr(u32 value, Deferred& out);
    void finish(const Deferred& out);
    // Timer (local_apic_timer.cpp).
    ApicTimerMode timer_mode() const;
    u64 timer_divisor() const;
    u64 timer_period_ns() const;
    u32 timer_current(u64 now_ns) const;
    void timer_start(u32 initial);
    void timer_fire(u64 expirations);

    mutable std::mutex m_mutex;
    Config m_config;
    MonotonicClock m_clock;
    TscClock m_tsc;
    InterruptSink* m_sink;
    EoiListener* m_eoi;
    LocalApicState m_s;
    u64 m_timer_missed = 0;
    GuestErrorCounter m_errors{"lapic"};
};

}  // namespace flint::soft
