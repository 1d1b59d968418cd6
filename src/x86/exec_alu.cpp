// Two-operand arithmetic/logic, TEST, INC/DEC/NOT/NEG and the exchange family.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

using insn_flags::Imm;
using insn_flags::Rev;

enum AluOp : unsigned { kAdd, kOr, kAdc, kSbb, kAnd, kSub, kXor, kCmp };

// Which lazy-flag kind each ALU operation records (ADC/SBB fold their carry into the
// result, so they record as ADD/SUB; see lazy_flags.h).
constexpr FlagOp kAluFlags[8] = {FlagOp::Add, FlagOp::Logic, FlagOp::Add, FlagOp::Sub,
                                 FlagOp::Logic, FlagOp::Sub, FlagOp::Logic, FlagOp::Sub};

// Result only; flags are recorded after the destination write has succeeded.
inline u64 alu_result(unsigned op, unsigned size, u64 dst, u64 src, bool cf) {
    const u64 c = cf ? 1 : 0;
    u64 r = 0;
    switch (op) {
    case kAdd: r = dst + src; break;
    case kOr: r = dst | src; break;
    case kAdc: r = dst + src + c; break;
    case kSbb: r = dst - src - c; break;
    case kAnd: r = dst & src; break;
    case kSub:
    case kCmp: r = dst - src; break;
    case kXor: r = dst ^ src; break;
    default: break;
    }
    return r & size_mask(size);
}

}  // namespace

Event op_alu(Cpu& cpu, const Insn& in) {
    const unsigned op = in.ext, size = in.opsize;
    const bool cf = (op == kAdc || op == kSbb) && cpu.flags().cf();
    if (in.has(Rev)) {  // G = G op E
        u64 src;
        if (!read_e(cpu, in, src)) return cpu.fault();
        const u64 dst = read_g(cpu, in);
        const u64 r = alu_result(op, size, dst, src, cf);
        if (op != kCmp) write_g(cpu, in, r);
        cpu.flags().set(kAluFlags[op], size, dst, src, r);
        return Event::none();
    }
    const u64 src = read_src_g_or_imm(cpu, in);
    u64 lin = 0, dst;
    if (!read_e_at(cpu, in, lin, dst)) return cpu.fault();
    const u64 r = alu_result(op, size, dst, src, cf);
    if (op != kCmp && !write_e_at(cpu, in, lin, r)) return cpu.fault();
    cpu.flags().set(kAluFlags[op], size, dst, src, r);
    return Event::none();
}

Event op_test(Cpu& cpu, const Insn& in) {
    u64 dst;
    if (!read_e(cpu, in, dst)) return cpu.fault();
    cpu.flags().set_logic(in.opsize, dst & read_src_g_or_imm(cpu, in));
    return Event::none();
}

Event op_inc(Cpu& cpu, const Insn& in) {
    u64 lin = 0, v;
    if (!read_e_at(cpu, in, lin, v)) return cpu.fault();
    const u64 r = (v + 1) & size_mask(in.opsize);
    if (!write_e_at(cpu, in, lin, r)) return cpu.fault();
    cpu.flags().set_inc(in.opsize, v, r);
    return Event::none();
}

Event op_dec(Cpu& cpu, const Insn& in) {
    u64 lin = 0, v;
    if (!read_e_at(cpu, in, lin, v)) return cpu.fault();
    const u64 r = (v - 1) & size_mask(in.opsize);
    if (!write_e_at(cpu, in, lin, r)) return cpu.fault();
    cpu.flags().set_dec(in.opsize, v, r);
    return Event::none();
}

Event op_not(Cpu& cpu, const Insn& in) {
    u64 lin = 0, v;
    if (!read_e_at(cpu, in, lin, v)) return cpu.fault();
    if (!write_e_at(cpu, in, lin, ~v & size_mask(in.opsize))) return cpu.fault();
    return Event::none();  // NOT leaves the flags alone
}

Event op_neg(Cpu& cpu, const Insn& in) {
    u64 lin = 0, v;
    if (!read_e_at(cpu, in, lin, v)) return cpu.fault();
    const u64 r = (0 - v) & size_mask(in.opsize);
    if (!write_e_at(cpu, in, lin, r)) return cpu.fault();
    cpu.flags().set_sub(in.opsize, 0, v, r);  // CF = (v != 0) falls out of the borrow
    return Event::none();
}

Event op_xchg(Cpu& cpu, const Insn& in) {
    // 90 without REX.B is NOP, not XCHG eAX,eAX: it must not zero RAX's upper half.
    if (in.opcode() == 0x90 && in.map() == OpMap::OneByte && in.rm == 0) return Event::none();
    u64 lin = 0, e;
    if (!read_e_at(cpu, in, lin, e)) return cpu.fault();
    const u64 g = read_g(cpu, in);
    if (!write_e_at(cpu, in, lin, g)) return cpu.fault();
    write_g(cpu, in, e);
    return Event::none();
}

Event op_xadd(Cpu& cpu, const Insn& in) {
    u64 lin = 0, dst;
    if (!read_e_at(cpu, in, lin, dst)) return cpu.fault();
    const u64 src = read_g(cpu, in);
    const u64 r = (dst + src) & size_mask(in.opsize);
    // SRC = DEST, then DEST = sum: with the same register twice the sum wins.
    if (in.mem()) {
        if (!write_e_at(cpu, in, lin, r)) return cpu.fault();
        write_g(cpu, in, dst);
    } else {
        write_g(cpu, in, dst);
        write_e_at(cpu, in, lin, r);
    }
    cpu.flags().set_add(in.opsize, dst, src, r);
    return Event::none();
}

Event op_cmpxchg(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 lin = 0, dst;
    if (!read_e_at(cpu, in, lin, dst)) return cpu.fault();
    const u64 acc = cpu.reg(static_cast<u8>(Reg::Rax), size);
    const bool equal = acc == dst;
    if (equal) {
        if (!write_e_at(cpu, in, lin, read_g(cpu, in))) return cpu.fault();
    } else {
        // A memory destination is written back unchanged (the locked cycle always writes).
        if (in.mem() && !write_e_at(cpu, in, lin, dst)) return cpu.fault();
        cpu.set_reg(static_cast<u8>(Reg::Rax), size, dst);
    }
    cpu.flags().set_sub(size, acc, dst, (acc - dst) & size_mask(size));
    return Event::none();
}

// CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W): compare rDX:rAX with memory; if equal store
// rCX:rBX, else load memory into rDX:rAX. Only ZF changes.
Event op_cmpxchg8b(Cpu& cpu, const Insn& in) {
    const bool wide = in.has(insn_flags::RexW);
    const unsigned half = wide ? 8 : 4;
    const u64 lin = cpu.linear(in);
    if (wide && (lin & 15) != 0) return raise(Vector::GP, 0);
    if (!cpu.probe_write(lin, half * 2)) return cpu.fault();
    u64 lo, hi;
    if (!cpu.read_mem(lin, half, lo) || !cpu.read_mem(lin + half, half, hi)) return cpu.fault();
    const auto rax = static_cast<u8>(Reg::Rax), rdx = static_cast<u8>(Reg::Rdx);
    const bool equal = lo == cpu.reg(rax, half) && hi == cpu.reg(rdx, half);
    const u64 new_lo = equal ? cpu.reg(static_cast<u8>(Reg::Rbx), half) : lo;
    const u64 new_hi = equal ? cpu.reg(static_cast<u8>(Reg::Rcx), half) : hi;
    if (!cpu.write_mem(lin, half, new_lo) || !cpu.write_mem(lin + half, half, new_hi)) return cpu.fault();
    if (!equal) {
        cpu.set_reg(rax, half, lo);
        cpu.set_reg(rdx, half, hi);
    }
    cpu.flags().set_flag(rflags::ZF, equal);
    return Event::none();
}

}  // namespace flint::x86
