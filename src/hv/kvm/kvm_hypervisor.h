#pragma once
// The hardware-assisted back end: Linux KVM through /dev/kvm.
#include "base/unique_fd.h"
#include "hv/hypervisor.h"

namespace flint::hv::kvm {

class KvmHypervisor final : public Hypervisor {
public:
    static Result<std::unique_ptr<Hypervisor>> open();
    Accel accel() const override { return Accel::Kvm; }
    Result<std::unique_ptr<Vm>> create_vm() override;

private:
    explicit KvmHypervisor(UniqueFd kvm, int vcpu_mmap_size) : m_kvm(std::move(kvm)), m_vcpu_mmap_size(vcpu_mmap_size) {}
    UniqueFd m_kvm;
    int m_vcpu_mmap_size;
};

}  // namespace flint::hv::kvm
