// Stack instructions: PUSH/POP (registers, memory, immediates, segment registers),
// PUSHF/POPF, ENTER/LEAVE, PUSHA/POPA. Multi-step instructions restore RSP/RBP when a
// later step faults, so a fault leaves the registers as they were.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr auto kRsp = static_cast<u8>(Reg::Rsp);
constexpr auto kRbp = static_cast<u8>(Reg::Rbp);

// The one place that decides which RFLAGS bits POPF may change. Today the CPU always
// runs at CPL 0, where IF and IOPL are writable.
// FIXME(part 2): CPL > 0 keeps IOPL; CPL > IOPL keeps IF; virtual-8086 mode rules.
// What POPF may change (SDM vol. 2, POPF): IOPL only at CPL 0, IF only when CPL <= IOPL
// (real mode counts as CPL 0); other bits silently stay. VM, VIF, VIP never change; RF
// clears.
u64 popf_writable(const Cpu& cpu, unsigned opsize) {
    u64 bits = rflags::Status | rflags::TF | rflags::DF | rflags::NT | rflags::AC | rflags::ID;
    const auto iopl = static_cast<unsigned>((cpu.rflags() & rflags::IOPL) >> 12);
    if (cpu.cpl() == 0) bits |= rflags::IOPL;
    if (cpu.cpl() <= iopl) bits |= rflags::IF;
    return opsize == 2 ? bits & 0xffff : bits;
}

struct SavedStack {
    u64 rsp, rbp;
};
Event restore(Cpu& cpu, SavedStack s) {
    cpu.gpr(kRsp) = s.rsp;
    cpu.gpr(kRbp) = s.rbp;
    return cpu.fault();
}

}  // namespace

// 50-57, FF /6. PUSH RSP pushes the value from before the decrement.
Event op_push(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!read_e(cpu, in, v) || !cpu.push(v, in.opsize)) return cpu.fault();
    return Event::none();
}

Event op_push_imm(Cpu& cpu, const Insn& in) {
    if (!cpu.push(imm_value(in), in.opsize)) return cpu.fault();
    return Event::none();
}

// 58-5F, 8F /0. A memory destination's address is computed after RSP has moved.
Event op_pop(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!in.mem()) {
        if (!cpu.pop(in.opsize, v)) return cpu.fault();
        cpu.set_reg(in.rm, in.opsize, v);
        return Event::none();
    }
    const u64 old_rsp = cpu.gpr(kRsp);
    if (!cpu.peek(0, in.opsize, v)) return cpu.fault();
    cpu.adjust_sp(in.opsize);
    if (!write_e(cpu, in, v)) {
        cpu.gpr(kRsp) = old_rsp;
        return cpu.fault();
    }
    return Event::none();
}

// The pushed image has RF and VM clear.
Event op_pushf(Cpu& cpu, const Insn& in) {
    const u64 v = cpu.rflags() & ~(rflags::RF | rflags::VM);
    if (!cpu.push(v & size_mask(in.opsize), in.opsize)) return cpu.fault();
    return Event::none();
}

Event op_popf(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!cpu.pop(in.opsize, v)) return cpu.fault();
    const u64 mask = popf_writable(cpu, in.opsize);
    cpu.set_rflags(((cpu.rflags() & ~mask) | (v & mask)) & ~rflags::RF);
    return Event::none();
}

// ENTER alloc, level: push rBP, copy `level - 1` frame pointers from the old frame, push
// the new frame pointer, then reserve `alloc` bytes. On a fault the host restores RSP and
// RBP but keeps the stores already done (checked against it with x86diff), so this
// pushes as it goes and only restores the registers.
Event op_enter(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    const unsigned level = in.imm2 & 31;
    const u64 alloc = in.imm & 0xffff;
    const SavedStack saved{cpu.gpr(kRsp), cpu.gpr(kRbp)};
    const unsigned ss = static_cast<unsigned>(Seg::Ss);
    if (!cpu.push(cpu.reg(kRbp, size), size)) return cpu.fault();
    const u64 frame = cpu.gpr(kRsp) & size_mask(cpu.stack_size());
    if (level > 0) {
        u64 bp = cpu.gpr(kRbp);
        for (unsigned i = 1; i < level; ++i) {
            bp = (bp - size) & size_mask(cpu.stack_size());
            u64 v;
            if (!cpu.read_mem(cpu.linear(ss, bp), size, v) || !cpu.push(v, size)) return restore(cpu, saved);
        }
        if (!cpu.push(frame, size)) return restore(cpu, saved);
    }
    // The final RSP must be writable too: hardware probes it before committing.
    const u64 new_sp = (cpu.gpr(kRsp) - alloc) & size_mask(cpu.stack_size());
    if (alloc != 0 && !cpu.probe_write(cpu.linear(ss, new_sp), size)) return restore(cpu, saved);
    cpu.set_reg(kRbp, size, frame);
    cpu.adjust_sp(0 - alloc);
    return Event::none();
}

// LEAVE: RSP = RBP, then pop RBP.
Event op_leave(Cpu& cpu, const Insn& in) {
    const SavedStack saved{cpu.gpr(kRsp), cpu.gpr(kRbp)};
    cpu.set_reg(kRsp, cpu.stack_size(), cpu.gpr(kRbp));
    u64 v;
    if (!cpu.pop(in.opsize, v)) return restore(cpu, saved);
    cpu.set_reg(kRbp, in.opsize, v);
    return Event::none();
}

// PUSHA/PUSHAD: AX CX DX BX (original) SP BP SI DI.
Event op_pusha(Cpu& cpu, const Insn& in) {
    const SavedStack saved{cpu.gpr(kRsp), cpu.gpr(kRbp)};
    const u64 sp = cpu.reg(kRsp, in.opsize);
    for (unsigned r = 0; r < 8; ++r) {
        const u64 v = r == kRsp ? sp : cpu.reg(static_cast<u8>(r), in.opsize);
        if (!cpu.push(v, in.opsize)) return restore(cpu, saved);
    }
    return Event::none();
}

// POPA/POPAD: DI SI BP (SP skipped) BX DX CX AX. All slots are read before any register
// changes.
Event op_popa(Cpu& cpu, const Insn& in) {
    u64 v[8];
    for (unsigned i = 0; i < 8; ++i)
        if (!cpu.peek(u64{i} * in.opsize, in.opsize, v[i])) return cpu.fault();
    for (unsigned i = 0; i < 8; ++i) {
        const unsigned r = 7 - i;
        if (r != kRsp) cpu.set_reg(static_cast<u8>(r), in.opsize, v[i]);
    }
    cpu.adjust_sp(8u * in.opsize);
    return Event::none();
}

// With a 32/64-bit operand the stack slot is that wide, but only the selector's 16 bits
// are written (what current Intel processors do; the rest keeps its old contents).
Event op_push_seg(Cpu& cpu, const Insn& in) {
    const u16 sel = cpu.state().seg[in.ext].selector;
    if (in.opsize == 2) {
        if (!cpu.push(sel, 2)) return cpu.fault();
        return Event::none();
    }
    const u64 sp = (cpu.gpr(kRsp) - in.opsize) & size_mask(cpu.stack_size());
    if (!cpu.write_mem(cpu.linear(static_cast<unsigned>(Seg::Ss), sp), 2, sel)) return cpu.fault();
    cpu.set_reg(kRsp, cpu.stack_size(), sp);
    return Event::none();
}

// POP SS also holds off interrupts for one instruction (load_segment).
Event op_pop_seg(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!cpu.peek(0, in.opsize, v)) return cpu.fault();
    if (!cpu.load_segment(static_cast<Seg>(in.ext), static_cast<u16>(v))) return cpu.fault();
    cpu.adjust_sp(in.opsize);
    return Event::none();
}

}  // namespace flint::x86
