// The running VM: one thread per vCPU, the console's input thread, the host I/O event
// loop thread, and the main thread waiting for a stop request or a host signal.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "base/log.h"
#include "devices/legacy/uart8250.h"
#include "vmm/machine.h"

namespace flint::vmm {

namespace {

// Host signals flint acts on: SIGINT, SIGTERM and SIGHUP stop the VM cleanly, SIGUSR1
// logs a report of what the VM is doing. They are blocked in every thread and read
// through a signalfd by the main thread, so no handler runs in a vCPU thread.
sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    return set;
}

// Peak resident set of this process (VmHWM), in bytes; 0 when unknown.
u64 peak_rss_bytes() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    u64 kib = 0;
    while (std::fgets(line, sizeof line, f)) {
        if (std::sscanf(line, "VmHWM: %lu kB", &kib) == 1) break;
    }
    std::fclose(f);
    return kib * KiB;
}

}  // namespace

void Machine::log_memory_usage() const {
    // Guest RAM is never given back while the VM runs, so what is resident now is the
    // most the guest touched; the rest of the peak is the VMM's own overhead.
    const u64 peak = peak_rss_bytes();
    const u64 guest = m_memory.resident_bytes();
    spdlog::info("memory: peak RSS {:.1f} MiB, guest RAM resident {:.1f} MiB, VMM overhead {:.1f} MiB",
                 static_cast<double>(peak) / MiB, static_cast<double>(guest) / MiB,
                 static_cast<double>(peak > guest ? peak - guest : 0) / MiB);
}

// What a VM that stopped making progress is doing: the serial port (the console the guest
// may be waiting on), the back end's interrupt hardware, and each vCPU (logged from its
// own thread once it notices).
void Machine::log_report() const {
    const Uart8250State uart = m_uart->save();
    spdlog::warn("report: serial IER {:#04x} LCR {:#04x} MCR {:#04x}, THR-empty interrupt {}, {} input bytes unread",
                 uart.ier, uart.lcr, uart.mcr, uart.thr_interrupt ? "pending" : "idle", uart.rx.size());
    m_vm->log_report();
    for (const auto& vcpu : m_vcpus) vcpu->request_report();
}

int Machine::run() {
    sigset_t set = handled_signals();
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &set, &old);
    UniqueFd sigfd(::signalfd(-1, &set, SFD_CLOEXEC));

    auto input = m_console->start_input([this](std::span<const u8> bytes) { m_uart->push_input(bytes); },
                                        [this] { request_stop(static_cast<int>(ExitStatus::Stopped)); });
    if (!input) {
        spdlog::error("{}", input.error().message());
        request_stop(static_cast<int>(ExitStatus::VmmError));
    }

    if (auto loop = m_event_loop->start(); !loop) {
        spdlog::error("host I/O thread: {}", loop.error().message());
        request_stop(static_cast<int>(ExitStatus::VmmError));
    }
    std::vector<std::thread> threads;
    for (auto& vcpu : m_vcpus) threads.emplace_back([this, &vcpu] { vcpu_thread(*vcpu); });

    while (m_exit_status.load() < 0) {
        pollfd fds[2] = {{m_stop_event.get(), POLLIN, 0}, {sigfd.get(), POLLIN, 0}};
        if (::poll(fds, sigfd.valid() ? 2 : 1, -1) < 0 && errno != EINTR) break;
        if (sigfd.valid() && (fds[1].revents & POLLIN)) {
            signalfd_siginfo info{};
            if (::read(sigfd.get(), &info, sizeof info) == sizeof info) {
                if (info.ssi_signo == SIGUSR1) {
                    log_report();
                } else {
                    spdlog::info("stopping the VM on signal {}", strsignal(static_cast<int>(info.ssi_signo)));
                    request_stop(static_cast<int>(ExitStatus::Stopped));
                }
            }
        }
    }
    for (auto& t : threads) t.join();
    m_event_loop->stop();
    m_console->stop_input();
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    log_memory_usage();
    return m_exit_status.load();
}

void Machine::vcpu_thread(hv::Vcpu& vcpu) {
    while (m_exit_status.load(std::memory_order_relaxed) < 0) {
        auto exit = vcpu.run();
        if (!exit) {
            spdlog::error("vCPU {}: {}", vcpu.index(), exit.error().message());
            request_stop(static_cast<int>(ExitStatus::VmmError));
            return;
        }
        if (!handle_exit(vcpu, *exit)) return;
    }
}

bool Machine::handle_exit(hv::Vcpu& vcpu, const hv::VcpuExit& exit) {
    using Kind = hv::VcpuExit::Kind;
    switch (exit.kind) {
    case Kind::IoIn:
    case Kind::IoOut:
        for (u32 i = 0; i < exit.count; ++i) {
            auto element = exit.data.subspan(size_t{i} * exit.size, exit.size);
            // Unclaimed ports are normal on a PC (probes, POST delays): reads see all-ones.
            if (exit.kind == Kind::IoIn)
                (void)m_pio.read(exit.addr, element);
            else
                (void)m_pio.write(exit.addr, element);
        }
        return true;
    case Kind::MmioRead:
        if (!m_mmio.read(exit.addr, exit.data)) spdlog::debug("unclaimed MMIO read at {:#x}", exit.addr);
        return true;
    case Kind::MmioWrite:
        if (!m_mmio.write(exit.addr, exit.data)) spdlog::debug("unclaimed MMIO write at {:#x}", exit.addr);
        return true;
    case Kind::Halt:
        return true;
    case Kind::Interrupted:
        if (spdlog::should_log(spdlog::level::debug)) {
            if (auto state = vcpu.get_state())
                spdlog::debug("vCPU {}: interrupted at RIP {:#x} (CR0 {:#x}, CR3 {:#x})", vcpu.index(),
                              state->regs.rip, state->sregs.cr0, state->sregs.cr3);
        }
        return true;
    case Kind::Shutdown:
        spdlog::warn("vCPU {}: the guest triple-faulted; stopping the VM", vcpu.index());
        request_stop(static_cast<int>(ExitStatus::TripleFault));
        return false;
    case Kind::SystemReset:
        request_stop(static_cast<int>(ExitStatus::Reset));
        return false;
    case Kind::SystemOff:
        request_stop(static_cast<int>(ExitStatus::PowerOff));
        return false;
    case Kind::Error:
        break;
    }
    auto state = vcpu.get_state();
    spdlog::error("vCPU {}: the back end cannot continue (reason {:#x}) at RIP {:#x}", vcpu.index(), exit.detail,
                  state ? state->regs.rip : 0);
    request_stop(static_cast<int>(ExitStatus::VmmError));
    return false;
}

}  // namespace flint::vmm
