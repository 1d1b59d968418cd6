#include "hv/kvm/kvm_vm.h"

#include <cstring>
#include <memory>

#include "base/log.h"
#include "hv/kvm/kvm_abi.h"
#include "hv/kvm/kvm_eventfds.h"
#include "hv/kvm/kvm_fd.h"
#include "hv/kvm/kvm_vcpu.h"

namespace flint::hv::kvm {

namespace {

// Addresses KVM needs for Intel's real-mode emulation helpers: three pages for the TSS
// and one for the identity map, just below the 4 GiB boundary where nothing else lives.
constexpr u64 kTssAddr = 0xfffbd000;
constexpr u64 kIdentityMapAddr = 0xfffbc000;

class KvmIrqLine final : public IrqLine {
public:
    KvmIrqLine(int vm_fd, u32 gsi) : m_vm_fd(vm_fd), m_gsi(gsi) {}
    void set_level(bool high) override {
        kvm_irq_level irq{};
        irq.irq = m_gsi;
        irq.level = high ? 1 : 0;
        if (xioctl(m_vm_fd, KVM_IRQ_LINE, &irq) < 0 && !m_warned) {
            m_warned = true;
            spdlog::warn("KVM_IRQ_LINE for GSI {} failed: {}", m_gsi, std::strerror(errno));
        }
    }

private:
    int m_vm_fd;
    u32 m_gsi;
    bool m_warned = false;
};

Result<void> check_gsi(u32 gsi) {
    // The in-kernel IOAPIC has 24 pins; ISA IRQs 0-15 also reach the PIC.
    if (gsi >= 24) return Error::format("GSI {} is beyond the IOAPIC's 24 pins", gsi);
    return ok();
}

Result<std::vector<kvm_cpuid_entry2>> supported_cpuid(int kvm_fd) {
    for (u32 n = 128; n <= 4096; n *= 2) {
        FlexBuffer<kvm_cpuid_entry2> buf(n);
        if (xioctl(kvm_fd, kGetSupportedCpuid, buf.data()) == 0) return buf.entries();
        if (errno != E2BIG) return Error::from_errno("KVM_GET_SUPPORTED_CPUID");
    }
    return Error("KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
}

}  // namespace

Result<std::unique_ptr<Vm>> KvmVm::create(int kvm_fd, int vcpu_mmap_size) {
    int fd = xioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (fd < 0) return Error::from_errno("KVM_CREATE_VM");
    UniqueFd vm(fd);
    FLINT_TRY(checked_ioctl(vm.get(), KVM_SET_TSS_ADDR, kTssAddr, "KVM_SET_TSS_ADDR"));
    u64 identity = kIdentityMapAddr;
    FLINT_TRY(checked_ioctl(vm.get(), KVM_SET_IDENTITY_MAP_ADDR, &identity, "KVM_SET_IDENTITY_MAP_ADDR"));
    FLINT_TRY(checked_ioctl(vm.get(), KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP"));
    kvm_pit_config pit{};
    pit.flags = KVM_PIT_SPEAKER_DUMMY;  // port 0x61 answered in the kernel, as the PIT's gate
    FLINT_TRY(checked_ioctl(vm.get(), KVM_CREATE_PIT2, &pit, "KVM_CREATE_PIT2"));
    auto cpuid = FLINT_TRY(supported_cpuid(kvm_fd));
    return std::unique_ptr<Vm>(new KvmVm(std::move(vm), vcpu_mmap_size, std::move(cpuid)));
}

Result<void> KvmVm::set_memory(const GuestMemory& memory) {
    for (const auto& r : memory.regions()) {
        kvm_userspace_memory_region region{};
        region.slot = m_next_slot++;
        region.guest_phys_addr = r.gpa;
        region.memory_size = r.size;
        region.userspace_addr = reinterpret_cast<u64>(r.host);
        FLINT_TRY(checked_ioctl(m_vm.get(), KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION"));
    }
    return ok();
}

Result<std::unique_ptr<Vcpu>> KvmVm::create_vcpu(u32 index, u32 count) {
    return KvmVcpu::create(m_vm.get(), m_vcpu_mmap_size, index, count, m_supported_cpuid);
}

Result<std::shared_ptr<IrqLine>> KvmVm::irq_line(u32 gsi) {
    FLINT_TRY_VOID(check_gsi(gsi));
    return std::shared_ptr<IrqLine>(std::make_shared<KvmIrqLine>(m_vm.get(), gsi));
}

Result<std::shared_ptr<IrqLine>> KvmVm::edge_irq_line(u32 gsi) {
    FLINT_TRY_VOID(check_gsi(gsi));
    auto line = KvmIrqfdLine::create(m_vm.get(), gsi);
    if (line) return line;
    // KVM_IRQ_LINE gives the same edges, only through an ioctl from the raising thread.
    if (!m_irqfd_warned) {
        m_irqfd_warned = true;
        spdlog::warn("{}; interrupts go through KVM_IRQ_LINE instead", line.error().message());
    }
    return irq_line(gsi);
}

Result<std::unique_ptr<IoEvent>> KvmVm::mmio_write_event(u64 gpa, u32 size, u64 value) {
    return KvmIoEvent::create(m_vm.get(), gpa, size, value);
}

// KVM_SIGNAL_MSI hands the message to the in-kernel local APICs (it returns 0 when the
// guest masked it there, which is not an error).
void KvmVm::signal_msi(u64 address, u32 data) {
    kvm_msi msi{};
    msi.address_lo = static_cast<u32>(address);
    msi.address_hi = static_cast<u32>(address >> 32);
    msi.data = data;
    if (xioctl(m_vm.get(), KVM_SIGNAL_MSI, &msi) < 0 && !m_msi_warned.exchange(true))
        spdlog::warn("KVM_SIGNAL_MSI to {:#x} failed: {}", address, std::strerror(errno));
}

}  // namespace flint::hv::kvm
