#pragma once
#include <linux/kvm.h>

#include <atomic>
#include <vector>

#include "base/unique_fd.h"
#include "hv/hypervisor.h"

namespace flint::hv::kvm {

class KvmVm final : public Vm {
public:
    static Result<std::unique_ptr<Vm>> create(int kvm_fd, int vcpu_mmap_size);

    Result<void> set_memory(const GuestMemory& memory) override;
    Result<std::unique_ptr<Vcpu>> create_vcpu(u32 index, u32 count) override;
    Result<std::shared_ptr<IrqLine>> irq_line(u32 gsi) override;
    Result<std::shared_ptr<IrqLine>> edge_irq_line(u32 gsi) override;
    Result<std::unique_ptr<IoEvent>> mmio_write_event(u64 gpa, u32 size, u64 value) override;
    void signal_msi(u64 address, u32 data) override;

private:
    KvmVm(UniqueFd vm, int vcpu_mmap_size, std::vector<kvm_cpuid_entry2> cpuid)
        : m_vm(std::move(vm)), m_vcpu_mmap_size(vcpu_mmap_size), m_supported_cpuid(std::move(cpuid)) {}

    UniqueFd m_vm;
    int m_vcpu_mmap_size;
    std::vector<kvm_cpuid_entry2> m_supported_cpuid;
    u32 m_next_slot = 0;
    bool m_irqfd_warned = false;
    std::atomic<bool> m_msi_warned{false};
};

}  // namespace flint::hv::kvm
