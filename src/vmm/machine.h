#pragma once
// One virtual machine: guest memory, the back end's Vm and vCPUs, the device buses and
// the console, built from a VmConfig. run() boots it and returns flint's exit status.
#include <atomic>
#include <memory>
#include <vector>

#include "backends/socket_chardev.h"
#include "base/event_loop.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "devices/bus.h"
#include "hv/hypervisor.h"
#include "memory/guest_memory.h"
#include "vmm/console.h"
#include "vmm/exit_status.h"
#include "vmm/queue_kicks.h"
#include "vmm/vm_config.h"

namespace flint {
class Uart8250;
namespace pci {
class PciBus;
}
}
namespace flint::virtio {
class Device;
}

namespace flint::vmm {

class Machine {
public:
    static Result<std::unique_ptr<Machine>> create(const VmConfig& config);
    ~Machine();

    // Runs until the guest powers off, resets, crashes, or the host stops it. Returns the
    // process exit status (ExitStatus, or an odd isa-debug-exit status).
    int run();

    // From any thread: end the VM with `status`. The first request wins.
    void request_stop(int status);

private:
    explicit Machine(GuestMemory memory) : m_memory(std::move(memory)) {}
    Result<void> build(const VmConfig& config);
    Result<hv::CpuState> load_kernel(const VmConfig& config, std::vector<u8> kernel, std::vector<u8> initrd);
    Result<void> add_legacy_devices();
    Result<void> add_virtio_devices(const VmConfig& config);
    // The virtio-console's device, with its host side: a Console (none, file) or a socket.
    Result<std::shared_ptr<virtio::Device>> make_hvc0(const ConsoleConfig& config);
    Result<void> add_pci_bus();
    void vcpu_thread(hv::Vcpu& vcpu);
    void log_memory_usage() const;
    void log_report() const;
    // Handles one exit; false when the vCPU must stop.
    bool handle_exit(hv::Vcpu& vcpu, const hv::VcpuExit& exit);

    GuestMemory m_memory;
    std::unique_ptr<hv::Hypervisor> m_hypervisor;
    std::unique_ptr<hv::Vm> m_vm;
    std::vector<std::unique_ptr<hv::Vcpu>> m_vcpus;
    // Host I/O (network back ends). Declared before the buses so that it outlives the
    // devices whose back ends it serves; its thread stops before they go.
    std::unique_ptr<EventLoop> m_event_loop;
    // Virtio queue kicks the event loop serves (kvm); goes before the loop and the Vm.
    std::unique_ptr<QueueKicks> m_kicks;
    Bus m_pio{"port I/O"};
    // PCI bus 0, when a device uses it; the buses hold it through their devices.
    std::shared_ptr<pci::PciBus> m_pci;
    Bus m_mmio{"MMIO"};
    std::unique_ptr<Console> m_console;
    std::unique_ptr<Console> m_hvc0;  // output of the virtio-console: none or a file
    std::unique_ptr<backends::SocketChardev> m_hvc0_socket;  // or both ways, on a socket
    std::shared_ptr<Uart8250> m_uart;

    std::atomic<int> m_exit_status{-1};
    UniqueFd m_stop_event;  // eventfd the main thread waits on
};

}  // namespace flint::vmm
