#pragma once
// One vCPU of the software back end: a thread runs the interpreter in blocks, and
// between blocks advances the timers and takes interrupts. HLT sleeps until the next
// timer deadline or a kick, so an idle guest costs no host CPU.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "hv/hypervisor.h"
#include "hv/soft/local_apic.h"
#include "hv/soft/vcpu_irq_port.h"
#include "x86/bus.h"
#include "x86/cpu.h"
#include "x86/msr.h"

namespace flint::soft {

class SoftVm;

class SoftVcpu final : public hv::Vcpu, private x86::Bus, private x86::MsrDelegate {
public:
    SoftVcpu(SoftVm& vm, u32 index, u32 count);
    ~SoftVcpu() override;

    u32 index() const override { return m_index; }
    Result<void> set_state(const hv::CpuState& state) override;
    Result<hv::CpuState> get_state() override;
    Result<hv::VcpuExit> run() override;
    void request_exit() override;
    void request_report() override;

    LocalApic& apic() { return *m_apic; }
    // The vCPU whose run() the calling thread is in, or nullptr.
    static SoftVcpu* current();
    // Drops code this vCPU decoded from [gpa, gpa+len); call from its own thread only.
    void invalidate_code(u64 gpa, u64 len);
    // Wakes the vCPU if it sleeps in HLT or waits for a start-up IPI.
    void kick();
    // From another thread: guest-physical page `page` was written; drop what this vCPU
    // decoded there before it runs its next block.
    void post_invalidation(u64 page);

private:
    // x86::Bus: what the interpreter reaches outside its own state.
    u8* ram_page(u64 page) override;
    bool mmio_read(u64 addr, std::span<u8> data) override;
    bool mmio_write(u64 addr, std::span<const u8> data) override;
    bool mmio_claims(u64 addr) override;
    u32 port_in(u16 port, unsigned size) override;
    void port_out(u16 port, unsigned size, u32 value) override;
    void code_page_added(u64 page) override;
    void write_mapped(u64 page) override;
    // x86::MsrDelegate: the local APIC's MSRs.
    bool read_msr(u32 index, u64& value) override;
    bool write_msr(u32 index, u64 value) override;

    void take_interrupts();
    void drain_invalidations();
    void log_shutdown() const;
    void sample_rip();
    void log_report();  // soft_report.cpp
    void sleep_until(u64 deadline_ns);
    bool wait_for_startup();

    SoftVm& m_vm;
    u32 m_index;
    std::unique_ptr<LocalApic> m_apic;
    std::unique_ptr<x86::Cpu> m_cpu;
    std::unique_ptr<VcpuIrqPort> m_irq;
    bool m_started;  // the BSP starts at once; APs on a start-up IPI
    u64 m_next_sample_ns = 0;  // --log-level trace: when to log the guest's RIP next

    std::mutex m_sleep_mutex;
    std::condition_variable m_wake;
    bool m_kicked = false;
    std::atomic<bool> m_exit_requested{false};
    std::atomic<bool> m_report_requested{false};
    std::mutex m_invalidation_mutex;
    std::vector<u64> m_invalidations;  // pages other threads wrote, under the mutex
    std::atomic<bool> m_invalidations_pending{false};
};

}  // namespace flint::soft
