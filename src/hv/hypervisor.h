#pragma once
// The back-end interface: Hypervisor -> Vm -> Vcpu, and what a vCPU run reports.
// `kvm` (hv/kvm) and `soft` (hv/soft) implement it; the VMM only ever sees this.
#include <memory>
#include <span>
#include <string_view>

#include "base/result.h"
#include "base/types.h"
#include "devices/bus.h"
#include "devices/irq_line.h"
#include "devices/msi.h"
#include "hv/cpu_state.h"
#include "memory/guest_memory.h"

namespace flint::hv {

enum class Accel { Auto, Kvm, Soft };

std::string_view accel_name(Accel accel);

// Why Vcpu::run() returned. I/O exits carry a view of the data to transfer: for a read
// (IoIn, MmioRead) the VMM fills `data` before the next run(); for a write it holds the
// bytes the guest wrote. String port I/O (REP INS/OUTS) arrives as `count` back-to-back
// elements of `size` bytes each.
struct VcpuExit {
    enum class Kind : u8 {
        IoIn,
        IoOut,
        MmioRead,
        MmioWrite,
        Halt,         // HLT with nothing to wake it (only without an in-kernel irqchip)
        Shutdown,     // triple fault: the machine resets on real hardware
        SystemReset,  // the platform was asked to reset (a back end's own reset path)
        SystemOff,    // the platform was asked to power off (a back end's own path)
        Interrupted,  // request_exit() or a signal: the VMM checks why and runs again
        Error,        // the back end cannot continue (failed entry, internal error)
    };
    Kind kind = Kind::Error;
    u64 addr = 0;    // port or guest-physical address
    u32 size = 0;    // bytes per element
    u32 count = 1;   // elements (string I/O)
    std::span<u8> data;
    u64 detail = 0;  // back-end specific reason code for Error, for the message
};

class Vcpu {
public:
    virtual ~Vcpu() = default;
    virtual u32 index() const = 0;
    virtual Result<void> set_state(const CpuState& state) = 0;
    virtual Result<CpuState> get_state() = 0;
    // Runs the guest until something needs the VMM. Call only from the vCPU's own thread.
    virtual Result<VcpuExit> run() = 0;
    // From any thread: make a current or the next run() return Interrupted promptly.
    virtual void request_exit() = 0;
    // From any thread: log what this vCPU is doing (registers, interrupt state) at its
    // next chance, from its own thread; flint does this on SIGUSR1 to diagnose a guest
    // that stopped making progress. Back ends without the facility log nothing.
    virtual void request_report() {}
};

// A guest write the back end signals on an eventfd instead of reporting it as an exit
// (kvm: KVM_IOEVENTFD), so that another thread serves it while the vCPU runs on. Destroying
// it unregisters it; the Vm that made it must outlive it.
class IoEvent {
public:
    virtual ~IoEvent() = default;
    // A non-blocking eventfd, signalled once per matching guest write.
    virtual int fd() const = 0;
};

// A Vm is also where devices send message-signalled interrupts (MsiSink::signal_msi): on
// x86 the address names the destination local APIC(s), the data the vector and delivery
// mode. Messages that are not interrupts the platform can deliver are dropped.
class Vm : public MsiSink {
public:
    ~Vm() override = default;
    // Makes all of `memory`'s regions guest RAM. `memory` must outlive the Vm.
    virtual Result<void> set_memory(const GuestMemory& memory) = 0;
    // Creates vCPU `index` of `count` (the topology the guest sees).
    virtual Result<std::unique_ptr<Vcpu>> create_vcpu(u32 index, u32 count) = 0;
    // The line for global system interrupt `gsi` (ISA IRQs 0-15 are GSIs 0-15).
    virtual Result<std::shared_ptr<IrqLine>> irq_line(u32 gsi) = 0;
    // The line for GSI `gsi` when the guest was told it is edge-triggered (the virtio-mmio
    // interrupts in the DSDT). Devices still drive it level-style; the back end may deliver
    // only its rising edges, from any thread and without a system call into the VM (kvm:
    // an irqfd). Back ends without such a path give irq_line(gsi).
    virtual Result<std::shared_ptr<IrqLine>> edge_irq_line(u32 gsi) { return irq_line(gsi); }
    // Asks for guest writes of `value`, `size` bytes wide, to guest-physical `gpa` to arrive
    // as signals on an IoEvent rather than as MmioWrite exits. A null IoEvent: the back end
    // does not offer it (soft, whose vCPUs call the bus directly, which costs less); an
    // error: registration failed. Writes nothing matches still arrive as exits.
    virtual Result<std::unique_ptr<IoEvent>> mmio_write_event(u64 gpa, u32 size, u64 value) {
        (void)gpa;
        (void)size;
        (void)value;
        return std::unique_ptr<IoEvent>();
    }
    // Something other than a vCPU (a device, from the thread it runs on) wrote
    // [gpa, gpa+len) of guest RAM. A back end that caches decoded guest code drops what
    // it decoded there; hardware back ends have nothing to do.
    virtual void note_guest_write(u64 gpa, u64 len) {
        (void)gpa;
        (void)len;
    }
    // The VMM's device buses. A back end that runs guest code in the VMM's own threads
    // (soft) calls them directly; one that reports I/O as exits (kvm) ignores them.
    // Both buses must outlive the Vm.
    virtual void attach_io(const Bus* pio, const Bus* mmio) {
        (void)pio;
        (void)mmio;
    }
    // Logs the state of the VM-wide interrupt and timer hardware the back end models
    // (flint's SIGUSR1 report); nothing where the host kernel keeps it.
    virtual void log_report() const {}
};

class Hypervisor {
public:
    virtual ~Hypervisor() = default;
    // Opens the requested back end; Auto picks kvm when /dev/kvm opens and passes the speed
    // probe (hv/speed_probe.h), soft otherwise.
    static Result<std::unique_ptr<Hypervisor>> open(Accel accel);
    virtual Accel accel() const = 0;
    virtual Result<std::unique_ptr<Vm>> create_vm() = 0;
};

}  // namespace flint::hv
