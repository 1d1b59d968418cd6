// SSE2 integer SIMD and the bitwise/shuffle forms of SSE: one table of host-SSE2
// operations indexed by Insn::ext (sse_ops.h), plus the forms with an immediate or a
// general-register operand. Integer SIMD is exact by construction; host SSE2 is used for
// brevity and speed, not for rounding.
#include "x86/sse.h"
#include "x86/sse_ops.h"
#include "x86/ssse3_ops.h"

namespace flint::x86 {
namespace {

using namespace sse;

using VecFn = __m128i (*)(__m128i, __m128i);

constexpr VecFn kIntOps[] = {
#define FLINT_X(name, expr) [](__m128i a, __m128i b) -> __m128i { return expr; },
    FLINT_SSE_INT_OPS(FLINT_X)
#undef FLINT_X
};
static_assert(std::size(kIntOps) == kIntOpCount);

Xmm shuffle_dwords(const Xmm& lo_src, const Xmm& hi_src, unsigned imm) {
    Xmm r;
    for (unsigned i = 0; i < 4; ++i)
        r.set<u32>(i, (i < 2 ? lo_src : hi_src).get<u32>((imm >> (2 * i)) & 3));
    return r;
}

// PSLLDQ/PSRLDQ: whole-register byte shifts; counts above 15 clear the register.
Xmm byte_shift(const Xmm& s, unsigned count, bool left) {
    Xmm r;
    for (unsigned i = 0; i < 16; ++i) {
        const unsigned from = left ? i - count : i + count;  // wraps past 15 when out of range
        r.set<u8>(i, from < 16 ? s.get<u8>(from) : 0);
    }
    return r;
}

}  // namespace

__m128i sse_int_op(unsigned op, __m128i a, __m128i b) { return kIntOps[op](a, b); }

Xmm shuffle_words(const Xmm& s, unsigned imm, unsigned half) {
    Xmm r = s;
    for (unsigned i = 0; i < 4; ++i) r.set<u16>(4 * half + i, s.get<u16>(4 * half + ((imm >> (2 * i)) & 3)));
    return r;
}

Xmm align_bytes(const Xmm& dst, const Xmm& src, unsigned shift, unsigned width) {
    Xmm r;
    for (unsigned i = 0; i < width; ++i) {
        const unsigned from = i + shift;
        r.set<u8>(i, from < width ? src.get<u8>(from) : from < 2 * width ? dst.get<u8>(from - width) : u8{0});
    }
    return r;
}

// G = G op E for every table operation; 128-bit memory sources must be aligned.
Event op_sse_int(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm src;
    if (!read_xmm_e(cpu, in, 16, Align::Sixteen, src)) return cpu.fault();
    Xmm& dst = xmm(cpu, in.reg);
    dst = from_m128i(kIntOps[in.ext](to_m128i(dst), to_m128i(src)));
    return Event::none();
}

// ext: 0 PSHUFD, 1 PSHUFLW, 2 PSHUFHW, 3 SHUFPS, 4 SHUFPD.
Event op_sse_shuffle(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm src;
    if (!read_xmm_e(cpu, in, 16, Align::Sixteen, src)) return cpu.fault();
    Xmm& dst = xmm(cpu, in.reg);
    const auto imm = static_cast<unsigned>(in.imm & 0xff);
    switch (in.ext) {
    case 0: dst = shuffle_dwords(src, src, imm); break;
    case 1: dst = shuffle_words(src, imm, 0); break;
    case 2: dst = shuffle_words(src, imm, 1); break;
    case 3: dst = shuffle_dwords(dst, src, imm); break;
    default: dst.q = {dst.q[imm & 1], src.q[(imm >> 1) & 1]}; break;
    }
    return Event::none();
}

// 66 0F 71/72/73 /r ib: shifts by an immediate, ModRM.reg selects the shift, ModRM.rm the
// register. ext: the opcode's low two bits (1 words, 2 dwords, 3 qwords/bytes).
Event op_sse_shift_imm(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const unsigned sel = (in.reg & 7), count = static_cast<unsigned>(in.imm & 0xff);
    Xmm& r = xmm(cpu, in.rm);
    if (in.ext == 3 && (sel == 3 || sel == 7)) {
        r = byte_shift(r, count, sel == 7);
        return Event::none();
    }
    const u8 op = kShiftImmOps[in.ext - 1][sel];
    if (op == kNoShift) return ud();
    r = from_m128i(kIntOps[op](to_m128i(r), _mm_cvtsi32_si128(static_cast<int>(count))));
    return Event::none();
}

// PALIGNR xmm, xmm/m128, imm8 (SSSE3): the 32-byte destination:source pair shifted right
// by imm8 bytes, the low 16 bytes kept.
Event op_palignr(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm src;
    if (!read_xmm_e(cpu, in, 16, Align::Sixteen, src)) return cpu.fault();
    Xmm& dst = xmm(cpu, in.reg);
    dst = align_bytes(dst, src, static_cast<unsigned>(in.imm & 0xff), 16);
    return Event::none();
}

// PINSRW xmm, r32/m16, imm8.
Event op_pinsrw(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    u64 v = 0;
    if (!in.mem()) v = cpu.gpr(in.rm);
    else if (!cpu.read_mem(cpu.linear(in), 2, v)) return cpu.fault();
    xmm(cpu, in.reg).set<u16>(in.imm & 7, static_cast<u16>(v));
    return Event::none();
}

// PEXTRW r32/64, xmm, imm8 (register forms only): zero-extended into the GPR.
Event op_pextrw(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    cpu.set_reg(in.reg, 8, xmm(cpu, in.rm).get<u16>(in.imm & 7));
    return Event::none();
}

// MOVMSKPS / MOVMSKPD / PMOVMSKB r32/64, xmm: the sign bits, zero-extended.
// ext: 0 PS, 1 PD, 2 PMOVMSKB.
Event op_movmsk(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const __m128i v = to_m128i(xmm(cpu, in.rm));
    const int m = in.ext == 0 ? _mm_movemask_ps(ps(v)) : in.ext == 1 ? _mm_movemask_pd(pd(v)) : _mm_movemask_epi8(v);
    cpu.set_reg(in.reg, 8, static_cast<u32>(m));
    return Event::none();
}

}  // namespace flint::x86
