#include "hv/soft/soft_vm.h"

#include <algorithm>

#include "base/log.h"
#include "hv/soft/ioapic_regs.h"
#include "hv/soft/msi.h"
#include "hv/soft/pic8259_pair.h"
#include "hv/soft/soft_vcpu.h"
#include "x86/cpu.h"

namespace flint::soft {

namespace ports {

// The platform's own port ranges (PC/AT addresses).
constexpr u16 kPicMasterPorts = 0x20;
constexpr u16 kPicSlavePorts = 0xa0;
constexpr u16 kPicPortCount = 2;
constexpr u16 kPitPorts = 0x40;
constexpr u16 kPitPortCount = 4;
constexpr u16 kSystemControlPortB = 0x61;
constexpr u16 kElcrPorts = 0x4d0;
constexpr u16 kElcrPortCount = 2;

}  // namespace ports

u64 SoftHypervisor::guest_tsc_khz() { return x86::CpuModel::flint_default().tsc_hz / 1000; }

Result<std::unique_ptr<hv::Vm>> SoftHypervisor::create_vm() {
    auto vm = std::make_unique<SoftVm>();
    return std::unique_ptr<hv::Vm>(std::move(vm));
}

SoftVm::SoftVm()
    : m_start(std::chrono::steady_clock::now()),
      m_chip(m_apic_bus),
      m_pit([this] { return now_ns(); }, *m_chip.irq_line(0)) {
    // These ranges are fixed and disjoint, so inserting them cannot fail.
    (void)m_platform_pio.insert(std::make_shared<PicPortsDevice>(m_chip.pic(), PicChip::Master), ports::kPicMasterPorts,
                                ports::kPicPortCount);
    (void)m_platform_pio.insert(std::make_shared<PicPortsDevice>(m_chip.pic(), PicChip::Slave), ports::kPicSlavePorts,
                                ports::kPicPortCount);
    (void)m_platform_pio.insert(std::make_shared<ElcrDevice>(m_chip.pic()), ports::kElcrPorts, ports::kElcrPortCount);
    (void)m_platform_pio.insert(std::make_shared<PitPortsDevice>(m_pit), ports::kPitPorts, ports::kPitPortCount);
    (void)m_platform_pio.insert(std::make_shared<Port61Device>(m_pit), ports::kSystemControlPortB, 1);

    m_apic_bus.set_kick([this](LocalApic& apic) {
        std::lock_guard lock(m_vcpus_mutex);
        for (SoftVcpu* v : m_vcpus)
            if (&v->apic() == &apic) v->kick();
    });
    // The 8259A's output reaches the boot processor through LINT0.
    m_chip.pic().set_notifier([this] { kick_all(); });
}

SoftVm::~SoftVm() = default;

u64 SoftVm::now_ns() const {
    return static_cast<u64>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - m_start).count());
}

Result<void> SoftVm::set_memory(const GuestMemory& memory) {
    m_memory = &memory;
    u64 end = 0;
    for (const MemoryRegion& r : memory.regions()) end = std::max(end, r.gpa + r.size);
    m_code_page_count = end / x86::kPageSize;
    m_code_pages = std::make_unique<std::atomic<u8>[]>(m_code_page_count);
    return ok();
}

void SoftVm::note_guest_write(u64 gpa, u64 len) {
    // Devices run on the vCPU thread that notified them: that vCPU drops its decoded code
    // at once, the others before their next block.
    SoftVcpu* self = SoftVcpu::current();
    if (self) self->invalidate_code(gpa, len);
    if (len == 0) return;
    const u64 last = (gpa + len - 1) & ~(x86::kPageSize - 1);
    for (u64 page = gpa & ~(x86::kPageSize - 1); page <= last; page += x86::kPageSize)
        code_page_written(page, self);
}

void SoftVm::note_code_page(u64 page) {
    const u64 i = page / x86::kPageSize;
    if (i < m_code_page_count) m_code_pages[i].store(1, std::memory_order_relaxed);
}

void SoftVm::code_page_written(u64 page, const SoftVcpu* writer) {
    const u64 i = page / x86::kPageSize;
    if (i >= m_code_page_count || m_code_pages[i].load(std::memory_order_relaxed) == 0) return;
    if (m_code_pages[i].exchange(0) == 0) return;
    std::lock_guard lock(m_vcpus_mutex);
    for (SoftVcpu* v : m_vcpus)
        if (v != writer) v->post_invalidation(page);
}

void SoftVm::attach_io(const Bus* pio, const Bus* mmio) {
    m_pio = pio;
    m_mmio = mmio;
}

Result<std::unique_ptr<hv::Vcpu>> SoftVm::create_vcpu(u32 index, u32 count) {
    if (!m_memory) return Error("soft back end: guest memory must be set before vCPUs are created");
    auto vcpu = std::make_unique<SoftVcpu>(*this, index, count);
    {
        std::lock_guard lock(m_vcpus_mutex);
        m_vcpus.push_back(vcpu.get());
    }
    m_apic_bus.add(vcpu->apic());
    return std::unique_ptr<hv::Vcpu>(std::move(vcpu));
}

void SoftVm::forget_vcpu(SoftVcpu* vcpu) {
    std::lock_guard lock(m_vcpus_mutex);
    std::erase(m_vcpus, vcpu);
}

Result<std::shared_ptr<IrqLine>> SoftVm::irq_line(u32 gsi) {
    IrqLine* line = m_chip.irq_line(gsi);
    if (!line) return Error::format("GSI {} is beyond the IOAPIC's {} pins", gsi, kIrqLines);
    // The chip owns its lines and the VMM keeps the Vm alive longer than its devices.
    return std::shared_ptr<IrqLine>(line, [](IrqLine*) {});
}

void SoftVm::signal_msi(u64 address, u32 data) {
    const std::optional<InterruptMessage> msg = decode_msi(address, data);
    if (msg) {
        m_apic_bus.deliver(*msg);
        return;
    }
    m_dropped_msis.fetch_add(1, std::memory_order_relaxed);
    if (!m_msi_warned.exchange(true))
        spdlog::warn("soft: dropped an MSI the APICs cannot take (address {:#x}, data {:#x}); logged once", address,
                     data);
}

void SoftVm::kick_all() {
    std::lock_guard lock(m_vcpus_mutex);
    for (SoftVcpu* v : m_vcpus) v->kick();
}

}  // namespace flint::soft
