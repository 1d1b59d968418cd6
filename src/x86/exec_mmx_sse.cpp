// The SSE, SSE2 and SSSE3 instructions on MMX registers that are not table operations:
// shuffles and word inserts/extracts, PMOVMSKB, MASKMOVQ, the XMM<->MMX moves and the
// packed conversions between MMX integers and XMM floating point. They share the XMM
// helpers, applied to a 64-bit value in the low half. Intel SDM vol. 2.
#include "x86/mmx.h"
#include "x86/sse_ops.h"

namespace flint::x86 {
namespace {

using namespace sse;

Xmm as_xmm(u64 v) {
    Xmm x;
    x.q[0] = v;
    return x;
}

// ext of op_cvt_mmx: the conversion and which side is MMX.
struct CvtForm {
    u8 op;        // sse::FpOp
    bool to_xmm;  // mm/m64 -> xmm; otherwise xmm/m -> mm
    u8 mem;       // bytes of a memory source (16: alignment-checked)
};
constexpr CvtForm kCvtForms[] = {
    {Cvtdq2ps, true, 8},     // 0 CVTPI2PS xmm, mm/m64 (upper half of xmm kept)
    {Cvtdq2pd, true, 8},     // 1 CVTPI2PD xmm, mm/m64
    {Cvttps2dq, false, 8},   // 2 CVTTPS2PI mm, xmm/m64
    {Cvtps2dq, false, 8},    // 3 CVTPS2PI mm, xmm/m64
    {Cvttpd2dq, false, 16},  // 4 CVTTPD2PI mm, xmm/m128
    {Cvtpd2dq, false, 16},   // 5 CVTPD2PI mm, xmm/m128
};

}  // namespace

// PSHUFW mm, mm/m64, imm8.
Event op_pshufw(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    u64 src;
    if (!read_mm_e(cpu, in, src)) return cpu.fault();
    set_mm(cpu, in.reg, shuffle_words(as_xmm(src), static_cast<unsigned>(in.imm & 0xff), 0).q[0]);
    return Event::none();
}

// PALIGNR mm, mm/m64, imm8 (SSSE3).
Event op_palignr_mm(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    u64 src;
    if (!read_mm_e(cpu, in, src)) return cpu.fault();
    const Xmm r = align_bytes(as_xmm(mm(cpu, in.reg)), as_xmm(src), static_cast<unsigned>(in.imm & 0xff), 8);
    set_mm(cpu, in.reg, r.q[0]);
    return Event::none();
}

// PINSRW mm, r32/m16, imm8.
Event op_pinsrw_mm(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    u64 v = 0;
    if (!in.mem()) v = cpu.gpr(in.rm);
    else if (!cpu.read_mem(cpu.linear(in), 2, v)) return cpu.fault();
    Xmm r = as_xmm(mm(cpu, in.reg));
    r.set<u16>(in.imm & 3, static_cast<u16>(v));
    set_mm(cpu, in.reg, r.q[0]);
    return Event::none();
}

// PEXTRW r32/64, mm, imm8: zero-extended into the GPR.
Event op_pextrw_mm(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    cpu.set_reg(in.reg, 8, as_xmm(mm(cpu, in.rm)).get<u16>(in.imm & 3));
    enter_mmx(cpu);
    return Event::none();
}

// PMOVMSKB r32/64, mm: the eight byte sign bits, zero-extended.
Event op_pmovmskb_mm(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    cpu.set_reg(in.reg, 8, static_cast<u32>(_mm_movemask_epi8(widen(mm(cpu, in.rm)))));
    enter_mmx(cpu);
    return Event::none();
}

// MASKMOVQ mm1, mm2: the bytes of mm1 whose mask byte in mm2 has its top bit set, to DS:rDI.
// Unlike the other MMX instructions it switches to MMX use even when the store faults (as
// measured on hardware: the switch comes before the store).
Event op_maskmovq(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(widen(mm(cpu, in.rm))));
    const Xmm data = as_xmm(mm(cpu, in.reg));
    enter_mmx(cpu);
    if (!masked_store(cpu, in, data, mask, 8)) return cpu.fault();
    return Event::none();
}

// ext 0: MOVDQ2Q mm, xmm (F2 0F D6); ext 1: MOVQ2DQ xmm, mm (F3 0F D6, upper half cleared).
Event op_movq_xmm_mm(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_xmm_check(cpu); !e.ok()) return e;
    if (in.ext == 0) {
        set_mm(cpu, in.reg, xmm(cpu, in.rm).q[0]);
    } else {
        xmm(cpu, in.reg) = as_xmm(mm(cpu, in.rm));
        enter_mmx(cpu);
    }
    return Event::none();
}

// CVTPI2PS/CVTPI2PD/CVT(T)PS2PI/CVT(T)PD2PI; ext indexes kCvtForms. The conversions run
// under the guest's MXCSR like their XMM-only twins, on the 64-bit operand with a zero
// upper half (zeros convert exactly and raise nothing).
// With an MMX register operand they switch to MMX use, and do so even when a SIMD
// floating-point exception (#XM) stops them; from memory into XMM they touch no x87 state
// (the SDM says so of CVTPI2PD; hardware behaves the same for CVTPI2PS).
Event op_cvt_mmx(Cpu& cpu, const Insn& in) {
    const CvtForm& f = kCvtForms[in.ext];
    const bool x87 = !(f.to_xmm && in.mem());
    if (Event e = x87 ? mmx_xmm_check(cpu) : sse_check(cpu); !e.ok()) return e;
    __m128i src, r;
    if (f.to_xmm) {
        u64 v;
        if (!read_mm_e(cpu, in, v)) return cpu.fault();
        src = widen(v);
    } else {
        Xmm x;
        if (!read_xmm_e(cpu, in, f.mem, Align::Sixteen, x)) return cpu.fault();
        if (f.mem == 8) x.q[1] = 0;
        src = to_m128i(x);
    }
    const Event e = sse_fp_op(cpu, f.op, src, src, r);
    if (x87) enter_mmx(cpu);
    if (!e.ok()) return e;
    if (!f.to_xmm) {
        set_mm(cpu, in.reg, low_half(r));
        return Event::none();
    }
    Xmm& dst = xmm(cpu, in.reg);
    if (f.op == Cvtdq2ps) dst.q[0] = low_half(r);
    else dst = from_m128i(r);
    return Event::none();
}

}  // namespace flint::x86
