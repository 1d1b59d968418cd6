// Branches: Jcc, JMP, CALL, RET, LOOP family, JrCXZ; and the flag-conditional moves
// SETcc and CMOVcc.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr auto kRcx = static_cast<u8>(Reg::Rcx);

// CALL: the target is checked before the return address is pushed, so a bad target
// faults with the stack untouched.
Event call_to(Cpu& cpu, u64 target, unsigned opsize) {
    target &= size_mask(opsize);
    if (opsize == 8 && !Cpu::canonical(target)) return raise(Vector::GP, 0);
    if (!cpu.push(cpu.rip(), opsize)) return cpu.fault();
    cpu.jump(target, opsize);
    return Event::none();
}

}  // namespace

Event op_jcc(Cpu& cpu, const Insn& in) {
    if (cpu.flags().cond(in.ext) && !cpu.jump(cpu.rip() + in.imm, in.opsize)) return cpu.fault();
    return Event::none();
}

Event op_jmp_rel(Cpu& cpu, const Insn& in) {
    if (!cpu.jump(cpu.rip() + in.imm, in.opsize)) return cpu.fault();
    return Event::none();
}

Event op_jmp_ind(Cpu& cpu, const Insn& in) {
    u64 target;
    if (!read_e(cpu, in, target) || !cpu.jump(target, in.opsize)) return cpu.fault();
    return Event::none();
}

Event op_call_rel(Cpu& cpu, const Insn& in) { return call_to(cpu, cpu.rip() + in.imm, in.opsize); }

Event op_call_ind(Cpu& cpu, const Insn& in) {
    u64 target;
    if (!read_e(cpu, in, target)) return cpu.fault();
    return call_to(cpu, target, in.opsize);
}

// RET / RET imm16: RSP moves only once the target is known to be good.
Event op_ret(Cpu& cpu, const Insn& in) {
    u64 target;
    if (!cpu.peek(0, in.opsize, target) || !cpu.jump(target, in.opsize)) return cpu.fault();
    cpu.adjust_sp(in.opsize + (in.has(insn_flags::Imm) ? (in.imm & 0xffff) : 0));
    return Event::none();
}

// ext: 0 LOOPNE, 1 LOOPE, 2 LOOP. The counter is CX/ECX/RCX by address size.
Event op_loop(Cpu& cpu, const Insn& in) {
    const u64 count = (cpu.gpr(kRcx) - 1) & size_mask(in.addrsize);
    bool taken = count != 0;
    if (in.ext == 0) taken = taken && !cpu.flags().zf();
    if (in.ext == 1) taken = taken && cpu.flags().zf();
    if (taken && !cpu.jump(cpu.rip() + in.imm, in.opsize)) return cpu.fault();
    cpu.set_reg(kRcx, in.addrsize, count);
    return Event::none();
}

Event op_jcxz(Cpu& cpu, const Insn& in) {
    if ((cpu.gpr(kRcx) & size_mask(in.addrsize)) == 0 && !cpu.jump(cpu.rip() + in.imm, in.opsize))
        return cpu.fault();
    return Event::none();
}

Event op_setcc(Cpu& cpu, const Insn& in) {
    if (!write_e(cpu, in, cpu.flags().cond(in.ext) ? 1 : 0)) return cpu.fault();
    return Event::none();
}

// The source is read (and may fault) whatever the condition; a false condition with a
// 32-bit operand still zero-extends the destination, as any 32-bit register write does.
Event op_cmovcc(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    write_g(cpu, in, cpu.flags().cond(in.ext) ? v : read_g(cpu, in));
    return Event::none();
}

}  // namespace flint::x86
