#include "bench/contender.h"

#include <fmt/format.h>

namespace flint::bench {

std::string bench_cmdline(std::span<const Suite> suites, const NetWorkload& net) {
    // The suites with a guest workload; with none the guest still starts its shell (a boot
    // figure) and powers off.
    std::string workloads;
    for (Suite s : suites) {
        if (!runs_in_guest(s)) continue;
        if (!workloads.empty()) workloads += ',';
        workloads += suite_name(s);
    }
    // cryptomgr.notests: the soft back end adds it for itself (the crypto self-tests cost
    // a third of its boot); given to both sides, both boot the same way.
    std::string line = fmt::format("console=ttyS0 panic=-1 quiet cryptomgr.notests flint.bench={}", workloads.empty() ? "boot" : workloads);
    if (net.port != 0) line += fmt::format(" flint.bench.net={},{},{}", net.port, net.bytes, net.rounds);
    return line;
}

Contender flint_contender(Backend backend, const GuestSpec& guest, const std::string& flint_path) {
    Contender c{fmt::format("flint-{}", backend_name(backend)), Vmm::Flint, backend, {}};
    c.argv = {flint_path, "run", "--accel", std::string(backend_name(backend)),
              "--memory", fmt::format("{}M", guest.memory_mib), "--cpus", std::to_string(guest.cpus),
              "--console", "stdio", "--kernel", guest.kernel, "--initrd", guest.initrd,
              "--cmdline", guest.cmdline};
    if (!guest.disk.empty()) c.argv.insert(c.argv.end(), {"--disk", "path=" + guest.disk});
    if (guest.net) c.argv.insert(c.argv.end(), {"--net", "user"});
    return c;
}

Contender qemu_contender(Backend backend, const GuestSpec& guest, const std::string& qemu_path) {
    const bool kvm = backend == Backend::Kvm;
    Contender c{kvm ? "qemu-kvm" : "qemu-tcg", Vmm::Qemu, backend, {}};
    std::string cmdline = guest.cmdline;
    if (!kvm && guest.host_tsc_khz != 0) cmdline += fmt::format(" tsc_early_khz={} tsc=reliable", guest.host_tsc_khz);
    c.argv = {qemu_path, "-M", "microvm", "-accel", kvm ? "kvm" : "tcg", "-cpu", kvm ? "host" : "max",
              "-m", fmt::format("{}M", guest.memory_mib), "-smp", std::to_string(guest.cpus),
              "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
              "-kernel", guest.kernel, "-initrd", guest.initrd, "-append", cmdline};
    // The same file as a virtio-mmio disk; microvm lists it in its ACPI tables, as Flint
    // does. QEMU's default cache mode (writeback: through the host's page cache) is
    // Flint's too.
    if (!guest.disk.empty())
        c.argv.insert(c.argv.end(), {"-drive", fmt::format("id=d0,file={},format=raw,if=none", guest.disk),
                                     "-device", "virtio-blk-device,drive=d0"});
    // User-mode networking (slirp) on a virtio-mmio NIC, as Flint's --net user: the guest
    // is 10.0.2.15 by DHCP and reaches the host's loopback as 10.0.2.2.
    if (guest.net) c.argv.insert(c.argv.end(), {"-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"});
    return c;
}

std::string command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const std::string& arg : argv) {
        if (!line.empty()) line += ' ';
        const bool plain = !arg.empty() && arg.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@") == std::string::npos;
        if (plain) {
            line += arg;
            continue;
        }
        line += '\'';
        for (char ch : arg) line += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        line += '\'';
    }
    return line;
}

}  // namespace flint::bench
