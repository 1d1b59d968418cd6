#pragma once
// The virtio-mmio transport, version 2 (virtio 1.2 section 4.2): one 4 KiB register
// window per device at a fixed guest-physical address, announced to Linux in the DSDT.
// Negotiation, queues and the lock live in TransportCore, shared with virtio-pci.
//
// The core's mutex serialises register accesses and queue processing: a notification is served
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

#include "devices/bus.h"
#include "devices/irq_line.h"
#include "devices/virtio/device.h"
#include "devices/virtio/mmio_regs.h"
#include "devices/virtio/transport_core.h"

namespace flint::virtio {

class MmioTransport final : public BusDevice, private TransportCore::Interrupts {
public:
    using GuestWriteHook = TransportCore::GuestWriteHook;

    MmioTransport(std::shared_ptr<Device> device, const GuestMemory& memory, std::shared_ptr<IrqLine> irq,
                  GuestWriteHook on_guest_write = {});

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    u32 status() const;
    u64 bad_accesses() const;
    u32 num_queues() const { return m_core.num_queues(); }

    // A QueueNotify write for queue `index` that reached Flint some other way than through
    // write() (a KVM ioeventfd); served the same way, from any thread.
    void notify_queue(u32 index);

private:
    // TransportCore::Interrupts: InterruptStatus bits and the line, under the core's lock.
    void used_buffer(u32 /*index*/) override { raise(kInterruptUsedBuffer); }
    void config_change() override { raise(kInterruptConfigChange); }
    void clear() override;

    // The helpers below require the core's lock.
    u32 read_reg(MmioReg reg);
    void write_reg(MmioReg reg, u32 value);
    void raise(u32 interrupt_bits);

    std::shared_ptr<IrqLine> m_irq;
    u32 m_interrupt_status = 0;
    TransportCore m_core;  // last: it connects the device, which may use the rest
};

}  // namespace flint::virtio
