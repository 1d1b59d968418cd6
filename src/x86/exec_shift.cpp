// Shifts and rotates: group 2 (ROL ROR RCL RCR SHL SHR SAL SAR with a count of 1, CL or
// imm8) and the double shifts SHLD/SHRD. Intel SDM vol. 2B "RCL/RCR/ROL/ROR", "SAL/SAR/
// SHL/SHR", "SHLD", "SHRD"; AMD APM vol. 3 agrees on everything defined.
//
// The count is masked to 5 bits (6 with a 64-bit operand) first; a masked count of 0
// changes no flag. Where the manuals leave a flag undefined (OF for counts above 1, AF, CF
// once an 8/16-bit shift count reaches the width) the choices below are what the AMD Zen
// host the differential tester runs on does; each says so where it is made.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

using insn_flags::CountCl;
using insn_flags::CountOne;

enum ShiftOp : unsigned { kRol, kRor, kRcl, kRcr, kShl, kShr, kSal, kSar };

// Shifts that yield 0 for amounts of 64 and more instead of being undefined in C++.
inline u64 shl(u64 v, unsigned n) { return n >= 64 ? 0 : v << n; }
inline u64 shr(u64 v, unsigned n) { return n >= 64 ? 0 : v >> n; }
inline u64 bit(u64 v, unsigned n) { return (v >> n) & 1; }
inline u64 flag_if(u64 cond, u64 flag) { return cond ? flag : 0; }

inline unsigned count_mask(unsigned size) { return size == 8 ? 0x3f : 0x1f; }

inline unsigned raw_count(const Cpu& cpu, const Insn& in) {
    if (in.has(CountOne)) return 1;
    if (in.has(CountCl)) return static_cast<unsigned>(cpu.reg(static_cast<u8>(Reg::Rcx), 1));
    return static_cast<unsigned>(in.imm & 0xff);
}

struct Outcome {
    u64 res;
    u64 flags;  // CF/OF (and AF for shifts) as RFLAGS bits
};

// Rotates change only CF and OF. OF is defined for a count of 1; for larger counts the
// host computes it with the same formula on the final result, and so do we.
inline Outcome rotate(unsigned op, unsigned bits, unsigned count, u64 v, bool cf_in) {
    const u64 m = size_mask(bits / 8);
    const unsigned top = bits - 1;
    u64 res = v, cf = cf_in ? 1 : 0;
    switch (op) {
    case kRol: {
        const unsigned r = count & top;
        res = (shl(v, r) | shr(v, bits - r)) & m;
        cf = res & 1;
        return {res, flag_if(cf, rflags::CF) | flag_if(bit(res, top) ^ cf, rflags::OF)};
    }
    case kRor: {
        const unsigned r = count & top;
        res = (shr(v, r) | shl(v, bits - r)) & m;
        cf = bit(res, top);
        return {res, flag_if(cf, rflags::CF) | flag_if(cf ^ bit(res, top - 1), rflags::OF)};
    }
    case kRcl: {
        // A (bits + 1)-bit rotate of CF:v; 32/64-bit counts never reach bits + 1.
        const unsigned r = bits < 32 ? count % (bits + 1) : count;
        if (r != 0) {
            res = (shl(v, r) | shl(cf, r - 1) | shr(v, bits + 1 - r)) & m;
            cf = bit(v, bits - r);
        }
        return {res, flag_if(cf, rflags::CF) | flag_if(bit(res, top) ^ cf, rflags::OF)};
    }
    default: {  // kRcr
        const unsigned r = bits < 32 ? count % (bits + 1) : count;
        if (r != 0) {
            res = (shr(v, r) | shl(cf, bits - r) | shl(v, bits + 1 - r)) & m;
            cf = bit(v, r - 1);
        }
        return {res, flag_if(cf, rflags::CF) | flag_if(bit(res, top) ^ bit(res, top - 1), rflags::OF)};
    }
    }
}

// SHL/SAL, SHR, SAR. Counts at or above the width only occur for 8/16-bit operands.
inline Outcome shift(unsigned op, unsigned bits, unsigned count, u64 v) {
    const u64 m = size_mask(bits / 8);
    const unsigned top = bits - 1;
    u64 res, cf, of;
    switch (op) {
    case kShr:
        res = shr(v, count);
        cf = count <= bits ? bit(v, count - 1) : 0;
        of = count == 1 ? bit(v, top) : 0;  // the original sign; the host clears it for count > 1
        break;
    case kSar: {
        const u64 sv = sign_extend(v, bits / 8);
        const unsigned n = count < 64 ? count : 63;
        res = static_cast<u64>(static_cast<i64>(sv) >> n) & m;
        cf = bit(sv, n - 1);
        of = 0;
        break;
    }
    default:  // kShl, kSal
        res = shl(v, count) & m;
        cf = count <= bits ? bit(v, bits - count) : 0;
        of = bit(res, top) ^ cf;
        break;
    }
    // AF is undefined; the host sets it for every non-zero count.
    return {res, flag_if(cf, rflags::CF) | flag_if(of, rflags::OF) | rflags::AF};
}

// SHLD/SHRD: the destination shifted with bits coming in from the source. A 16-bit count
// above 16 leaves result and flags undefined. The host then shifts the 48-bit value
// dst:src:src (SHLD) or src:src:dst (SHRD), so the result is the source rotated by
// count - 16; we do the same (where other CPUs use dst:src:dst).
inline Outcome double_shift(bool left, unsigned bits, unsigned count, u64 dst, u64 src) {
    const u64 m = size_mask(bits / 8);
    const unsigned top = bits - 1;
    u64 res, cf;
    if (bits == 16 && count > 16) {
        // CF is cleared and OF, for SHRD, compares the top two result bits (as the host).
        const unsigned r = count - 16;
        res = (left ? (src << r) | (src >> (16 - r)) : (src >> r) | (src << (16 - r))) & m;
        return {res, rflags::AF | flag_if(!left && (bit(res, top) ^ bit(res, top - 1)), rflags::OF)};
    }
    if (left) {
        res = (shl(dst, count) | shr(src, bits - count)) & m;
        cf = bit(dst, bits - count);
    } else {
        res = (shr(dst, count) | shl(src, bits - count)) & m;
        cf = bit(dst, count - 1);
    }
    // OF is the sign change for count 1. For larger counts the host computes it as SHL/ROR
    // do: the top bit of the result against CF (left) or against the next bit (right).
    // FIXME: a 16-bit SHLD by exactly 16 sets OF differently on the host (pattern not
    // found yet); the differential tester treats OF as undefined there.
    const u64 of = bit(res, top) ^ (left ? cf : bit(res, top - 1));
    return {res, flag_if(cf, rflags::CF) | flag_if(of, rflags::OF) | rflags::AF};  // AF: as shifts
}

Event double_shift_op(Cpu& cpu, const Insn& in, bool left) {
    const unsigned size = in.opsize;
    const unsigned count = raw_count(cpu, in) & count_mask(size);
    u64 lin = 0, dst;
    if (!read_e_at(cpu, in, lin, dst)) return cpu.fault();
    if (count == 0) return write_e_at(cpu, in, lin, dst) ? Event::none() : cpu.fault();
    const Outcome o = double_shift(left, size * 8, count, dst, read_g(cpu, in));
    if (!write_e_at(cpu, in, lin, o.res)) return cpu.fault();
    cpu.flags().set_shift(size, o.flags, o.res);
    return Event::none();
}

}  // namespace

// C0/C1/D0-D3, ext = ModRM.reg. Written for speed: one read, one write, lazy flags for the
// shifts (rotates keep SF/ZF/PF, so they materialise).
Event op_shift(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    const unsigned count = raw_count(cpu, in) & count_mask(size);
    u64 lin = 0, v;
    if (!read_e_at(cpu, in, lin, v)) return cpu.fault();
    // A zero count still writes the operand back (a 32-bit register is zero-extended).
    if (count == 0) return write_e_at(cpu, in, lin, v) ? Event::none() : cpu.fault();
    const unsigned op = in.ext;
    if (op < kShl) {
        const Outcome o = rotate(op, size * 8, count, v, op >= kRcl && cpu.flags().cf());
        if (!write_e_at(cpu, in, lin, o.res)) return cpu.fault();
        cpu.flags().set_bits(rflags::CF | rflags::OF, o.flags);
        return Event::none();
    }
    const Outcome o = shift(op, size * 8, count, v);
    if (!write_e_at(cpu, in, lin, o.res)) return cpu.fault();
    cpu.flags().set_shift(size, o.flags, o.res);
    return Event::none();
}

// 0F A4/A5: SHLD E, G, imm8/CL.
Event op_shld(Cpu& cpu, const Insn& in) { return double_shift_op(cpu, in, true); }
// 0F AC/AD: SHRD E, G, imm8/CL.
Event op_shrd(Cpu& cpu, const Insn& in) { return double_shift_op(cpu, in, false); }

}  // namespace flint::x86
