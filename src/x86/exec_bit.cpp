// Bit instructions: BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT/POPCNT and BSWAP.
#include "x86/cpuid.h"
#include "x86/exec.h"
#include "x86/exec_locked.h"

namespace flint::x86 {
namespace {

enum BtOp : unsigned { kBt, kBts, kBtr, kBtc };

unsigned width_log2(unsigned size) { return size == 2 ? 4 : size == 4 ? 5 : 6; }

// BT r/m, r (0F A3/AB/B3/BB) with a memory operand: the bit offset is a signed number of
// the operand size and may address memory outside the operand; the access moves by whole
// operands, (offset >> log2(bits)) * bytes, and the offset picks a bit within that one.
// Arithmetic shift rounds towards minus infinity, which is what a negative offset needs.
u64 bt_mem_address(Cpu& cpu, const Insn& in, u64 offset, unsigned& bit) {
    const unsigned log2 = width_log2(in.opsize);
    const auto signed_offset = static_cast<i64>(sign_extend(offset, in.opsize));
    bit = static_cast<unsigned>(signed_offset) & ((1u << log2) - 1);
    const u64 ea = cpu.effective_address(in) + static_cast<u64>((signed_offset >> log2) * in.opsize);
    return cpu.linear(in.seg, ea & size_mask(in.addrsize));
}

bool has_feature(u32 word, u32 bit) { return (word & bit) != 0; }

}  // namespace

// ext: 0 BT 1 BTS 2 BTR 3 BTC. The imm8 forms (group 8) mask the offset to the operand
// width and never leave the operand; the register forms with a memory operand do (above).
// Only CF is defined: ZF is preserved, OF/SF/AF/PF are undefined and keep their previous
// values here.
Event op_bt(Cpu& cpu, const Insn& in) {
    const unsigned op = in.ext & 3u;
    const unsigned bits_mask = in.opsize * 8u - 1;
    const bool imm = in.has(insn_flags::Imm);
    const u64 offset = imm ? in.imm : read_g(cpu, in);
    unsigned bit = static_cast<unsigned>(offset) & bits_mask;
    u64 v;
    const u64 mask = u64{1} << bit;
    auto apply = [op, mask](u64 x) { return op == kBts ? x | mask : op == kBtr ? x & ~mask : x ^ mask; };
    if (in.mem() && !imm) {
        const u64 lin = bt_mem_address(cpu, in, offset, bit);
        const bool ok = op == kBt ? cpu.read_mem(lin, in.opsize, v)
                                  : rmw_mem(cpu, lin, in.opsize, in.has(insn_flags::Lock), v, apply);
        if (!ok) return cpu.fault();
    } else if (!(op == kBt ? read_e(cpu, in, v) : rmw_e(cpu, in, v, apply))) {
        return cpu.fault();
    }
    const bool cf = (v & mask) != 0;
    cpu.flags().set_flag(rflags::CF, cf);
    return Event::none();
}

// BSF/BSR: a zero source sets ZF and leaves the destination entirely unchanged, even a
// 32-bit one (AMD documents it, Intel hardware does it, and the upper half is not zeroed).
// CF/OF/SF/AF/PF are undefined; here they keep their previous values.
Event op_bsf(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    if (v != 0) write_g(cpu, in, static_cast<u64>(__builtin_ctzll(v)));
    cpu.flags().set_flag(rflags::ZF, v == 0);
    return Event::none();
}

Event op_bsr(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    if (v != 0) write_g(cpu, in, static_cast<u64>(63 - __builtin_clzll(v)));
    cpu.flags().set_flag(rflags::ZF, v == 0);
    return Event::none();
}

// TZCNT/LZCNT: CF says the source was zero (the result is then the operand width), ZF says
// the result is zero. OF/SF/AF/PF are undefined and keep their values. A CPU without BMI1
// (or ABM) ignores the F3 prefix and executes BSF (BSR): the model decides which one this is.
Event op_tzcnt(Cpu& cpu, const Insn& in) {
    if (!has_feature(cpu.model().f7_ebx, cpuid_bits::BMI1)) return op_bsf(cpu, in);
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    const u64 r = v == 0 ? in.opsize * 8u : static_cast<u64>(__builtin_ctzll(v));
    write_g(cpu, in, r);
    cpu.flags().set_bits(rflags::CF | rflags::ZF, (v == 0 ? rflags::CF : 0) | (r == 0 ? rflags::ZF : 0));
    return Event::none();
}

Event op_lzcnt(Cpu& cpu, const Insn& in) {
    if (!has_feature(cpu.model().e1_ecx, cpuid_bits::ABM)) return op_bsr(cpu, in);
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    const unsigned bits = in.opsize * 8;
    const u64 r = v == 0 ? bits : static_cast<u64>(__builtin_clzll(v) - (64 - static_cast<int>(bits)));
    write_g(cpu, in, r);
    cpu.flags().set_bits(rflags::CF | rflags::ZF, (v == 0 ? rflags::CF : 0) | (r == 0 ? rflags::ZF : 0));
    return Event::none();
}

// POPCNT: ZF says the source was zero; CF/OF/SF/AF/PF are cleared.
Event op_popcnt(Cpu& cpu, const Insn& in) {
    if (!has_feature(cpu.model().f1_ecx, cpuid_bits::POPCNT)) return ud();
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    write_g(cpu, in, static_cast<u64>(__builtin_popcountll(v)));
    cpu.flags().set_bits(rflags::Status, v == 0 ? rflags::ZF : 0);
    return Event::none();
}

// BSWAP r32/r64. With a 16-bit operand the result is undefined; AMD hardware (and this
// implementation) clears the low word and leaves the rest of the register alone.
Event op_bswap(Cpu& cpu, const Insn& in) {
    const u64 v = cpu.reg(in.rm, in.opsize);
    switch (in.opsize) {
    case 2: cpu.set_reg(in.rm, 2, 0); break;
    case 4: cpu.set_reg(in.rm, 4, __builtin_bswap32(static_cast<u32>(v))); break;
    default: cpu.set_reg(in.rm, 8, __builtin_bswap64(v)); break;
    }
    return Event::none();
}

}  // namespace flint::x86
