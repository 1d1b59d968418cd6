#include "hv/soft/soft_vcpu.h"

#include <chrono>

#include "base/bits.h"
#include "base/log.h"
#include "hv/soft/ioapic_regs.h"
#include "hv/soft/local_apic_regs.h"
#include "hv/soft/soft_state.h"
#include "hv/soft/soft_vm.h"
#include "x86/cpuid.h"

namespace flint::soft {

namespace {

// Instructions per interpreter block. Timers and interrupts are looked at between
// blocks: at tens of millions of instructions a second this bounds interrupt latency to
// well under a millisecond while keeping the per-block cost negligible.
constexpr u64 kBlockInstructions = 16384;

// Longest single sleep in HLT; a kick or a timer deadline usually ends it sooner.
constexpr auto kMaxSleep = std::chrono::milliseconds(100);

constexpr u32 kMsrApicBase = 0x1b;
constexpr u32 kMsrTscDeadline = 0x6e0;

bool in_page(u64 addr, u64 base, u64 size) { return addr >= base && addr - base < size; }

}  // namespace

SoftVcpu::SoftVcpu(SoftVm& vm, u32 index, u32 count) : m_vm(vm), m_index(index), m_started(index == 0) {
    (void)count;  // each vCPU is a package of its own, as the MADT lists them
    x86::CpuModel model = x86::CpuModel::flint_default();
    model.apic_id = static_cast<u8>(index);
    // This machine gives every vCPU a local APIC (below). Linux needs to be told: on a
    // hardware-reduced ACPI platform it drops the 8259 and PIT and has no timer without one.
    model.f1_edx |= x86::cpuid_bits::APIC;
    // Its timer never stops (no C-states here): with ARAT Linux trusts it in idle and runs
    // tickless, so an idle guest is not woken 250 times a second.
    model.f6_eax |= x86::cpuid_bits::ARAT;
    m_cpu = std::make_unique<x86::Cpu>(static_cast<x86::Bus&>(*this), model);
    m_cpu->set_exception_delivery(x86::Cpu::ExceptionDelivery::Guest);
    m_cpu->set_msr_delegate(this);
    m_cpu->set_tsc_epoch_ns(vm.start_steady_ns());

    LocalApic::Config config;
    config.apic_id = index;
    config.bsp = index == 0;
    // Firmware leaves the boot processor's APIC in virtual-wire mode (LINT0 ExtINT).
    config.reset_as = index == 0 ? LocalApic::ResetAs::VirtualWire : LocalApic::ResetAs::PowerOn;
    config.tsc_hz = model.tsc_hz;
    m_apic = std::make_unique<LocalApic>(config, [&vm] { return vm.now_ns(); }, [this] { return m_cpu->tsc(); },
                                         &vm.apic_bus(), &vm.ioapic());
    m_irq = std::make_unique<VcpuIrqPort>(*m_apic, index == 0 ? &vm.pic() : nullptr, index == 0 ? &vm.pit() : nullptr);
}

SoftVcpu::~SoftVcpu() { m_vm.forget_vcpu(this); }

Result<void> SoftVcpu::set_state(const hv::CpuState& state) {
    load_cpu_state(*m_cpu, state);
    return ok();
}

Result<hv::CpuState> SoftVcpu::get_state() { return save_cpu_state(*m_cpu); }

namespace {
thread_local SoftVcpu* t_current = nullptr;
}  // namespace

SoftVcpu* SoftVcpu::current() { return t_current; }

void SoftVcpu::invalidate_code(u64 gpa, u64 len) { m_cpu->invalidate_code(gpa, len); }

Result<hv::VcpuExit> SoftVcpu::run() {
    t_current = this;  // a vCPU runs on one thread only
    hv::VcpuExit exit;
    exit.kind = hv::VcpuExit::Kind::Interrupted;
    if (!m_started && !wait_for_startup()) return exit;
    for (;;) {
        if (m_exit_requested.exchange(false)) return exit;
        if (m_report_requested.exchange(false)) [[unlikely]]
            log_report();
        if (m_invalidations_pending.load(std::memory_order_acquire)) [[unlikely]]
            drain_invalidations();
        take_interrupts();
        if (m_cpu->halted()) {
            sleep_until(m_irq->next_deadline_ns());
            continue;
        }
        if (spdlog::should_log(spdlog::level::trace)) [[unlikely]]
            sample_rip();
        const x86::Event e = m_cpu->run(kBlockInstructions);
        switch (e.kind) {
        case x86::EventKind::None:
        case x86::EventKind::Halt:
            break;
        case x86::EventKind::Shutdown:
            log_shutdown();
            exit.kind = hv::VcpuExit::Kind::Shutdown;
            return exit;
        default:
            // With exceptions delivered to the guest, nothing else should come back.
            exit.kind = hv::VcpuExit::Kind::Error;
            exit.detail = static_cast<u64>(e.vector);
            return exit;
        }
    }
}

// A triple fault leaves nothing on the console: the faults that led to it, with the
// control registers, are what tells where the guest died.
void SoftVcpu::log_shutdown() const {
    const x86::CpuState& st = m_cpu->state();
    spdlog::warn("vCPU {}: triple fault at RIP {:#x} RSP {:#x} CR0 {:#x} CR2 {:#x} CR3 {:#x} CR4 {:#x} EFER {:#x}",
                 m_index, st.rip, st.gpr[static_cast<unsigned>(x86::Reg::Rsp)], st.cr0, st.cr2, st.cr3, st.cr4,
                 st.efer);
    for (const x86::Cpu::FaultRecord& f : m_cpu->shutdown_chain())
        spdlog::warn("vCPU {}:   exception {} error {:#x} at RIP {:#x} (address {:#x})", m_index,
                     static_cast<unsigned>(f.event.vector), f.event.error_code, f.rip, f.event.address);
}

// Where a guest that prints nothing spends its time: the RIP once a second, with the
// instruction count that tells a loop from progress.
void SoftVcpu::sample_rip() {
    constexpr u64 kSampleIntervalNs = 1'000'000'000;
    const u64 now = m_vm.now_ns();
    if (now < m_next_sample_ns) return;
    m_next_sample_ns = now + kSampleIntervalNs;
    const x86::CpuState& st = m_cpu->state();
    spdlog::trace("vCPU {}: RIP {:#x} RSP {:#x} RFLAGS {:#x} CR3 {:#x}, {} instructions retired", m_index, st.rip,
                  st.gpr[static_cast<unsigned>(x86::Reg::Rsp)], m_cpu->rflags(), st.cr3, m_cpu->retired());
}

void SoftVcpu::take_interrupts() {
    m_irq->advance(m_vm.now_ns());
    if (m_irq->take_nmi()) m_cpu->inject_nmi();
    if (m_cpu->interrupts_enabled() && m_irq->has_interrupt()) m_cpu->inject_external(m_irq->acknowledge());
}

void SoftVcpu::sleep_until(u64 deadline_ns) {
    std::unique_lock lock(m_sleep_mutex);
    const u64 now = m_vm.now_ns();
    if (!m_kicked && deadline_ns > now) {
        const auto wait = std::min<std::chrono::nanoseconds>(std::chrono::nanoseconds(deadline_ns - now), kMaxSleep);
        m_wake.wait_for(lock, wait, [this] { return m_kicked; });
    }
    m_kicked = false;
}

bool SoftVcpu::wait_for_startup() {
    // An application processor waits for INIT and a start-up IPI, then begins in real
    // mode at vector << 12, as on hardware.
    for (;;) {
        if (m_exit_requested.exchange(false)) return false;
        if (m_report_requested.exchange(false)) log_report();
        (void)m_apic->take_init();
        if (auto sipi = m_apic->take_sipi()) {
            hv::CpuState st;
            st.sregs.cs.selector = static_cast<u16>(*sipi << 8);
            st.sregs.cs.base = u64{*sipi} << 12;
            st.sregs.cs.type = 0xb;
            st.regs.rip = 0;
            st.sregs.cr0 = 0x10;
            for (hv::Segment* s : {&st.sregs.ds, &st.sregs.es, &st.sregs.fs, &st.sregs.gs, &st.sregs.ss}) s->type = 0x3;
            st.sregs.tr.type = 0xb;
            st.sregs.tr.s = false;
            st.sregs.ldt.type = 0x2;
            st.sregs.ldt.s = false;
            load_cpu_state(*m_cpu, st);
            m_started = true;
            return true;
        }
        sleep_until(kNoDeadline);
    }
}

// Code another vCPU (or a device) overwrote: what this vCPU decoded there goes before its
// next block. Between blocks is soon enough for what the guest does to modify code another
// CPU runs: the writer then synchronises with an IPI (text_poke's sync_core) or a
// serialising step, which this vCPU only sees at a block boundary.
void SoftVcpu::post_invalidation(u64 page) {
    std::lock_guard lock(m_invalidation_mutex);
    m_invalidations.push_back(page);
    m_invalidations_pending.store(true, std::memory_order_release);
}

void SoftVcpu::drain_invalidations() {
    std::vector<u64> pages;
    {
        std::lock_guard lock(m_invalidation_mutex);
        pages.swap(m_invalidations);
        m_invalidations_pending.store(false, std::memory_order_relaxed);
    }
    for (u64 page : pages) m_cpu->invalidate_code(page, x86::kPageSize);
}

void SoftVcpu::code_page_added(u64 page) { m_vm.note_code_page(page); }

void SoftVcpu::write_mapped(u64 page) { m_vm.code_page_written(page, this); }

void SoftVcpu::kick() {
    std::lock_guard lock(m_sleep_mutex);
    m_kicked = true;
    m_wake.notify_one();
}

void SoftVcpu::request_exit() {
    m_exit_requested.store(true);
    kick();
}

u8* SoftVcpu::ram_page(u64 page) { return m_vm.memory()->host_ptr(page, x86::kPageSize); }

bool SoftVcpu::mmio_read(u64 addr, std::span<u8> data) {
    if (in_page(addr, kLocalApicBase, x86::kPageSize)) {
        m_apic->read(addr - kLocalApicBase, data);
        return true;
    }
    if (in_page(addr, kIoApicBase, kIoApicMmioSize)) {
        m_vm.ioapic().read(addr - kIoApicBase, data);
        return true;
    }
    return m_vm.mmio() && m_vm.mmio()->read(addr, data);
}

bool SoftVcpu::mmio_write(u64 addr, std::span<const u8> data) {
    if (in_page(addr, kLocalApicBase, x86::kPageSize)) {
        m_apic->write(addr - kLocalApicBase, data);
        return true;
    }
    if (in_page(addr, kIoApicBase, kIoApicMmioSize)) {
        m_vm.ioapic().write(addr - kIoApicBase, data);
        return true;
    }
    return m_vm.mmio() && m_vm.mmio()->write(addr, data);
}

bool SoftVcpu::mmio_claims(u64) { return true; }

u32 SoftVcpu::port_in(u16 port, unsigned size) {
    u8 buf[4] = {0xff, 0xff, 0xff, 0xff};
    std::span<u8> data(buf, size);
    if (!m_vm.platform_port_read(port, data) && m_vm.pio()) (void)m_vm.pio()->read(port, data);
    return static_cast<u32>(load_le_span(data));
}

void SoftVcpu::port_out(u16 port, unsigned size, u32 value) {
    u8 buf[4];
    std::span<u8> data(buf, size);
    store_le_span(data, value);
    if (!m_vm.platform_port_write(port, data) && m_vm.pio()) (void)m_vm.pio()->write(port, data);
}

bool SoftVcpu::read_msr(u32 index, u64& value) {
    if (index == kMsrApicBase) {
        value = m_apic->apic_base();
        return true;
    }
    if (index == kMsrTscDeadline) {
        value = m_apic->tsc_deadline();
        return true;
    }
    return false;  // x2APIC is not advertised: its MSRs raise #GP, as on such a CPU
}

bool SoftVcpu::write_msr(u32 index, u64 value) {
    if (index == kMsrApicBase) return m_apic->set_apic_base(value);
    if (index == kMsrTscDeadline) {
        m_apic->set_tsc_deadline(value);
        return true;
    }
    return false;
}

}  // namespace flint::soft
