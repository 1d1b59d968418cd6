#include "hv/kvm/kvm_vcpu.h"

#include <signal.h>
#include <sys/mman.h>

#include <mutex>

#include "hv/kvm/kvm_fd.h"

namespace flint::hv::kvm {

namespace {

// request_exit() interrupts KVM_RUN with this signal; its handler does nothing, it only
// makes the ioctl return EINTR. Installed once per process (signal dispositions are
// process-wide by nature).
int kick_signal() { return SIGRTMIN; }

void install_kick_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_handler = [](int) {};
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: KVM_RUN must return
        sigaction(kick_signal(), &sa, nullptr);
    });
}

kvm_segment to_kvm(const Segment& s) {
    kvm_segment k{};
    k.base = s.base;
    k.limit = s.limit;
    k.selector = s.selector;
    k.type = s.type;
    k.present = s.present;
    k.dpl = s.dpl;
    k.db = s.db;
    k.s = s.s;
    k.l = s.l;
    k.g = s.g;
    k.avl = s.avl;
    k.unusable = s.unusable;
    return k;
}

Segment from_kvm(const kvm_segment& k) {
    return Segment{k.base, k.limit, k.selector, k.type, k.dpl, k.present != 0, k.s != 0, k.db != 0,
                   k.l != 0, k.g != 0, k.avl != 0, k.unusable != 0};
}

}  // namespace

Result<std::unique_ptr<Vcpu>> KvmVcpu::create(int vm_fd, int mmap_size, u32 index, u32 count,
                                              const std::vector<kvm_cpuid_entry2>& supported) {
    install_kick_handler();
    int fd = xioctl(vm_fd, KVM_CREATE_VCPU, index);
    if (fd < 0) return Error::from_errno(fmt::format("KVM_CREATE_VCPU {}", index));
    UniqueFd vcpu_fd(fd);
    void* p = ::mmap(nullptr, static_cast<size_t>(mmap_size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return Error::from_errno("mapping the vCPU's kvm_run area");
    std::unique_ptr<KvmVcpu> vcpu(new KvmVcpu(std::move(vcpu_fd), static_cast<kvm_run*>(p), mmap_size, index));
    FLINT_TRY_VOID(vcpu->setup(count, supported));
    return std::unique_ptr<Vcpu>(std::move(vcpu));
}

KvmVcpu::~KvmVcpu() { ::munmap(m_run, static_cast<size_t>(m_mmap_size)); }

Result<void> KvmVcpu::set_state(const CpuState& state) {
    kvm_sregs sregs{};
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_GET_SREGS, &sregs, "KVM_GET_SREGS"));
    const SpecialRegs& s = state.sregs;
    sregs.cs = to_kvm(s.cs);
    sregs.ds = to_kvm(s.ds);
    sregs.es = to_kvm(s.es);
    sregs.fs = to_kvm(s.fs);
    sregs.gs = to_kvm(s.gs);
    sregs.ss = to_kvm(s.ss);
    sregs.tr = to_kvm(s.tr);
    sregs.ldt = to_kvm(s.ldt);
    sregs.gdt = {s.gdt.base, s.gdt.limit, {}};
    sregs.idt = {s.idt.base, s.idt.limit, {}};
    sregs.cr0 = s.cr0;
    sregs.cr2 = s.cr2;
    sregs.cr3 = s.cr3;
    sregs.cr4 = s.cr4;
    sregs.cr8 = s.cr8;
    sregs.efer = s.efer;
    sregs.apic_base = s.apic_base;
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_SET_SREGS, &sregs, "KVM_SET_SREGS"));

    const Regs& r = state.regs;
    kvm_regs regs{};
    regs.rax = r.gpr[0];
    regs.rcx = r.gpr[1];
    regs.rdx = r.gpr[2];
    regs.rbx = r.gpr[3];
    regs.rsp = r.gpr[4];
    regs.rbp = r.gpr[5];
    regs.rsi = r.gpr[6];
    regs.rdi = r.gpr[7];
    regs.r8 = r.gpr[8];
    regs.r9 = r.gpr[9];
    regs.r10 = r.gpr[10];
    regs.r11 = r.gpr[11];
    regs.r12 = r.gpr[12];
    regs.r13 = r.gpr[13];
    regs.r14 = r.gpr[14];
    regs.r15 = r.gpr[15];
    regs.rip = r.rip;
    regs.rflags = r.rflags;
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_SET_REGS, &regs, "KVM_SET_REGS"));
    return ok();
}

Result<CpuState> KvmVcpu::get_state() {
    kvm_regs regs{};
    kvm_sregs sregs{};
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_GET_REGS, &regs, "KVM_GET_REGS"));
    FLINT_TRY(checked_ioctl(m_fd.get(), KVM_GET_SREGS, &sregs, "KVM_GET_SREGS"));
    CpuState st;
    st.regs.gpr = {regs.rax, regs.rcx, regs.rdx, regs.rbx, regs.rsp, regs.rbp, regs.rsi, regs.rdi,
                   regs.r8,  regs.r9,  regs.r10, regs.r11, regs.r12, regs.r13, regs.r14, regs.r15};
    st.regs.rip = regs.rip;
    st.regs.rflags = regs.rflags;
    SpecialRegs& s = st.sregs;
    s.cs = from_kvm(sregs.cs);
    s.ds = from_kvm(sregs.ds);
    s.es = from_kvm(sregs.es);
    s.fs = from_kvm(sregs.fs);
    s.gs = from_kvm(sregs.gs);
    s.ss = from_kvm(sregs.ss);
    s.tr = from_kvm(sregs.tr);
    s.ldt = from_kvm(sregs.ldt);
    s.gdt = {sregs.gdt.base, sregs.gdt.limit};
    s.idt = {sregs.idt.base, sregs.idt.limit};
    s.cr0 = sregs.cr0;
    s.cr2 = sregs.cr2;
    s.cr3 = sregs.cr3;
    s.cr4 = sregs.cr4;
    s.cr8 = sregs.cr8;
    s.efer = sregs.efer;
    s.apic_base = sregs.apic_base;
    return st;
}

Result<VcpuExit> KvmVcpu::run() {
    if (!m_thread_known.load(std::memory_order_acquire)) {
        m_thread.store(pthread_self());
        m_thread_known.store(true, std::memory_order_release);
    }
    VcpuExit exit;
    if (::ioctl(m_fd.get(), KVM_RUN, 0) < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            __atomic_store_n(&m_run->immediate_exit, 0, __ATOMIC_RELAXED);
            exit.kind = VcpuExit::Kind::Interrupted;
            return exit;
        }
        return Error::from_errno(fmt::format("KVM_RUN on vCPU {}", m_index));
    }
    auto* base = reinterpret_cast<u8*>(m_run);
    switch (m_run->exit_reason) {
    case KVM_EXIT_IO: {
        auto& io = m_run->io;
        exit.kind = io.direction == KVM_EXIT_IO_IN ? VcpuExit::Kind::IoIn : VcpuExit::Kind::IoOut;
        exit.addr = io.port;
        exit.size = io.size;
        exit.count = io.count;
        exit.data = std::span<u8>(base + io.data_offset, size_t{io.size} * io.count);
        break;
    }
    case KVM_EXIT_MMIO: {
        auto& mmio = m_run->mmio;
        exit.kind = mmio.is_write ? VcpuExit::Kind::MmioWrite : VcpuExit::Kind::MmioRead;
        exit.addr = mmio.phys_addr;
        exit.size = mmio.len;
        exit.data = std::span<u8>(mmio.data, std::min<size_t>(mmio.len, sizeof(mmio.data)));
        break;
    }
    case KVM_EXIT_HLT:
        exit.kind = VcpuExit::Kind::Halt;
        break;
    case KVM_EXIT_SHUTDOWN:
        exit.kind = VcpuExit::Kind::Shutdown;
        break;
    case KVM_EXIT_SYSTEM_EVENT:
        switch (m_run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN: exit.kind = VcpuExit::Kind::SystemOff; break;
        case KVM_SYSTEM_EVENT_RESET: exit.kind = VcpuExit::Kind::SystemReset; break;
        default: exit.kind = VcpuExit::Kind::Shutdown; break;
        }
        exit.detail = m_run->system_event.type;
        break;
    case KVM_EXIT_INTR:
        exit.kind = VcpuExit::Kind::Interrupted;
        break;
    case KVM_EXIT_FAIL_ENTRY:
        exit.kind = VcpuExit::Kind::Error;
        exit.detail = m_run->fail_entry.hardware_entry_failure_reason;
        break;
    default:
        exit.kind = VcpuExit::Kind::Error;
        exit.detail = m_run->exit_reason;
        break;
    }
    return exit;
}

void KvmVcpu::request_exit() {
    __atomic_store_n(&m_run->immediate_exit, 1, __ATOMIC_RELEASE);
    if (m_thread_known.load(std::memory_order_acquire)) pthread_kill(m_thread.load(), kick_signal());
}

}  // namespace flint::hv::kvm
