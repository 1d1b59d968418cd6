#pragma once
// The software back end: Flint's own x86-64 CPU (src/x86) with the PC interrupt and timer
// hardware that KVM would otherwise keep in the kernel (PIC pair, PIT, IOAPIC, one local
// APIC per vCPU). Port I/O and MMIO that these do not claim reach the VMM's buses as
// plain calls from the vCPU thread.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "devices/bus.h"
#include "hv/hypervisor.h"
#include "hv/soft/apic_bus.h"
#include "hv/soft/pit8254.h"
#include "hv/soft/soft_irq_chip.h"

namespace flint::soft {

class SoftVcpu;

class SoftHypervisor final : public hv::Hypervisor {
public:
    hv::Accel accel() const override { return hv::Accel::Soft; }
    Result<std::unique_ptr<hv::Vm>> create_vm() override;
    // The TSC rate the vCPUs run at. Linux reads it from CPUID only on the CPU vendors it
    // knows, and calibrating against the PIT fails on a busy host (an interpreter gets
    // descheduled between the reads): the loader passes it on the command line instead.
    static u64 guest_tsc_khz();
};

class SoftVm final : public hv::Vm {
public:
    SoftVm();
    ~SoftVm() override;

    Result<void> set_memory(const GuestMemory& memory) override;
    Result<std::unique_ptr<hv::Vcpu>> create_vcpu(u32 index, u32 count) override;
    Result<std::shared_ptr<IrqLine>> irq_line(u32 gsi) override;
    void signal_msi(u64 address, u32 data) override;
    void attach_io(const Bus* pio, const Bus* mmio) override;
    void note_guest_write(u64 gpa, u64 len) override;
    void log_report() const override;  // soft_report.cpp
    // Decoded-code bookkeeping across vCPU threads: a vCPU began decoding code of RAM page
    // `page`; `writer` (nullptr: a device) mapped `page` for writing, so the other vCPUs
    // must drop what they decoded there.
    void note_code_page(u64 page);
    void code_page_written(u64 page, const SoftVcpu* writer);
    // When the VM was created, in steady_clock nanoseconds: where every vCPU's TSC starts.
    i64 start_steady_ns() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(m_start.time_since_epoch()).count();
    }

    // Nanoseconds since the VM was created: the clock of every timer model.
    u64 now_ns() const;

    // What a vCPU asks for the accesses it cannot answer itself.
    const GuestMemory* memory() const { return m_memory; }
    bool platform_port_read(u16 port, std::span<u8> data) const { return m_platform_pio.read(port, data); }
    bool platform_port_write(u16 port, std::span<const u8> data) const { return m_platform_pio.write(port, data); }
    const Bus* pio() const { return m_pio; }
    const Bus* mmio() const { return m_mmio; }
    IoApic& ioapic() { return m_chip.ioapic(); }
    Pic8259Pair& pic() { return m_chip.pic(); }
    Pit8254& pit() { return m_pit; }
    ApicBus& apic_bus() { return m_apic_bus; }

    // Wakes every vCPU that sleeps in HLT (an interrupt line changed).
    void kick_all();
    // A vCPU going away stops receiving kicks.
    void forget_vcpu(SoftVcpu* vcpu);

private:
    std::chrono::steady_clock::time_point m_start;
    const GuestMemory* m_memory = nullptr;
    const Bus* m_pio = nullptr;
    const Bus* m_mmio = nullptr;
    ApicBus m_apic_bus;
    SoftIrqChip m_chip;
    Pit8254 m_pit;
    Bus m_platform_pio{"soft platform ports"};
    std::mutex m_vcpus_mutex;
    // One flag per guest-physical page: some vCPU may hold decoded code of it. Set on
    // decode, cleared when a write is announced to the vCPUs.
    std::unique_ptr<std::atomic<u8>[]> m_code_pages;
    u64 m_code_page_count = 0;
    std::vector<SoftVcpu*> m_vcpus;
    std::atomic<u64> m_dropped_msis{0};
    std::atomic<bool> m_msi_warned{false};
};

}  // namespace flint::soft
