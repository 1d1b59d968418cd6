#include "hv/kvm/kvm_eventfds.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>

#include "base/log.h"
#include "hv/kvm/kvm_fd.h"

namespace flint::hv::kvm {

namespace {

Result<UniqueFd> make_eventfd() {
    UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!fd.valid()) return Error::from_errno("eventfd");
    return fd;
}

}  // namespace

Result<std::shared_ptr<IrqLine>> KvmIrqfdLine::create(int vm_fd, u32 gsi) {
    auto event = FLINT_TRY(make_eventfd());
    kvm_irqfd irqfd{};
    irqfd.fd = static_cast<u32>(event.get());
    irqfd.gsi = gsi;
    FLINT_TRY(checked_ioctl(vm_fd, KVM_IRQFD, &irqfd, fmt::format("KVM_IRQFD for GSI {}", gsi)));
    return std::shared_ptr<IrqLine>(new KvmIrqfdLine(vm_fd, gsi, std::move(event)));
}

KvmIrqfdLine::~KvmIrqfdLine() {
    kvm_irqfd irqfd{};
    irqfd.fd = static_cast<u32>(m_event.get());
    irqfd.gsi = m_gsi;
    irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
    (void)xioctl(m_vm_fd, KVM_IRQFD, &irqfd);
}

void KvmIrqfdLine::rising_edge() {
    const u64 one = 1;
    // EAGAIN only when the counter is near overflow, i.e. KVM has stopped reading it.
    if (::write(m_event.get(), &one, sizeof one) != sizeof one && !m_warned.exchange(true))
        spdlog::warn("irqfd for GSI {}: write failed: {}", m_gsi, std::strerror(errno));
}

Result<std::unique_ptr<IoEvent>> KvmIoEvent::create(int vm_fd, u64 gpa, u32 size, u64 value) {
    auto event = FLINT_TRY(make_eventfd());
    kvm_ioeventfd reg{};
    reg.datamatch = value;
    reg.addr = gpa;
    reg.len = size;
    reg.fd = event.get();
    reg.flags = KVM_IOEVENTFD_FLAG_DATAMATCH;
    FLINT_TRY(checked_ioctl(vm_fd, KVM_IOEVENTFD, &reg, fmt::format("KVM_IOEVENTFD at {:#x}", gpa)));
    return std::unique_ptr<IoEvent>(new KvmIoEvent(vm_fd, reg, std::move(event)));
}

KvmIoEvent::~KvmIoEvent() {
    kvm_ioeventfd reg = m_registration;
    reg.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
    (void)xioctl(m_vm_fd, KVM_IOEVENTFD, &reg);
}

}  // namespace flint::hv::kvm
