#include "bench/options.h"

#include <cstdlib>
#include <filesystem>

#include "hv/hypervisor.h"

namespace flint::bench {

namespace {

Result<void> check_file(const std::string& path, std::string_view what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error::format("{} '{}' is not a readable file", what, path);
    return ok();
}

}  // namespace

std::string_view backend_name(Backend backend) { return backend == Backend::Kvm ? "kvm" : "soft"; }

Result<std::vector<Backend>> parse_backends(std::string_view text) {
    if (text == "kvm") return std::vector{Backend::Kvm};
    if (text == "soft") return std::vector{Backend::Soft};
    if (text == "both") return std::vector{Backend::Kvm, Backend::Soft};
    if (text == "auto") {
        // Whatever `flint run --accel auto` would pick on this host.
        auto hv = FLINT_TRY(hv::Hypervisor::open(hv::Accel::Auto));
        return std::vector{hv->accel() == hv::Accel::Kvm ? Backend::Kvm : Backend::Soft};
    }
    return Error::format("accelerator '{}' is not one of kvm, soft, both, auto", text);
}

Result<Peer> parse_peer(std::string_view text) {
    if (text == "qemu") return Peer::Qemu;
    if (text == "none") return Peer::None;
    return Error::format("--against '{}' is not one of qemu, none", text);
}

Result<void> finish_options(BenchOptions& options) {
    if (options.runs == 0) return Error("--runs must be at least 1");
    if (options.timeout_s == 0) return Error("--timeout must be at least 1 second");
    if (options.cpus == 0 || options.cpus > 64) return Error("--cpus must be between 1 and 64");
    if (options.memory_mib < 64) return Error("--memory must be at least 64M for the quick-start guest");
    if (options.disk_mib < 16) return Error("--disk-size must be at least 16M");
    if (options.net_mib < 1 || options.net_mib > 65536) return Error("--net-size must be between 1M and 64G");
    if (options.kernel.empty() != options.initrd.empty())
        return Error("--kernel and --initrd go together: give both, or neither for the quick-start guest");
    if (options.kernel.empty()) {
        const char* dir = std::getenv("FLINT_GUEST_DIR");
        const std::string guest = dir && *dir ? dir : "out/guest";
        options.kernel = guest + "/vmlinuz";
        options.initrd = guest + "/initramfs.cpio.gz";
        std::error_code ec;
        if (!std::filesystem::is_regular_file(options.kernel, ec) || !std::filesystem::is_regular_file(options.initrd, ec))
            return Error::format("no quick-start guest in '{}': build it with scripts/build-guest, set "
                                 "FLINT_GUEST_DIR, or pass --kernel and --initrd", guest);
    }
    FLINT_TRY_VOID(check_file(options.kernel, "kernel"));
    FLINT_TRY_VOID(check_file(options.initrd, "initrd"));
    for (Backend backend : options.backends) {
        if (backend != Backend::Kvm) continue;
        auto kvm = hv::Hypervisor::open(hv::Accel::Kvm);
        if (!kvm) return Error::format("--accel kvm needs KVM: {}; use --accel soft", kvm.error().message());
    }
    return ok();
}

}  // namespace flint::bench
