#pragma once
// What a VM is made of: plain data, filled by the command line today and by the control
// API later. Building a VM from it is vmm/machine.h's job.
#include <optional>
#include <string>
#include <vector>

#include "base/types.h"
#include "hv/hypervisor.h"

namespace flint::vmm {

enum class ConsoleKind { Stdio, None, File };

struct ConsoleConfig {
    ConsoleKind kind = ConsoleKind::Stdio;
    std::string path;  // ConsoleKind::File
};

inline constexpr size_t kDiskIdMax = 20;  // the virtio-blk ID field
// virtio-mmio devices per VM: one free ISA interrupt each (see vmm/virtio_devices.cpp).
inline constexpr size_t kMaxVirtioDevices = 8;

// A virtio-blk disk: --disk path=FILE[,readonly=on][,id=NAME].
struct DiskConfig {
    std::string path;
    bool read_only = false;
    std::string id;  // what the guest reads as the disk's serial (at most 20 bytes)
};

inline constexpr const char* kDefaultCmdline = "console=ttyS0 reboot=acpi panic=-1";

struct VmConfig {
    std::string kernel;
    std::string initrd;
    std::string cmdline = kDefaultCmdline;
    u64 memory = 512 * MiB;
    u32 cpus = 1;
    hv::Accel accel = hv::Accel::Auto;
    ConsoleConfig console;
    std::vector<DiskConfig> disks;
    bool rng = false;  // a virtio-rng entropy device
    // A virtio-console (hvc0 in the guest) and where its output goes: none or a file.
    std::optional<ConsoleConfig> hvc0;
};

// How many virtio devices `config` asks for (disks, then the entropy device, then hvc0).
size_t virtio_device_count(const VmConfig& config);

// Validates the parts a parser cannot (sizes, counts); files are checked when loaded.
Result<void> validate(const VmConfig& config);

}  // namespace flint::vmm

namespace flint::vmm {

// Parsers for the textual forms the command line and the API share.
// "512M", "2G", "1048576K", "4096" (plain numbers are MiB, as in QEMU).
Result<u64> parse_memory_size(std::string_view text);
// "stdio", "none", "file:PATH".
Result<ConsoleConfig> parse_console(std::string_view text);
// "path=FILE[,readonly=on|off][,id=NAME]"; a bare "FILE" is path=FILE.
Result<DiskConfig> parse_disk(std::string_view text);
// "auto", "kvm", "soft".
Result<hv::Accel> parse_accel(std::string_view text);

}  // namespace flint::vmm
