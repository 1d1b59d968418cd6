// SSE/SSE2 floating point: arithmetic, compares, COMISS/UCOMISS and conversions. Every
// operation executes the same host instruction under the guest's MXCSR (see sse.h), so
// results, NaN choices and exception flags are the hardware's own.
#include "x86/sse.h"
#include "x86/sse_ops.h"
#include "x86/ssse3_ops.h"

namespace flint::x86 {
namespace {

using namespace sse;

using VecFn = __m128i (*)(__m128i, __m128i);

struct FpEntry {
    VecFn fn;
    u8 mem;  // bytes of a memory source: 16 (aligned) or 4/8 (scalar)
};

constexpr FpEntry kFpOps[] = {
#define FLINT_X(name, mem, expr) {[]([[maybe_unused]] __m128i a, __m128i b) -> __m128i { return expr; }, mem},
    FLINT_SSE_FP_OPS(FLINT_X)
#undef FLINT_X
};
static_assert(std::size(kFpOps) == kFpOpCount);

// dst = op(dst, src) for the G, E form shared by all table operations.
Event run_fp(Cpu& cpu, const Insn& in, unsigned op) {
    Xmm src;
    if (!read_xmm_e(cpu, in, kFpOps[op].mem, Align::Sixteen, src)) return cpu.fault();
    __m128i r;
    if (Event ev = sse_fp_op(cpu, op, to_m128i(xmm(cpu, in.reg)), to_m128i(src), r); !ev.ok()) return ev;
    xmm(cpu, in.reg) = from_m128i(r);
    return Event::none();
}

// COMISS/UCOMISS/COMISD/UCOMISD on the host, results as ZF, PF, CF.
struct CompareFlags {
    u8 zf, pf, cf;
};

template <bool Double, bool Signalling>
CompareFlags host_compare(__m128i a, __m128i b) {
    CompareFlags f{};
    if constexpr (Double && Signalling)
        asm volatile("comisd %[b], %[a]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]"
                     : [z] "=r"(f.zf), [p] "=r"(f.pf), [c] "=r"(f.cf) : [a] "x"(a), [b] "x"(b) : "cc");
    else if constexpr (Double)
        asm volatile("ucomisd %[b], %[a]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]"
                     : [z] "=r"(f.zf), [p] "=r"(f.pf), [c] "=r"(f.cf) : [a] "x"(a), [b] "x"(b) : "cc");
    else if constexpr (Signalling)
        asm volatile("comiss %[b], %[a]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]"
                     : [z] "=r"(f.zf), [p] "=r"(f.pf), [c] "=r"(f.cf) : [a] "x"(a), [b] "x"(b) : "cc");
    else
        asm volatile("ucomiss %[b], %[a]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]"
                     : [z] "=r"(f.zf), [p] "=r"(f.pf), [c] "=r"(f.cf) : [a] "x"(a), [b] "x"(b) : "cc");
    return f;
}

using CompareFn = CompareFlags (*)(__m128i, __m128i);
// ext: bit 0 = COMIS (signalling on QNaN), bit 1 = double.
constexpr CompareFn kCompares[4] = {host_compare<false, false>, host_compare<false, true>,
                                    host_compare<true, false>, host_compare<true, true>};

}  // namespace

Event sse_fp_op(Cpu& cpu, unsigned op, __m128i a, __m128i b, __m128i& r) {
    __m128i out;
    const u32 raised = run_with_guest_mxcsr(fpu(cpu).mxcsr, [&] {
        fp_barrier(a);
        fp_barrier(b);
        out = kFpOps[op].fn(a, b);
        fp_barrier(out);
    });
    if (Event ev = fp_exceptions(cpu, raised); !ev.ok()) return ev;
    r = out;
    return Event::none();
}

Event op_sse_fp(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    return run_fp(cpu, in, in.ext);
}

// CMPPS/CMPPD/CMPSS/CMPSD xmm, xmm/m, imm8: ext is the form, imm8[2:0] the predicate
// (the legacy encodings ignore the upper bits).
Event op_sse_cmp(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    return run_fp(cpu, in, kCmpBase[in.ext & 3] + (in.imm & 7));
}

Event op_comis(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const bool dbl = in.ext & 2;
    Xmm src;
    if (!read_xmm_e(cpu, in, dbl ? 8 : 4, Align::Any, src)) return cpu.fault();
    __m128i a = to_m128i(xmm(cpu, in.reg)), b = to_m128i(src);
    CompareFlags f{};
    const u32 raised = run_with_guest_mxcsr(fpu(cpu).mxcsr, [&] {
        fp_barrier(a);
        fp_barrier(b);
        f = kCompares[in.ext & 3](a, b);
    });
    if (Event ev = fp_exceptions(cpu, raised); !ev.ok()) return ev;
    // OF, SF and AF are cleared.
    const u64 bits = (f.zf ? rflags::ZF : 0) | (f.pf ? rflags::PF : 0) | (f.cf ? rflags::CF : 0);
    cpu.flags().set_bits(rflags::Status, bits);
    return Event::none();
}

// CVTSI2SS/CVTSI2SD xmm, r/m32/64 (REX.W selects the integer width). ext: 0 SS, 1 SD.
Event op_cvt_si2fp(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    __m128i a = to_m128i(xmm(cpu, in.reg)), r;
    const bool wide = in.opsize == 8;
    const bool dbl = in.ext & 1;
    const u32 raised = run_with_guest_mxcsr(fpu(cpu).mxcsr, [&] {
        fp_barrier(a);
        u64 x = v;
        asm volatile("" : "+r"(x));
        if (dbl)
            r = wide ? bits(_mm_cvtsi64_sd(pd(a), static_cast<i64>(x)))
                     : bits(_mm_cvtsi32_sd(pd(a), static_cast<i32>(x)));
        else
            r = wide ? bits(_mm_cvtsi64_ss(ps(a), static_cast<i64>(x)))
                     : bits(_mm_cvtsi32_ss(ps(a), static_cast<i32>(x)));
        fp_barrier(r);
    });
    if (Event ev = fp_exceptions(cpu, raised); !ev.ok()) return ev;
    xmm(cpu, in.reg) = from_m128i(r);
    return Event::none();
}

// CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m. ext: bit 0 = double source, bit 1 = truncate.
Event op_cvt_fp2si(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const bool dbl = in.ext & 1, trunc = in.ext & 2, wide = in.opsize == 8;
    Xmm src;
    if (!read_xmm_e(cpu, in, dbl ? 8 : 4, Align::Any, src)) return cpu.fault();
    __m128i b = to_m128i(src);
    u64 r = 0;
    const u32 raised = run_with_guest_mxcsr(fpu(cpu).mxcsr, [&] {
        fp_barrier(b);
        if (dbl) {
            const __m128d x = pd(b);
            r = wide ? static_cast<u64>(trunc ? _mm_cvttsd_si64(x) : _mm_cvtsd_si64(x))
                     : static_cast<u32>(trunc ? _mm_cvttsd_si32(x) : _mm_cvtsd_si32(x));
        } else {
            const __m128 x = ps(b);
            r = wide ? static_cast<u64>(trunc ? _mm_cvttss_si64(x) : _mm_cvtss_si64(x))
                     : static_cast<u32>(trunc ? _mm_cvttss_si32(x) : _mm_cvtss_si32(x));
        }
        asm volatile("" : "+r"(r));
    });
    if (Event ev = fp_exceptions(cpu, raised); !ev.ok()) return ev;
    cpu.set_reg(in.reg, wide ? 8 : 4, r);
    return Event::none();
}

}  // namespace flint::x86
