// Everything else of the general-purpose set: NOPs, UD0/1/2, HLT, CPUID, time stamp
// counter, flag instructions, software interrupts and port I/O.
#include "x86/cpuid.h"
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr auto kRax = static_cast<u8>(Reg::Rax);
constexpr auto kRcx = static_cast<u8>(Reg::Rcx);
constexpr auto kRdx = static_cast<u8>(Reg::Rdx);
constexpr auto kRbx = static_cast<u8>(Reg::Rbx);

void write_edx_eax(Cpu& cpu, u64 v) {
    cpu.set_reg(kRax, 4, v & 0xffffffff);
    cpu.set_reg(kRdx, 4, v >> 32);
}

// Protected mode: CPL <= IOPL (real mode: always).
bool io_allowed(const Cpu& cpu) {
    const auto iopl = static_cast<unsigned>((cpu.rflags() & rflags::IOPL) >> 12);
    return cpu.mode() == CpuMode::Real || cpu.cpl() <= iopl;
}

u16 io_port(Cpu& cpu, const Insn& in) {
    return static_cast<u16>(in.has(insn_flags::Imm) ? in.imm & 0xff : cpu.reg(kRdx, 2));
}

}  // namespace

Event op_nop(Cpu&, const Insn&) { return Event::none(); }

// FIXME: a vCPU spinning on PAUSE could yield the host thread here.
Event op_pause(Cpu&, const Insn&) { return Event::none(); }

Event op_ud(Cpu&, const Insn&) { return ud(); }
Event op_unimplemented(Cpu&, const Insn&) { return ud(); }

Event op_cpuid(Cpu& cpu, const Insn&) {
    const CpuidResult r = cpuid_query(cpu.model(), static_cast<u32>(cpu.gpr(kRax)), static_cast<u32>(cpu.gpr(kRcx)));
    cpu.set_reg(kRax, 4, r.eax);
    cpu.set_reg(kRbx, 4, r.ebx);
    cpu.set_reg(kRcx, 4, r.ecx);
    cpu.set_reg(kRdx, 4, r.edx);
    return Event::none();
}

Event op_rdtsc(Cpu& cpu, const Insn&) {
    if ((cpu.state().cr4 & cr4::TSD) && cpu.cpl() != 0) return raise(Vector::GP, 0);
    write_edx_eax(cpu, cpu.tsc());
    return Event::none();
}

// ext: 0 CLC 1 STC 2 CLI 3 STI 4 CLD 5 STD 6 CMC.
// CLI/STI need CPL <= IOPL in protected mode (FIXME: VME/PVI virtual interrupt flags).
// STI that sets IF holds interrupts off for one more instruction (STI; HLT, STI; RET).
Event op_flag(Cpu& cpu, const Insn& in) {
    LazyFlags& f = cpu.flags();
    if ((in.ext == 2 || in.ext == 3) && !io_allowed(cpu)) return raise(Vector::GP, 0);
    switch (in.ext) {
    case 0: f.set_flag(rflags::CF, false); break;
    case 1: f.set_flag(rflags::CF, true); break;
    case 2: f.set_flag(rflags::IF, false); break;
    case 3:
        if (!f.test_control(rflags::IF)) cpu.set_interrupt_shadow();
        f.set_flag(rflags::IF, true);
        break;
    case 4: f.set_flag(rflags::DF, false); break;
    case 5: f.set_flag(rflags::DF, true); break;
    default: f.set_flag(rflags::CF, !f.cf()); break;
    }
    return Event::none();
}

Event op_in(Cpu& cpu, const Insn& in) {
    const u16 port = io_port(cpu, in);
    if (!check_io(cpu, port, in.opsize)) return cpu.fault();
    const u32 v = cpu.bus().port_in(port, in.opsize);
    cpu.set_reg(kRax, in.opsize, v);
    return Event::none();
}

Event op_out(Cpu& cpu, const Insn& in) {
    const u16 port = io_port(cpu, in);
    if (!check_io(cpu, port, in.opsize)) return cpu.fault();
    cpu.bus().port_out(port, in.opsize, static_cast<u32>(cpu.reg(kRax, in.opsize)));
    return Event::none();
}

Event op_int3(Cpu&, const Insn&) { return Event::software_interrupt(Vector::BP); }
Event op_int(Cpu&, const Insn& in) { return Event::software_interrupt(static_cast<Vector>(in.imm & 0xff)); }
Event op_into(Cpu& cpu, const Insn&) {
    return cpu.flags().of() ? Event::software_interrupt(Vector::OF) : Event::none();
}
// INT1 (ICEBP) is a trap like the others but not subject to the software-interrupt rules.
Event op_int1(Cpu&, const Insn&) {
    Event e = Event::software_interrupt(Vector::DB);
    return e;
}

}  // namespace flint::x86
