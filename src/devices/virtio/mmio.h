#pragma once
// The virtio-mmio transport, version 2 (virtio 1.2 section 4.2): one 4 KiB register
// window per device at a fixed guest-physical address, announced to Linux on its
// command line (virtio_mmio.device=4K@ADDR:IRQ), as Firecracker does.
//
// One mutex serialises register accesses and queue processing: a notification is served
// on the vCPU thread that wrote QueueNotify (on kvm through an MMIO exit, on soft as a
// direct call from the interpreter). Host-side work a device starts itself (a network
// frame for the guest, on the event loop thread) takes the same mutex through
// TransportLink::run_locked. On kvm, QueueNotify writes may instead arrive as ioeventfd
// signals on the event loop thread, through notify_queue(), under the same mutex.
//
// The interrupt line is level-style: high while InterruptStatus is non-zero, driven under
// the mutex so the two always agree. The guest was told the line is edge-triggered (as
// ISA interrupts are), so it hears only rising edges: an InterruptAck that leaves bits
// pending lowers and raises the line again, or the driver would never learn of them.
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "devices/bus.h"
#include "devices/irq_line.h"
#include "devices/virtio/device.h"
#include "devices/virtio/mmio_regs.h"

namespace flint::virtio {

class MmioTransport final : public BusDevice, private Transport, private TransportLink {
public:
    // Called for every range of guest RAM a device writes (may be empty).
    using GuestWriteHook = std::function<void(u64 gpa, u64 len)>;

    MmioTransport(std::shared_ptr<Device> device, const GuestMemory& memory, std::shared_ptr<IrqLine> irq,
                  GuestWriteHook on_guest_write = {});

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    u32 status() const;
    u64 bad_accesses() const;
    u32 num_queues() const { return static_cast<u32>(m_queues.size()); }

    // A QueueNotify write for queue `index` that reached Flint some other way than through
    // write() (a KVM ioeventfd); served the same way, from any thread.
    void notify_queue(u32 index);

private:
    // Transport, for the device; called with m_mutex held.
    const GuestMemory& memory() const override { return m_memory; }
    Queue& queue(u32 index) override { return m_queues[index]; }
    void signal_used(u32 index) override;
    void mark_broken(std::string_view why) override;
    void guest_written(u64 gpa, u64 len) override {
        if (m_on_guest_write) m_on_guest_write(gpa, len);
    }

    // TransportLink, for the device's host-side work.
    bool run_locked(const std::function<void(Transport&)>& work) override;

    // The helpers below require m_mutex.
    u32 read_reg(MmioReg reg);
    void write_reg(MmioReg reg, u32 value);
    void write_status(u32 value);
    void notify(u32 index);
    void raise(u32 interrupt_bits);
    void reset();
    Queue* selected_queue();
    u64 offered_features() const;

    std::shared_ptr<Device> m_device;
    const GuestMemory& m_memory;
    std::shared_ptr<IrqLine> m_irq;
    GuestWriteHook m_on_guest_write;

    mutable std::mutex m_mutex;
    std::vector<Queue> m_queues;
    u32 m_status = 0;
    u32 m_interrupt_status = 0;
    u32 m_device_features_sel = 0;
    u32 m_driver_features_sel = 0;
    u64 m_driver_features = 0;
    u32 m_queue_sel = 0;
    bool m_broken_logged = false;
    u64 m_bad_accesses = 0;
};

}  // namespace flint::virtio
