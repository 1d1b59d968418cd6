#pragma once
#include <linux/kvm.h>
#include <pthread.h>

#include <atomic>
#include <vector>

#include "base/unique_fd.h"
#include "hv/hypervisor.h"

namespace flint::hv::kvm {

class KvmVcpu final : public Vcpu {
public:
    static Result<std::unique_ptr<Vcpu>> create(int vm_fd, int mmap_size, u32 index, u32 count,
                                                const std::vector<kvm_cpuid_entry2>& supported);
    ~KvmVcpu() override;

    u32 index() const override { return m_index; }
    Result<void> set_state(const CpuState& state) override;
    Result<CpuState> get_state() override;
    Result<VcpuExit> run() override;
    void request_exit() override;

private:
    KvmVcpu(UniqueFd fd, kvm_run* run, int mmap_size, u32 index)
        : m_fd(std::move(fd)), m_run(run), m_mmap_size(mmap_size), m_index(index) {}
    Result<void> setup(u32 count, const std::vector<kvm_cpuid_entry2>& supported);

    UniqueFd m_fd;
    kvm_run* m_run;
    int m_mmap_size;
    u32 m_index;
    std::atomic<pthread_t> m_thread{};
    std::atomic<bool> m_thread_known{false};
};

}  // namespace flint::hv::kvm
