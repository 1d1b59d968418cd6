#include "hv/speed_probe.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>


namespace flint::hv {

namespace {

constexpr u64 kCodeGpa = 0x1000;
constexpr u16 kDonePort = 0xf4;

// Real-mode code at kCodeGpa: mov ecx, N; 1: dec ecx; jnz 1b; out 0xf4, al; hlt.
std::array<u8, 14> probe_code() {
    std::array<u8, 14> code{0x66, 0xb9, 0, 0, 0, 0,  // mov ecx, imm32
                            0x66, 0x49,              // dec ecx
                            0x75, 0xfc,              // jnz -4
                            0xe6, 0xf4,              // out 0xf4, al
                            0xf4,                    // hlt
                            0x90};
    for (unsigned i = 0; i < 4; ++i) code[2 + i] = static_cast<u8>(kSpeedProbeIterations >> (8 * i));
    return code;
}

// Stops `vcpu` once `limit` has passed unless disarmed first.
class Watchdog {
public:
    Watchdog(Vcpu& vcpu, std::chrono::milliseconds limit)
        : m_thread([this, &vcpu, limit] {
              std::unique_lock lock(m_mutex);
              if (!m_cv.wait_for(lock, limit, [this] { return m_disarmed; })) {
                  m_fired = true;
                  lock.unlock();
                  vcpu.request_exit();
              }
          }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(m_mutex);
            m_disarmed = true;
        }
        m_cv.notify_one();
        m_thread.join();
    }
    bool fired() {
        std::lock_guard lock(m_mutex);
        return m_fired;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_disarmed = false;
    bool m_fired = false;
    std::thread m_thread;  // last: starts once the members it uses exist
};

// The done port. A back end that reports port I/O as exits (kvm) lets the loop below see
// the OUT; one that calls the bus itself (soft) reaches this device, which then stops the
// vCPU, whose HLT would otherwise sleep for good.
class DonePort final : public BusDevice {
public:
    void read(u64, std::span<u8> data) override { std::fill(data.begin(), data.end(), u8{0xff}); }
    void write(u64, std::span<const u8>) override {
        m_done = true;
        if (Vcpu* vcpu = m_vcpu.load()) vcpu->request_exit();
    }
    void attach(Vcpu* vcpu) { m_vcpu = vcpu; }
    bool done() const { return m_done; }

private:
    std::atomic<Vcpu*> m_vcpu{nullptr};
    std::atomic<bool> m_done{false};
};

}  // namespace

Result<std::chrono::nanoseconds> time_speed_probe(Hypervisor& hypervisor, std::chrono::milliseconds limit) {
    auto memory = FLINT_TRY(GuestMemory::create(1 * MiB));
    const auto code = probe_code();
    if (!memory.write(kCodeGpa, code)) return Error("speed probe: cannot place the probe code");
    Bus pio("probe ports");
    Bus mmio("probe MMIO");
    auto done_port = std::make_shared<DonePort>();
    FLINT_TRY_VOID(pio.insert(done_port, kDonePort, 1));
    auto vm = FLINT_TRY(hypervisor.create_vm());
    vm->attach_io(&pio, &mmio);
    FLINT_TRY_VOID(vm->set_memory(memory));
    auto vcpu = FLINT_TRY(vm->create_vcpu(0, 1));
    done_port->attach(vcpu.get());
    CpuState state;
    state.sregs.cs.type = 0xb;
    state.regs.rip = kCodeGpa;
    FLINT_TRY_VOID(vcpu->set_state(state));

    const auto start = std::chrono::steady_clock::now();
    Watchdog watchdog(*vcpu, limit);
    for (;;) {
        auto exit = FLINT_TRY(vcpu->run());
        if (exit.kind == VcpuExit::Kind::IoOut) (void)pio.write(exit.addr, exit.data);
        if (done_port->done()) return std::chrono::steady_clock::now() - start;
        if (watchdog.fired())
            return Error::format("the probe loop did not finish within {} ms", limit.count());
        if (exit.kind != VcpuExit::Kind::Interrupted && exit.kind != VcpuExit::Kind::IoIn &&
            exit.kind != VcpuExit::Kind::IoOut)
            return Error::format("the probe stopped unexpectedly (exit kind {})", static_cast<int>(exit.kind));
    }
}

}  // namespace flint::hv
