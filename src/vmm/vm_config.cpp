#include "vmm/vm_config.h"

namespace flint::vmm {

namespace {
constexpr u64 kMinMemory = 16 * MiB;
constexpr u64 kMaxMemory = 1024 * GiB;
constexpr u32 kMaxCpus = 64;
}  // namespace

size_t virtio_device_count(const VmConfig& config) {
    return config.disks.size() + (config.rng ? 1 : 0) + (config.hvc0 ? 1 : 0) + config.nets.size();
}

size_t virtio_device_count(const VmConfig& config, VirtioTransport transport) {
    size_t n = 0;
    for (const DiskConfig& d : config.disks) n += d.transport == transport;
    n += config.rng && config.rng_transport == transport;
    n += config.hvc0 && config.hvc0_transport == transport;
    for (const NetConfig& net : config.nets) n += net.transport == transport;
    return n;
}

Result<void> validate(const VmConfig& config) {
    if (config.kernel.empty()) return Error("no kernel given: pass --kernel PATH (a Linux bzImage)");
    if (config.memory < kMinMemory || config.memory > kMaxMemory)
        return Error::format("--memory {} MiB is out of range: give between {} MiB and {} GiB", config.memory / MiB,
                             kMinMemory / MiB, kMaxMemory / GiB);
    if (config.memory % (4 * KiB) != 0) return Error("--memory must be a whole number of 4 KiB pages");
    if (config.cpus < 1 || config.cpus > kMaxCpus)
        return Error::format("--cpus {} is out of range: give between 1 and {}", config.cpus, kMaxCpus);
    if (config.console.kind == ConsoleKind::Socket)
        return Error("--console socket:PATH is not supported yet: the serial console takes stdio, none or file:PATH "
                     "(--hvc0 takes socket:PATH)");
    if (config.console.kind == ConsoleKind::File && config.console.path.empty())
        return Error("--console file: needs a path, as in --console file:/tmp/console.log");
    const size_t mmio = virtio_device_count(config, VirtioTransport::Mmio);
    if (mmio > kMaxVirtioDevices)
        return Error::format("{} virtio-mmio devices asked for (--disk, --rng, --hvc0, --net): at most {} are "
                             "supported; put the others on PCI with transport=pci",
                             mmio, kMaxVirtioDevices);
    const size_t pci = virtio_device_count(config, VirtioTransport::Pci);
    if (pci > kMaxVirtioPciDevices)
        return Error::format("{} virtio-pci devices asked for: PCI bus 0 has {} free slots", pci, kMaxVirtioPciDevices);
    if (config.hvc0 && config.hvc0->kind == ConsoleKind::Stdio)
        return Error("--hvc0 stdio: stdio is the serial console's; give none, file:PATH or socket:PATH");
    if (config.hvc0 && config.hvc0->kind == ConsoleKind::File && config.hvc0->path.empty())
        return Error("--hvc0 file: needs a path, as in --hvc0 file:/tmp/hvc0.log");
    return ok();
}

}  // namespace flint::vmm
