#include "vmm/machine.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "acpi/config.h"
#include "acpi/sleep_control.h"
#include "acpi/tables.h"
#include "base/log.h"
#include "boot/file.h"
#include "boot/linux_loader.h"
#include "boot/multiboot.h"
#include "devices/legacy/cmos_rtc.h"
#include "devices/legacy/debug_exit.h"
#include "devices/legacy/i8042.h"
#include "devices/legacy/uart8250.h"
#include "devices/pci/pci_bus.h"
#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "devices/virtio/pci.h"
#include "devices/virtio/rng.h"
#include "backends/raw_file.h"
#include "backends/tap.h"
#include "backends/user_net.h"
#include "hv/soft/soft_vm.h"
#include "vmm/virtio_devices.h"

namespace flint::vmm {

namespace {

// Where the legacy PC devices live (port I/O) and the ISA interrupt they use.
constexpr u64 kCom1Port = 0x3f8;
constexpr u64 kUartPortCount = 8;
constexpr u32 kCom1Irq = 4;
constexpr u64 kI8042DataPort = 0x60;
constexpr u64 kI8042CommandPort = 0x64;
constexpr u64 kCmosPort = 0x70;
constexpr u64 kDebugExitPort = 0xf4;

// QEMU's default NIC address (a locally administered range QEMU uses); NIC i adds i.
constexpr virtio::MacAddress kDefaultMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

Result<std::unique_ptr<backends::NetBackend>> open_net_backend(const NetConfig& net, EventLoop& loop) {
    std::unique_ptr<backends::NetBackend> backend;
    if (net.kind == NetKind::Tap)
        backend = FLINT_TRY(backends::Tap::open(net.ifname, loop));
    else
        backend = FLINT_TRY(backends::UserNet::create(net.forwards, loop));
    return backend;
}

}  // namespace

Result<std::unique_ptr<Machine>> Machine::create(const VmConfig& config) {
    FLINT_TRY_VOID(validate(config));
    auto memory = FLINT_TRY(GuestMemory::create(config.memory));
    std::unique_ptr<Machine> m(new Machine(std::move(memory)));
    FLINT_TRY_VOID(m->build(config));
    return m;
}

Machine::~Machine() {
    // Before any device goes: the loop thread calls into the network devices.
    if (m_event_loop) m_event_loop->stop();
}

Result<void> Machine::build(const VmConfig& config) {
    int efd = ::eventfd(0, EFD_CLOEXEC);
    if (efd < 0) return Error::from_errno("eventfd");
    m_stop_event.reset(efd);
    m_event_loop = FLINT_TRY(EventLoop::create());

    // The user's files first, so that a wrong path is the only line printed; then the back
    // end, since how the kernel is loaded depends on it.
    auto kernel = boot::read_file(config.kernel, "kernel");
    if (!kernel) return kernel.error().context(fmt::format("booting {}", config.kernel));
    std::vector<u8> initrd;
    if (!config.initrd.empty()) {
        auto file = boot::read_file(config.initrd, "initrd");
        if (!file) return file.error().context(fmt::format("booting {}", config.kernel));
        initrd = std::move(*file);
    }
    m_hypervisor = FLINT_TRY(hv::Hypervisor::open(config.accel));
    auto boot_state = load_kernel(config, std::move(*kernel), std::move(initrd));
    if (!boot_state) return boot_state.error().context(fmt::format("booting {}", config.kernel));

    m_vm = FLINT_TRY(m_hypervisor->create_vm());
    FLINT_TRY_VOID(m_vm->set_memory(m_memory));
    m_vm->attach_io(&m_pio, &m_mmio);
    m_kicks = std::make_unique<QueueKicks>(*m_vm, *m_event_loop);
    m_console = FLINT_TRY(Console::create(config.console));
    FLINT_TRY_VOID(add_legacy_devices());
    FLINT_TRY_VOID(add_virtio_devices(config));

    acpi::AcpiConfig acpi_config;
    acpi_config.num_vcpus = config.cpus;
    for (size_t i = 0; i < virtio_device_count(config, VirtioTransport::Mmio); ++i) {
        const VirtioSlot slot = virtio_slot(i);
        acpi_config.virtio_mmio.push_back(
            {.base = static_cast<u32>(slot.base), .size = static_cast<u32>(virtio::kMmioSize), .irq = slot.irq});
    }
    if (m_pci) {
        acpi_config.pci = acpi::PciRootBridge{.window_base = static_cast<u32>(m_pci->window_base()),
                                              .window_size = static_cast<u32>(m_pci->window_size())};
    }
    auto rsdp = acpi::write_acpi_tables(m_memory, acpi_config);
    if (!rsdp) return rsdp.error().context("writing the ACPI tables");
    auto power = std::make_shared<acpi::SleepControl>([this] { request_stop(static_cast<int>(ExitStatus::PowerOff)); },
                                                      [this] { request_stop(static_cast<int>(ExitStatus::Reset)); });
    FLINT_TRY_VOID(m_pio.insert(power, acpi::kPmPortBase, acpi::kPmPortCount));

    for (u32 i = 0; i < config.cpus; ++i) m_vcpus.push_back(FLINT_TRY(m_vm->create_vcpu(i, config.cpus)));
    FLINT_TRY_VOID(m_vcpus[0]->set_state(*boot_state));
    spdlog::debug("VM built: {} MiB, {} vCPU(s), accel {}", config.memory / MiB, config.cpus,
                  hv::accel_name(m_hypervisor->accel()));
    return ok();
}

Result<hv::CpuState> Machine::load_kernel(const VmConfig& config, std::vector<u8> kernel, std::vector<u8> initrd) {
    // A Linux bzImage says so at 0x202; otherwise a multiboot header makes it a multiboot
    // kernel (as with QEMU's -kernel), and anything else gets the bzImage diagnosis.
    constexpr u64 kHdrSOffset = 0x202;
    const bool bzimage = kernel.size() > kHdrSOffset + 4 && std::memcmp(kernel.data() + kHdrSOffset, "HdrS", 4) == 0;
    if (!bzimage && boot::find_multiboot_header(kernel))
        return boot::load_multiboot(m_memory, {std::move(kernel), std::move(initrd), config.cmdline});
    // The software CPU would spend minutes in the bzImage's decompressor: unpack on the
    // host. The kernel also learns the TSC rate (see SoftHypervisor::guest_tsc_khz) and
    // that the TSC is reliable: it follows the host's monotonic clock on every vCPU, while
    // the timer ticks the kernel would check it against arrive late when the interpreter
    // is descheduled. The kernel's crypto self-tests are skipped: RSA and hash known-answer
    // tests are a third of the instructions of a Debian kernel's boot, minutes of an
    // interpreter's time on a slow host (cryptomgr.notests=0 keeps them). What the user
    // set on the command line wins.
    const bool soft = m_hypervisor->accel() == hv::Accel::Soft;
    std::string cmdline = config.cmdline;
    auto add_param = [&cmdline](std::string_view key, const std::string& param) {
        if (cmdline.find(key) != std::string::npos) return;
        if (!cmdline.empty()) cmdline += ' ';
        cmdline += param;
    };
    if (soft) {
        add_param("tsc_early_khz=", fmt::format("tsc_early_khz={}", soft::SoftHypervisor::guest_tsc_khz()));
        add_param("tsc=", "tsc=reliable");
        add_param("cryptomgr.notests", "cryptomgr.notests");
    }
    return boot::load_linux(m_memory, {std::move(kernel), std::move(initrd), std::move(cmdline), soft});
}

Result<void> Machine::add_legacy_devices() {
    auto com1_irq = FLINT_TRY(m_vm->irq_line(kCom1Irq));
    m_uart = std::make_shared<Uart8250>(com1_irq, [this](std::span<const u8> bytes) { m_console->write(bytes); });
    FLINT_TRY_VOID(m_pio.insert(m_uart, kCom1Port, kUartPortCount));

    auto i8042 = std::make_shared<I8042>([this] { request_stop(static_cast<int>(ExitStatus::Reset)); });
    FLINT_TRY_VOID(m_pio.insert(std::make_shared<I8042PortDevice>(i8042, I8042::Port::Data), kI8042DataPort, 1));
    FLINT_TRY_VOID(m_pio.insert(std::make_shared<I8042PortDevice>(i8042, I8042::Port::Command), kI8042CommandPort, 1));

    FLINT_TRY_VOID(m_pio.insert(std::make_shared<CmosRtc>([] { return std::time(nullptr); }), kCmosPort, kCmosPortCount));
    FLINT_TRY_VOID(m_pio.insert(std::make_shared<DebugExit>([this](u32 v) {
                                    request_stop(static_cast<int>(DebugExit::exit_status(v) & 0xff));
                                }),
                                kDebugExitPort, kDebugExitPortCount));
    return ok();
}

Result<void> Machine::add_virtio_devices(const VmConfig& config) {
    std::vector<std::pair<std::shared_ptr<virtio::Device>, VirtioTransport>> devices;
    for (const DiskConfig& d : config.disks) {
        auto file = backends::RawFile::open(d.path, d.read_only ? backends::Access::ReadOnly : backends::Access::ReadWrite);
        if (!file) return file.error().context("--disk");
        devices.emplace_back(std::make_shared<virtio::BlockDevice>(std::move(*file), d.id), d.transport);
    }
    if (config.rng) devices.emplace_back(std::make_shared<virtio::RngDevice>(), config.rng_transport);
    if (config.hvc0) devices.emplace_back(FLINT_TRY(make_hvc0(*config.hvc0)), config.hvc0_transport);
    for (size_t i = 0; i < config.nets.size(); ++i) {
        const NetConfig& net = config.nets[i];
        auto backend = FLINT_TRY(open_net_backend(net, *m_event_loop));
        virtio::MacAddress mac = net.mac.value_or(kDefaultMac);
        if (!net.mac) mac[5] = static_cast<u8>(mac[5] + i);
        devices.emplace_back(std::make_shared<virtio::NetDevice>(std::move(backend), mac), net.transport);
    }
    auto on_guest_write = [vm = m_vm.get()](u64 gpa, u64 len) { vm->note_guest_write(gpa, len); };
    size_t mmio_index = 0;
    for (auto& [device, transport] : devices) {
        if (transport == VirtioTransport::Pci) {
            FLINT_TRY_VOID(add_pci_bus());
            auto function = std::make_shared<virtio::PciTransport>(device, m_memory, *m_vm, on_guest_write);
            FLINT_TRY_VOID(m_pci->add(std::move(function)));
            continue;
        }
        const VirtioSlot slot = virtio_slot(mmio_index++);
        auto irq = FLINT_TRY(m_vm->edge_irq_line(slot.irq));  // edge-triggered in the DSDT
        auto mmio = std::make_shared<virtio::MmioTransport>(device, m_memory, std::move(irq), on_guest_write);
        FLINT_TRY_VOID(m_mmio.insert(mmio, slot.base, virtio::kMmioSize));
        m_kicks->add(mmio, slot.base);
    }
    return ok();
}

Result<std::shared_ptr<virtio::Device>> Machine::make_hvc0(const ConsoleConfig& config) {
    if (config.kind != ConsoleKind::Socket) {
        m_hvc0 = FLINT_TRY(Console::create(config));
        return std::shared_ptr<virtio::Device>(
            std::make_shared<virtio::ConsoleDevice>([this](std::span<const u8> bytes) { m_hvc0->write(bytes); }));
    }
    // Input arrives on the event loop thread; the device outlives the loop's thread.
    auto device = std::make_shared<virtio::ConsoleDevice>(
        [this](std::span<const u8> bytes) { m_hvc0_socket->write(bytes); });
    m_hvc0_socket = FLINT_TRY(backends::SocketChardev::listen(
        config.path, *m_event_loop, [dev = device.get()](std::span<const u8> bytes) { dev->receive(bytes); },
        "--hvc0 socket"));
    return std::shared_ptr<virtio::Device>(std::move(device));
}

Result<void> Machine::add_pci_bus() {
    if (m_pci) return ok();
    m_pci = std::make_shared<pci::PciBus>(kPciWindowBase, kPciWindowSize);
    FLINT_TRY_VOID(m_pio.insert(pci::config_ports_device(m_pci), pci::kConfigAddressPort, pci::kConfigPortCount));
    return m_mmio.insert(pci::bar_window_device(m_pci), kPciWindowBase, kPciWindowSize);
}

void Machine::request_stop(int status) {
    int expected = -1;
    if (!m_exit_status.compare_exchange_strong(expected, status)) return;
    for (auto& vcpu : m_vcpus) vcpu->request_exit();
    u64 one = 1;
    [[maybe_unused]] ssize_t n = ::write(m_stop_event.get(), &one, sizeof one);
}

}  // namespace flint::vmm
