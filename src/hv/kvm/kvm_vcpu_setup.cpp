// First-time configuration of a KVM vCPU: CPUID, boot MSRs, local APIC and FPU.
#include <asm/kvm.h>

#include <cstring>

#include "hv/kvm/kvm_abi.h"
#include "hv/kvm/kvm_fd.h"
#include "hv/kvm/kvm_vcpu.h"

namespace flint::hv::kvm {

namespace {

enum class Msr : u32 {
    Tsc = 0x10,
    SysenterCs = 0x174,
    SysenterEsp = 0x175,
    SysenterEip = 0x176,
    MiscEnable = 0x1a0,
    MtrrDefType = 0x2ff,
    Efer = 0xc0000080,
    Star = 0xc0000081,
    Lstar = 0xc0000082,
    Cstar = 0xc0000083,
    SyscallMask = 0xc0000084,
    KernelGsBase = 0xc0000102,
};

constexpr u64 kMiscEnableFastStrings = 1;
constexpr u64 kMtrrEnable = 1u << 11;
constexpr u64 kMtrrTypeWriteBack = 6;

// Local APIC register offsets and LVT delivery modes (SDM vol. 3, 11.5.1).
constexpr unsigned kApicLvtLint0 = 0x350;
constexpr unsigned kApicLvtLint1 = 0x360;
constexpr u32 kDeliveryModeMask = 7u << 8;
constexpr u32 kDeliveryExtInt = 7u << 8;
constexpr u32 kDeliveryNmi = 4u << 8;

// The topology the guest sees: APIC IDs equal vCPU indices.
void patch_cpuid(std::vector<kvm_cpuid_entry2>& entries, u32 index, u32 count) {
    for (auto& e : entries) {
        switch (e.function) {
        case 1:
            e.ebx = (e.ebx & 0x0000ffff) | (index << 24) | ((count & 0xff) << 16);
            if (count > 1) e.edx |= 1u << 28;  // HTT: the logical-processor count is valid
            // "Running under a hypervisor": without it Linux never looks at KVM's leaves
            // at 0x40000000, misses kvm-clock and tries to calibrate the TSC against a
            // PIT that hardware-reduced ACPI tells it not to use.
            e.ecx |= 1u << 31;
            break;
        case 0xb:
        case 0x1f:
            e.edx = index;
            break;
        default:
            break;
        }
    }
}

}  // namespace

Result<void> KvmVcpu::setup(u32 count, const std::vector<kvm_cpuid_entry2>& supported) {
    std::vector<kvm_cpuid_entry2> entries = supported;
    patch_cpuid(entries, m_index, count);
    FlexBuffer<kvm_cpuid_entry2> cpuid{std::span<const kvm_cpuid_entry2>(entries)};
    FLINT_TRY(checked_ioctl(m_fd.get(), kSetCpuid2, cpuid.data(), "KVM_SET_CPUID2"));

    struct {
        Msr index;
        u64 value;
    } const boot_msrs[] = {
        {Msr::SysenterCs, 0}, {Msr::SysenterEsp, 0}, {Msr::SysenterEip, 0}, {Msr::Star, 0},
        {Msr::Cstar, 0},      {Msr::KernelGsBase, 0}, {Msr::SyscallMask, 0}, {Msr::Lstar, 0},
        {Msr::Tsc, 0},        {Msr::MiscEnable, kMiscEnableFastStrings},
        {Msr::MtrrDefType, kMtrrEnable | kMtrrTypeWriteBack},
    };
    constexpr size_t n = std::size(boot_msrs);
    FlexBuffer<kvm_msr_entry> msrs(n);
    for (size_t i = 0; i < n; ++i) {
        kvm_msr_entry e{};
        e.index = static_cast<u32>(boot_msrs[i].index);
        e.data = boot_msrs[i].value;
        msrs.set_entry(i, e);
    }
    int set = xioctl(m_fd.get(), kSetMsrs, msrs.data());
    if (set < 0) return Error::from_errno("KVM_SET_MSRS");
    if (static_cast<size_t>(set) != n)
        return Error::format("KVM_SET_MSRS: KVM refused MSR {:#x}", msrs.entry(static_cast<size_t>(set)).index);

    // Route the PIC's output through LINT0 and NMIs through LINT1, as firmware does, so
    // that legacy interrupts reach the boot processor before the guest programs its APIC.
    kvm_lapic_state lapic{};
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_GET_LAPIC, &lapic, "KVM_GET_LAPIC"));
    auto set_lvt = [&](unsigned reg, u32 mode) {
        u32 v;
        std::memcpy(&v, lapic.regs + reg, 4);
        v = (v & ~kDeliveryModeMask) | mode;
        std::memcpy(lapic.regs + reg, &v, 4);
    };
    set_lvt(kApicLvtLint0, kDeliveryExtInt);
    set_lvt(kApicLvtLint1, kDeliveryNmi);
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_SET_LAPIC, &lapic, "KVM_SET_LAPIC"));

    kvm_fpu fpu{};
    fpu.fcw = 0x37f;      // x87 default control word after FNINIT
    fpu.mxcsr = 0x1f80;   // all SSE exceptions masked
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_SET_FPU, &fpu, "KVM_SET_FPU"));
    return ok();
}

}  // namespace flint::hv::kvm
