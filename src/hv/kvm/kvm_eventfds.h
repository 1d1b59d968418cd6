#pragma once
// The eventfd paths into and out of a KVM VM: an irqfd turns a write on an eventfd into an
// edge on a GSI of the in-kernel irqchip, an ioeventfd turns a guest's MMIO write into a
// signal on an eventfd instead of an exit. Both spare a thread the round trip through
// KVM_RUN or KVM_IRQ_LINE, and both are unregistered when their object goes.
#include <linux/kvm.h>

#include <memory>

#include "base/result.h"
#include "base/unique_fd.h"
#include "hv/edge_irq_line.h"
#include "hv/hypervisor.h"

namespace flint::hv::kvm {

// A GSI the guest treats as edge-triggered, delivered through KVM_IRQFD: every rising
// edge the device drives is one eventfd write, one interrupt.
class KvmIrqfdLine final : public EdgeIrqLine {
public:
    static Result<std::shared_ptr<IrqLine>> create(int vm_fd, u32 gsi);
    ~KvmIrqfdLine() override;
    KvmIrqfdLine(const KvmIrqfdLine&) = delete;
    KvmIrqfdLine& operator=(const KvmIrqfdLine&) = delete;

private:
    KvmIrqfdLine(int vm_fd, u32 gsi, UniqueFd event) : m_vm_fd(vm_fd), m_gsi(gsi), m_event(std::move(event)) {}
    void rising_edge() override;

    int m_vm_fd;
    u32 m_gsi;
    UniqueFd m_event;
    std::atomic<bool> m_warned{false};
};

// A KVM_IOEVENTFD registration: writes of one value, of one width, to one address.
class KvmIoEvent final : public IoEvent {
public:
    static Result<std::unique_ptr<IoEvent>> create(int vm_fd, u64 gpa, u32 size, u64 value);
    ~KvmIoEvent() override;
    KvmIoEvent(const KvmIoEvent&) = delete;
    KvmIoEvent& operator=(const KvmIoEvent&) = delete;
    int fd() const override { return m_event.get(); }

private:
    KvmIoEvent(int vm_fd, const kvm_ioeventfd& registration, UniqueFd event)
        : m_vm_fd(vm_fd), m_registration(registration), m_event(std::move(event)) {}

    int m_vm_fd;
    kvm_ioeventfd m_registration;
    UniqueFd m_event;
};

}  // namespace flint::hv::kvm
