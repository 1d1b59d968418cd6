// Two-operand arithmetic/logic, TEST, INC/DEC/NOT/NEG and the exchange family.
#include "x86/exec.h"
#include "x86/exec_locked.h"

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
    u64 dst;
    if (op == kCmp) {
        if (!read_e(cpu, in, dst)) return cpu.fault();
    } else if (!rmw_e(cpu, in, dst, [&](u64 d) { return alu_result(op, size, d, src, cf); })) {
        return cpu.fault();
    }
    cpu.flags().set(kAluFlags[op], size, dst, src, alu_result(op, size, dst, src, cf));
    return Event::none();
}

Event op_test(Cpu& cpu, const Insn& in) {
    u64 dst;
    if (!read_e(cpu, in, dst)) return cpu.fault();
    cpu.flags().set_logic(in.opsize, dst & read_src_g_or_imm(cpu, in));
    return Event::none();
}

Event op_inc(Cpu& cpu, const Insn& in) {
    const u64 mask = size_mask(in.opsize);
    u64 v;
    if (!rmw_e(cpu, in, v, [mask](u64 x) { return (x + 1) & mask; })) return cpu.fault();
    cpu.flags().set_inc(in.opsize, v, (v + 1) & mask);
    return Event::none();
}

Event op_dec(Cpu& cpu, const Insn& in) {
    const u64 mask = size_mask(in.opsize);
    u64 v;
    if (!rmw_e(cpu, in, v, [mask](u64 x) { return (x - 1) & mask; })) return cpu.fault();
    cpu.flags().set_dec(in.opsize, v, (v - 1) & mask);
    return Event::none();
}

Event op_not(Cpu& cpu, const Insn& in) {
    const u64 mask = size_mask(in.opsize);
    u64 v;
    if (!rmw_e(cpu, in, v, [mask](u64 x) { return ~x & mask; })) return cpu.fault();
    return Event::none();  // NOT leaves the flags alone
}

Event op_neg(Cpu& cpu, const Insn& in) {
    const u64 mask = size_mask(in.opsize);
    u64 v;
    if (!rmw_e(cpu, in, v, [mask](u64 x) { return (0 - x) & mask; })) return cpu.fault();
    cpu.flags().set_sub(in.opsize, 0, v, (0 - v) & mask);  // CF = (v != 0) falls out of the borrow
    return Event::none();
}

Event op_xchg(Cpu& cpu, const Insn& in) {
    // 90 without REX.B is NOP, not XCHG eAX,eAX: it must not zero RAX's upper half.
    if (in.opcode() == 0x90 && in.map() == OpMap::OneByte && in.rm == 0) return Event::none();
    const u64 g = read_g(cpu, in);
    u64 e;
    // With memory XCHG is locked whether or not it says so.
    if (!rmw_e(cpu, in, e, [g](u64) { return g; }, true)) return cpu.fault();
    write_g(cpu, in, e);
    return Event::none();
}

Event op_xadd(Cpu& cpu, const Insn& in) {
    const u64 src = read_g(cpu, in);
    const u64 mask = size_mask(in.opsize);
    u64 dst;
    // SRC = DEST, then DEST = sum: with the same register twice the sum wins.
    if (in.mem()) {
        if (!rmw_e(cpu, in, dst, [&](u64 d) { return (d + src) & mask; })) return cpu.fault();
        write_g(cpu, in, dst);
    } else {
        dst = cpu.reg(in.rm, in.esize);
        write_g(cpu, in, dst);
        cpu.set_reg(in.rm, in.esize, (dst + src) & mask);
    }
    cpu.flags().set_add(in.opsize, dst, src, (dst + src) & mask);
    return Event::none();
}

Event op_cmpxchg(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    const u64 acc = cpu.reg(static_cast<u8>(Reg::Rax), size);
    const u64 g = read_g(cpu, in);
    u64 dst;
    if (in.mem()) {
        // A memory destination is written back unchanged when unequal (the locked cycle
        // always writes).
        if (!rmw_e(cpu, in, dst, [&](u64 d) { return d == acc ? g : d; })) return cpu.fault();
    } else {
        dst = cpu.reg(in.rm, size);
        if (acc == dst) cpu.set_reg(in.rm, size, g);
    }
    if (acc != dst) cpu.set_reg(static_cast<u8>(Reg::Rax), size, dst);
    cpu.flags().set_sub(size, acc, dst, (acc - dst) & size_mask(size));
    return Event::none();
}

namespace {

// The locked CMPXCHG8B/16B on host memory: compares the 2*half bytes at `p` with
// want_hi:want_lo and stores set_hi:set_lo when equal; `lo`/`hi` receive what was there.
bool compare_exchange_pair(u8* p, unsigned half, u64 want_lo, u64 want_hi, u64 set_lo, u64 set_hi, u64& lo, u64& hi) {
    if (half == 4) {
        const u64 want = want_lo | want_hi << 32;
        const u64 seen = atomic_update(p, 8, [&](u64 v) { return v == want ? (set_lo | set_hi << 32) : v; });
        lo = seen & 0xffffffff;
        hi = seen >> 32;
        return seen == want;
    }
    bool equal;
    lo = want_lo;
    hi = want_hi;
    asm volatile("lock cmpxchg16b %1"
                 : "=@ccz"(equal), "+m"(*reinterpret_cast<unsigned __int128*>(p)), "+a"(lo), "+d"(hi)
                 : "b"(set_lo), "c"(set_hi)
                 : "memory");
    return equal;
}

}  // namespace

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
    const u64 want_lo = cpu.reg(rax, half), want_hi = cpu.reg(rdx, half);
    const u64 set_lo = cpu.reg(static_cast<u8>(Reg::Rbx), half), set_hi = cpu.reg(static_cast<u8>(Reg::Rcx), half);
    bool equal;
    u8* target = nullptr;
    if (in.has(insn_flags::Lock) && !cpu.locked_target(lin, half * 2, target)) return cpu.fault();
    if (target != nullptr) {
        equal = compare_exchange_pair(target, half, want_lo, want_hi, set_lo, set_hi, lo, hi);
    } else {
        equal = lo == want_lo && hi == want_hi;
        const u64 new_lo = equal ? set_lo : lo;
        const u64 new_hi = equal ? set_hi : hi;
        if (!cpu.write_mem(lin, half, new_lo) || !cpu.write_mem(lin + half, half, new_hi)) return cpu.fault();
    }
    if (!equal) {
        cpu.set_reg(rax, half, lo);
        cpu.set_reg(rdx, half, hi);
    }
    cpu.flags().set_flag(rflags::ZF, equal);
    return Event::none();
}

}  // namespace flint::x86
