#include "hv/kvm/kvm_hypervisor.h"

#include <fcntl.h>
#include <linux/kvm.h>

#include "hv/kvm/kvm_fd.h"
#include "hv/kvm/kvm_vm.h"

namespace flint::hv::kvm {

Result<std::unique_ptr<Hypervisor>> KvmHypervisor::open() {
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT)
            return Error("/dev/kvm does not exist: this host has no KVM (load kvm_intel/kvm_amd, or use --accel soft)", err);
        if (err == EACCES)
            return Error("/dev/kvm: permission denied: add your user to the 'kvm' group, or use --accel soft", err);
        return Error::from_errno("opening /dev/kvm", err);
    }
    UniqueFd kvm(fd);
    int version = xioctl(kvm.get(), KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION)
        return Error::format("/dev/kvm speaks API version {}, Flint needs {}", version, KVM_API_VERSION);
    static constexpr struct {
        int cap;
        const char* name;
    } required[] = {
        {KVM_CAP_IRQCHIP, "in-kernel irqchip"},
        {KVM_CAP_PIT2, "in-kernel PIT"},
        {KVM_CAP_USER_MEMORY, "user memory regions"},
        {KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID"},
        {KVM_CAP_IMMEDIATE_EXIT, "immediate_exit"},
        {KVM_CAP_SET_TSS_ADDR, "KVM_SET_TSS_ADDR"},
    };
    for (const auto& c : required) {
        if (xioctl(kvm.get(), KVM_CHECK_EXTENSION, c.cap) <= 0)
            return Error::format("this host's KVM lacks {} (capability {}); Flint needs a Linux 4.11 or newer host", c.name, c.cap);
    }
    int mmap_size = xioctl(kvm.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
    if (mmap_size <= 0) return Error::from_errno("KVM_GET_VCPU_MMAP_SIZE");
    return std::unique_ptr<Hypervisor>(new KvmHypervisor(std::move(kvm), mmap_size));
}

Result<std::unique_ptr<Vm>> KvmHypervisor::create_vm() {
    return KvmVm::create(m_kvm.get(), m_vcpu_mmap_size);
}

}  // namespace flint::hv::kvm
