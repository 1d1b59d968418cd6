#include "hv/hypervisor.h"

#include "base/log.h"
#include "hv/kvm/kvm_hypervisor.h"
#include "hv/soft/soft_vm.h"
#include "hv/speed_probe.h"

namespace flint::hv {

std::string_view accel_name(Accel accel) {
    switch (accel) {
    case Accel::Auto: return "auto";
    case Accel::Kvm: return "kvm";
    case Accel::Soft: return "soft";
    }
    return "?";
}

Result<std::unique_ptr<Hypervisor>> Hypervisor::open(Accel accel) {
    switch (accel) {
    case Accel::Kvm:
        return kvm::KvmHypervisor::open();
    case Accel::Soft:
        return std::unique_ptr<Hypervisor>(std::make_unique<soft::SoftHypervisor>());
    case Accel::Auto: {
        auto kvm = kvm::KvmHypervisor::open();
        if (kvm) {
            // The software CPU runs the probe in a few milliseconds; hardware in well under one.
            constexpr std::chrono::milliseconds kLimit{50};
            auto probe = time_speed_probe(**kvm, kLimit);
            if (probe) {
                spdlog::debug("KVM speed probe: {} us", std::chrono::duration_cast<std::chrono::microseconds>(*probe).count());
                return kvm;
            }
            spdlog::warn("/dev/kvm opens but runs guest code slower than the software CPU ({}); using --accel soft "
                         "(pass --accel kvm to insist)",
                         probe.error().message());
        } else {
            spdlog::info("KVM unavailable ({}); trying the software CPU", kvm.error().message());
        }
        auto soft = open(Accel::Soft);
        if (soft) return soft;
        return Error::format("no usable CPU back end: kvm: {}; soft: {}", kvm.error().message(), soft.error().message());
    }
    }
    return Error("unknown accelerator");
}

}  // namespace flint::hv
