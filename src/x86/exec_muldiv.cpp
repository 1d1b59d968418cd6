// Multiply and divide: MUL/IMUL (one, two and three operands) and DIV/IDIV. Intel SDM
// vol. 2 "MUL", "IMUL", "DIV", "IDIV". The double-width operand is AX (8-bit), DX:AX,
// EDX:EAX or RDX:RAX; 64-bit forms use unsigned __int128.
//
// MUL/IMUL define only CF = OF ("the high half is significant"); SF/ZF/AF/PF are
// undefined and DIV/IDIV leave all six undefined. The choices made here for those are
// the AMD Zen host's (the differential tester's oracle) and are noted where made.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

using u128 = unsigned __int128;
using i128 = __int128;

constexpr auto kRax = static_cast<u8>(Reg::Rax);
constexpr auto kRdx = static_cast<u8>(Reg::Rdx);

// Stores a double-width result: AX for bytes, rDX:rAX otherwise.
inline void write_wide(Cpu& cpu, unsigned size, u64 lo, u64 hi) {
    if (size == 1) {
        cpu.set_reg(kRax, 2, (hi << 8) | lo);
        return;
    }
    cpu.set_reg(kRax, size, lo);
    cpu.set_reg(kRdx, size, hi);
}

// The dividend's halves, each masked to `size`.
inline void read_wide(const Cpu& cpu, unsigned size, u64& lo, u64& hi) {
    if (size == 1) {
        const u64 ax = cpu.reg(kRax, 2);
        lo = ax & 0xff;
        hi = ax >> 8;
        return;
    }
    lo = cpu.reg(kRax, size);
    hi = cpu.reg(kRdx, size);
}

// CF = OF = `significant`. The host leaves the undefined SF/ZF/AF/PF unchanged, and so
// do we (at the cost of materialising the previous flags).
inline void set_mul_flags(Cpu& cpu, bool significant) {
    cpu.flags().set_bits(rflags::CF | rflags::OF, significant ? rflags::CF | rflags::OF : 0);
}

// All six flags are undefined after a division. The host keeps CF and OF, clears SF, ZF
// and PF and sets AF; so do we.
inline void set_div_flags(Cpu& cpu) {
    cpu.flags().set_bits(rflags::SF | rflags::ZF | rflags::PF | rflags::AF, rflags::AF);
}

// Signed product of two `size`-byte values (already sign-extended to 64 bits): the low
// half, masked, and whether the full product does not fit it.
inline u64 signed_product(unsigned size, u64 a, u64 b, u64& hi, bool& overflow) {
    if (size == 8) {
        const i128 p = static_cast<i128>(static_cast<i64>(a)) * static_cast<i64>(b);
        const auto lo = static_cast<u64>(p);
        hi = static_cast<u64>(p >> 64);
        overflow = p != static_cast<i128>(static_cast<i64>(lo));
        return lo;
    }
    // Both factors fit in 32 bits, so the product fits in 64.
    const i64 p = static_cast<i64>(a) * static_cast<i64>(b);
    const u64 m = size_mask(size);
    const u64 lo = static_cast<u64>(p) & m;
    hi = (static_cast<u64>(p) >> (8 * size)) & m;
    overflow = static_cast<i64>(sign_extend(lo, size)) != p;
    return lo;
}

// Only the E operand can fault, and it is read first: a #DE leaves everything unchanged.
inline Event divide_error() { return Event::exception(Vector::DE); }

inline bool bit_is_set(u64 v, unsigned n) { return ((v >> n) & 1) != 0; }
inline u64 low_bits(unsigned n) { return n >= 64 ? ~u64{0} : (u64{1} << n) - 1; }

}  // namespace

// F6/F7 /4: unsigned rDX:rAX = rAX * E.
Event op_mul(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 src;
    if (!read_e(cpu, in, src)) return cpu.fault();
    const u64 a = cpu.reg(kRax, size);
    u64 lo, hi;
    if (size == 8) {
        const u128 p = static_cast<u128>(a) * src;
        lo = static_cast<u64>(p);
        hi = static_cast<u64>(p >> 64);
    } else {
        const u64 p = a * src;
        lo = p & size_mask(size);
        hi = p >> (8 * size);
    }
    write_wide(cpu, size, lo, hi);
    set_mul_flags(cpu, hi != 0);
    return Event::none();
}

// F6/F7 /5: signed rDX:rAX = rAX * E.
Event op_imul1(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 src;
    if (!read_e(cpu, in, src)) return cpu.fault();
    u64 hi;
    bool overflow;
    const u64 lo = signed_product(size, sign_extend(cpu.reg(kRax, size), size), sign_extend(src, size), hi, overflow);
    write_wide(cpu, size, lo, hi);
    set_mul_flags(cpu, overflow);
    return Event::none();
}

// 0F AF: G = G * E, truncated.
Event op_imul2(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 src;
    if (!read_e(cpu, in, src)) return cpu.fault();
    u64 hi;
    bool overflow;
    const u64 lo = signed_product(size, sign_extend(read_g(cpu, in), size), sign_extend(src, size), hi, overflow);
    write_g(cpu, in, lo);
    set_mul_flags(cpu, overflow);
    return Event::none();
}

// 69/6B: G = E * imm (imm16/32 or sign-extended imm8), truncated.
Event op_imul3(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 src;
    if (!read_e(cpu, in, src)) return cpu.fault();
    u64 hi;
    bool overflow;
    const u64 lo = signed_product(size, sign_extend(src, size), sign_extend(imm_value(in), size), hi, overflow);
    write_g(cpu, in, lo);
    set_mul_flags(cpu, overflow);
    return Event::none();
}

// F6/F7 /6: unsigned rDX:rAX / E -> quotient in rAX, remainder in rDX (AL/AH for bytes).
// #DE on a zero divisor or a quotient wider than the operand.
Event op_div(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 d;
    if (!read_e(cpu, in, d)) return cpu.fault();
    if (d == 0) return divide_error();
    u64 lo, hi;
    read_wide(cpu, size, lo, hi);
    u64 q, r;
    if (size == 8) {
        if (hi >= d) return divide_error();  // the quotient would not fit 64 bits
        if (hi == 0) {
            q = lo / d;
            r = lo % d;
        } else {
            const u128 n = (static_cast<u128>(hi) << 64) | lo;
            q = static_cast<u64>(n / d);
            r = static_cast<u64>(n % d);
        }
    } else {
        const u64 n = (hi << (8 * size)) | lo;
        q = n / d;
        r = n % d;
        if (q > size_mask(size)) return divide_error();
    }
    write_wide(cpu, size, q, r);
    set_div_flags(cpu);
    return Event::none();
}

// F6/F7 /7: signed division, quotient truncated toward zero, remainder takes the
// dividend's sign. #DE on a zero divisor or a quotient outside the signed range
// (including INT_MIN / -1).
Event op_idiv(Cpu& cpu, const Insn& in) {
    const unsigned size = in.opsize;
    u64 e;
    if (!read_e(cpu, in, e)) return cpu.fault();
    if (e == 0) return divide_error();
    u64 lo, hi;
    read_wide(cpu, size, lo, hi);
    const u64 m = size_mask(size);
    // Work on magnitudes in unsigned arithmetic: no overflowing signed division in C++.
    const bool d_neg = bit_is_set(e, 8 * size - 1);
    const u64 d_mag = (d_neg ? 0 - e : e) & m;
    const bool n_neg = bit_is_set(hi, 8 * size - 1);
    u64 q_mag, r_mag;
    if (size == 8) {
        u128 n = (static_cast<u128>(hi) << 64) | lo;
        if (n_neg) n = 0 - n;
        const u128 q = n / d_mag;
        if (q >> 64) return divide_error();
        q_mag = static_cast<u64>(q);
        r_mag = static_cast<u64>(n % d_mag);
    } else {
        const unsigned w = 8 * size;
        u64 n = (hi << w) | lo;  // 2w <= 64 bits
        if (n_neg) n = (0 - n) & low_bits(2 * w);
        q_mag = n / d_mag;
        r_mag = n % d_mag;
    }
    const bool q_neg = n_neg != d_neg;
    const u64 limit = (u64{1} << (8 * size - 1)) - (q_neg ? 0 : 1);  // 2^(w-1) or 2^(w-1)-1
    if (q_mag > limit) return divide_error();
    const u64 q = (q_neg ? 0 - q_mag : q_mag) & m;
    const u64 r = (n_neg ? 0 - r_mag : r_mag) & m;
    write_wide(cpu, size, q, r);
    set_div_flags(cpu);
    return Event::none();
}

}  // namespace flint::x86
