// The SIGUSR1 report of the software back end: what each vCPU and the interrupt and timer
// hardware are doing, for a guest that stopped making progress. Each vCPU logs from its
// own thread (its interpreter state is not safe to read from another); the VM-wide models
// lock themselves.
#include <string>

#include "base/log.h"
#include "hv/soft/bitmap256.h"
#include "hv/soft/ioapic_regs.h"
#include "hv/soft/soft_vcpu.h"
#include "hv/soft/soft_vm.h"

namespace flint::soft {

namespace {

std::string vectors(const Bitmap256& b) {
    std::string out;
    for (unsigned v = 0; v < 256; ++v)
        if (bitmap::test(b, static_cast<u8>(v))) out += fmt::format("{}{:#x}", out.empty() ? "" : ",", v);
    return out.empty() ? "-" : out;
}

std::string in_ms(u64 deadline_ns, u64 now_ns) {
    if (deadline_ns == kNoDeadline) return "none";
    if (deadline_ns <= now_ns) return "due";
    return fmt::format("in {:.3f} ms", static_cast<double>(deadline_ns - now_ns) / 1e6);
}

}  // namespace

void SoftVcpu::request_report() {
    m_report_requested.store(true);
    kick();
}

void SoftVcpu::log_report() {
    const x86::CpuState& st = m_cpu->state();
    const u64 now = m_vm.now_ns();
    spdlog::warn("report: vCPU {}: {} RIP {:#x} CS {:#x} RSP {:#x} RFLAGS {:#x} (interrupts {}) CR3 {:#x}, "
                 "{} instructions retired",
                 m_index, !m_started ? "waiting for start-up" : m_cpu->halted() ? "halted" : "running", st.rip,
                 st.seg[static_cast<unsigned>(x86::Seg::Cs)].selector, st.gpr[static_cast<unsigned>(x86::Reg::Rsp)],
                 m_cpu->rflags(), m_cpu->interrupts_enabled() ? "enabled" : "blocked", st.cr3, m_cpu->retired());
    const LocalApicState a = m_apic->save();
    spdlog::warn("report: vCPU {}: APIC TPR {:#x} PPR {:#x} IRR {} ISR {} SVR {:#x} timer LVT {:#x} initial {} "
                 "TSC deadline {:#x}; next timer {}; deliverable now: {}",
                 m_index, a.tpr, m_apic->processor_priority(), vectors(a.irr), vectors(a.isr), a.svr,
                 a.lvt[static_cast<unsigned>(Lvt::Timer)], a.timer_initial, a.tsc_deadline,
                 in_ms(m_irq->next_deadline_ns(), now), m_irq->has_interrupt() ? "yes" : "no");
}

void SoftVm::log_report() const {
    const Pic8259PairState pic = m_chip.pic().save();
    spdlog::warn("report: PIC master IRR {:#04x} ISR {:#04x} IMR {:#04x}, slave IRR {:#04x} ISR {:#04x} IMR {:#04x}; "
                 "INT {}; PIT next tick {}",
                 pic.master.irr, pic.master.isr, pic.master.imr, pic.slave.irr, pic.slave.isr, pic.slave.imr,
                 m_chip.pic().has_interrupt() ? "high" : "low", in_ms(m_pit.next_deadline_ns(), now_ns()));
    const IoApicState io = m_chip.ioapic().save();
    std::string pins;
    for (unsigned pin = 0; pin < io.entries.size(); ++pin) {
        const u64 e = io.entries[pin];
        if (e & ioapic::kMasked) continue;
        pins += fmt::format(" {}:{:#x}{}", pin, e & 0xff, (e & ioapic::kRemoteIrr) ? "(remote IRR)" : "");
    }
    spdlog::warn("report: IOAPIC unmasked pins (pin:vector):{}", pins.empty() ? " none" : pins);
    spdlog::warn("report: APIC bus messages no APIC took: {}; MSIs dropped as not interrupts: {}",
                 m_apic_bus.undelivered(), m_dropped_msis.load(std::memory_order_relaxed));
}

}  // namespace flint::soft
