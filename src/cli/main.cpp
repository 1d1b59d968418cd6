// The `flint` command line. Flags become a VmConfig; everything else happens in vmm/.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include "base/log.h"
#include "cli/bench_command.h"
#include "vmm/exit_status.h"
#include "vmm/machine.h"
#include "vmm/vm_config.h"

namespace {

using flint::vmm::ExitStatus;

constexpr const char* kRunFooter = R"(Console:
  The guest's serial port (ttyS0) is the terminal. Type Ctrl-A x to quit, Ctrl-A Ctrl-A
  to send a Ctrl-A to the guest.

Exit status:
  0   the guest powered off            2   the guest rebooted (reset)
  4   the guest crashed (triple fault) 6   Flint error (bad input, host failure)
  8   stopped from the host (Ctrl-A x, SIGINT, SIGTERM, SIGHUP)
  odd the guest wrote v to the isa-debug-exit port 0xf4: status (v << 1) | 1

Disks:
  Each --disk adds a virtio-blk device (vda, vdb, ... in the guest, in the order given)
  on a raw image file, which Flint locks while the VM runs. The guest kernel finds the
  virtio devices (disks, then --rng, then --hvc0) in the ACPI tables; it needs the
  virtio_mmio, virtio_blk, virtio-rng and virtio_console drivers.

Second console:
  --hvc0 socket:PATH listens on a Unix socket: attach with
  'socat -,raw,echo=0 UNIX-CONNECT:PATH' to read hvc0's output and type into it (run
  a getty on hvc0 in the guest for a login), detach and attach again while the VM runs.
  One client at a time; output with no client attached is discarded.

Transports:
  A virtio device is on virtio-mmio unless its option says transport=pci: --disk
  path=FILE,transport=pci, --net user,transport=pci, --rng transport=pci, --hvc0
  none,transport=pci. Up to 8 devices fit on virtio-mmio (one ISA interrupt each);
  PCI takes 31 more, on bus 0 behind a host bridge the DSDT declares (PNP0A03), each a
  modern virtio-pci function that interrupts by MSI-X (driver virtio_pci).

Network:
  Each --net adds a virtio-net NIC (eth0, eth1, ... in the guest; driver virtio_net).
  --net user[,hostfwd=RULE]...[,mac=MAC]
      User-mode networking (libslirp), no privileges needed: the guest gets 10.0.2.15
      by DHCP, the gateway 10.0.2.2 is the host (its 127.0.0.1 too), DNS at 10.0.2.3;
      outgoing TCP/UDP is NATed through the host's sockets. IPv6: SLAAC in fec0::/64,
      the host is fec0::2, DNS fec0::3. The NIC's MTU is 65520 (1500 on tap).
      Each hostfwd (repeatable)
      forwards a host port into the guest, in QEMU's syntax:
      [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, e.g. hostfwd=tcp::2222-:22
      (host port 2222 on every address to the guest's port 22) or
      hostfwd=tcp:127.0.0.1:8080-:80.
  --net tap,ifname=NAME[,mac=MAC]
      An existing TAP interface (create it with 'ip tuntap add dev NAME mode tap user
      $USER' and bridge or route it), or one Flint creates when run with CAP_NET_ADMIN.
  The MAC address defaults to 52:54:00:12:34:56 (+1 for each further NIC).

Examples:
  flint run --kernel out/guest/vmlinuz --initrd out/guest/initramfs.cpio.gz
  flint run --kernel out/guest/vmlinuz --initrd out/guest/initramfs.cpio.gz \
      --disk path=data.img,id=data --disk path=base.img,readonly=on --rng --hvc0 file:hvc0.log
  flint run --kernel out/guest/vmlinuz --initrd out/guest/initramfs.cpio.gz \
      --net user,hostfwd=tcp::2222-:22)";

int fail(std::string_view message) {
    fmt::print(stderr, "flint: error: {}\n", message);
    return static_cast<int>(ExitStatus::VmmError);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Flint: a virtual machine monitor. One process runs one VM."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "flint 0.1.0");
    std::string log_level = "warn";
    app.add_option("--log-level", log_level, "error, warn, info, debug or trace (to stderr)")
        ->check(CLI::IsMember({"error", "warn", "info", "debug", "trace"}))
        ->capture_default_str();

    flint::vmm::VmConfig config;
    std::string memory = "512M", accel = "auto", console = "stdio";
    std::vector<std::string> disks;
    std::string hvc0;
    std::vector<std::string> nets;
    auto* run = app.add_subcommand("run", "Boot a Linux kernel in a new VM");
    run->add_option("--kernel", config.kernel, "Linux bzImage to boot")->required()->type_name("PATH");
    run->add_option("--initrd", config.initrd, "initramfs to hand the kernel")->type_name("PATH");
    run->add_option("--cmdline", config.cmdline, "kernel command line")->capture_default_str()->type_name("STR");
    run->add_option("--memory,-m", memory, "guest RAM: 512M, 2G, ... (a plain number is MiB)")->capture_default_str()->type_name("SIZE");
    run->add_option("--cpus", config.cpus, "number of vCPUs")->capture_default_str()->type_name("N");
    run->add_option("--accel", accel, "CPU back end: kvm, soft, or auto (kvm when /dev/kvm opens and runs guest code at hardware speed)")->capture_default_str()->type_name("ACCEL");
    run->add_option("--console", console, "serial console: stdio, none, or file:PATH")->capture_default_str()->type_name("CONSOLE");
    run->add_option("--disk", disks, "virtio-blk disk on a raw image file (repeatable): path=FILE[,readonly=on][,id=NAME][,transport=pci]")
        ->type_name("DISK")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    std::vector<std::string> rng;
    run->add_option("--rng", rng, "add a virtio-rng entropy device (/dev/hwrng in the guest); transport=pci puts it on PCI")
        ->expected(0, 1)
        ->type_name("[transport=pci]");
    run->add_option("--hvc0", hvc0,
                    "add a virtio-console (hvc0 in the guest): none, file:PATH (its output) or socket:PATH (both "
                    "ways, see below); ,transport=pci puts it on PCI")
        ->type_name("CONSOLE");
    run->add_option("--net", nets,
                    "virtio-net NIC (repeatable): user[,hostfwd=tcp::HOSTPORT-:GUESTPORT][,mac=MAC] or "
                    "tap,ifname=NAME[,mac=MAC], each [,transport=pci]; see Network below")
        ->type_name("NET")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run->footer(kRunFooter);

    flint::cli::BenchCommand bench;
    flint::cli::add_bench_command(app, bench);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(fmt::format("{} (see 'flint --help', 'flint run --help' or 'flint bench --help')", e.what()));
    }

    using flint::LogLevel;
    flint::init_logging(log_level == "error" ? LogLevel::Error
                        : log_level == "info" ? LogLevel::Info
                        : log_level == "debug" ? LogLevel::Debug
                        : log_level == "trace" ? LogLevel::Trace
                                               : LogLevel::Warn);

    if (bench.app->parsed()) {
        auto done = flint::cli::run_bench_command(bench);
        return done ? 0 : fail(done.error().message());
    }

    auto mem = flint::vmm::parse_memory_size(memory);
    if (!mem) return fail(mem.error().message());
    config.memory = *mem;
    auto acc = flint::vmm::parse_accel(accel);
    if (!acc) return fail(acc.error().message());
    config.accel = *acc;
    auto con = flint::vmm::parse_console(console);
    if (!con) return fail(con.error().message());
    config.console = *con;
    if (run->count("--rng")) {
        auto t = flint::vmm::parse_rng(rng.empty() ? std::string_view{} : std::string_view{rng.front()});
        if (!t) return fail(t.error().message());
        config.rng = true;
        config.rng_transport = *t;
    }
    if (!hvc0.empty()) {
        auto h = flint::vmm::parse_hvc0(hvc0, &config.hvc0_transport);
        if (!h) return fail(fmt::format("--hvc0: {}", h.error().message()));
        config.hvc0 = *h;
    }
    for (const std::string& text : disks) {
        auto disk = flint::vmm::parse_disk(text);
        if (!disk) return fail(disk.error().message());
        config.disks.push_back(std::move(*disk));
    }
    for (const std::string& text : nets) {
        auto net = flint::vmm::parse_net(text);
        if (!net) return fail(net.error().message());
        config.nets.push_back(std::move(*net));
    }

    auto machine = flint::vmm::Machine::create(config);
    if (!machine) return fail(machine.error().message());
    return (*machine)->run();
}
