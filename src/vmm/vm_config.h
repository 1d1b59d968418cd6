#pragma once
// What a VM is made of: plain data, filled by the command line today and by the control
// API later. Building a VM from it is vmm/machine.h's job.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "backends/user_net.h"
#include "base/types.h"
#include "hv/hypervisor.h"

namespace flint::vmm {

enum class ConsoleKind { Stdio, None, File, Socket };

struct ConsoleConfig {
    ConsoleKind kind = ConsoleKind::Stdio;
    std::string path;  // ConsoleKind::File, ConsoleKind::Socket
};

inline constexpr size_t kDiskIdMax = 20;  // the virtio-blk ID field
// virtio-mmio devices per VM: one free ISA interrupt each (see vmm/virtio_devices.cpp).
inline constexpr size_t kMaxVirtioDevices = 8;
// virtio-pci devices per VM: the slots of PCI bus 0 after the host bridge.
inline constexpr size_t kMaxVirtioPciDevices = 31;

// How a virtio device reaches the guest: a virtio-mmio window declared in the DSDT, or a
// virtio-pci function on PCI bus 0 (MSI-X interrupts). The key transport=mmio|pci of
// --disk, --net, --rng and --hvc0.
enum class VirtioTransport : u8 { Mmio, Pci };

// A virtio-blk disk: --disk path=FILE[,readonly=on][,id=NAME].
struct DiskConfig {
    std::string path;
    bool read_only = false;
    std::string id;  // what the guest reads as the disk's serial (at most 20 bytes)
    VirtioTransport transport = VirtioTransport::Mmio;
};

enum class NetKind : u8 { User, Tap };

// A virtio-net NIC: --net user[,hostfwd=...][,mac=...] or --net tap,ifname=NAME[,mac=...].
struct NetConfig {
    NetKind kind = NetKind::User;
    std::vector<backends::HostForward> forwards;  // NetKind::User
    std::string ifname;                           // NetKind::Tap
    std::optional<std::array<u8, 6>> mac;         // default: 52:54:00:12:34:56, +1 per NIC
    VirtioTransport transport = VirtioTransport::Mmio;
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
    VirtioTransport rng_transport = VirtioTransport::Mmio;
    // A virtio-console (hvc0 in the guest) and where its output goes: none or a file.
    std::optional<ConsoleConfig> hvc0;
    VirtioTransport hvc0_transport = VirtioTransport::Mmio;
    std::vector<NetConfig> nets;  // virtio-net NICs, in order
};

// How many virtio devices `config` asks for (disks, then the entropy device, then hvc0,
// then the NICs), and how many of them use `transport`.
size_t virtio_device_count(const VmConfig& config);
size_t virtio_device_count(const VmConfig& config, VirtioTransport transport);

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
// "mmio", "pci": the value of a device's transport= key; `option` names it in errors.
Result<VirtioTransport> parse_transport(std::string_view text, std::string_view option);
// --rng's optional value: empty, or "transport=mmio|pci".
Result<VirtioTransport> parse_rng(std::string_view text);
// --hvc0's value: a console (none, file:PATH), optionally followed by ",transport=mmio|pci".
Result<ConsoleConfig> parse_hvc0(std::string_view text, VirtioTransport* transport);
// "auto", "kvm", "soft".
Result<hv::Accel> parse_accel(std::string_view text);
// "user[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...[,mac=MAC]" or
// "tap,ifname=NAME[,mac=MAC]" (QEMU's -netdev syntax for the parts both have).
Result<NetConfig> parse_net(std::string_view text);
// "tcp::2222-:22", "udp:127.0.0.1:5353-10.0.2.15:53".
Result<backends::HostForward> parse_hostfwd(std::string_view text);
// "52:54:00:12:34:56"; a multicast address is refused.
Result<std::array<u8, 6>> parse_mac(std::string_view text);

}  // namespace flint::vmm
