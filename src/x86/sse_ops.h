#pragma once
// Internal: the operation lists behind op_sse_int and op_sse_fp, shared by the opcode
// rows (which name an operation in Insn::ext) and the handlers (which index a table of
// host-SSE lambdas with it). One list per family keeps the two in step.
//
// Each entry: X(name, expression over __m128i a (destination) and b (source)).
#include <immintrin.h>

#include "base/types.h"

namespace flint::x86::sse {

// Bit-cast views; all operations work on raw register bits.
inline __m128 ps(__m128i v) { return _mm_castsi128_ps(v); }
inline __m128d pd(__m128i v) { return _mm_castsi128_pd(v); }
inline __m128i bits(__m128 v) { return _mm_castps_si128(v); }
inline __m128i bits(__m128d v) { return _mm_castpd_si128(v); }

// GCC implements _mm_add_ps and the other packed arithmetic intrinsics as generic vector
// arithmetic, which it may commute; x86 returns the first operand's NaN when both are NaN,
// so the packed forms are spelled out to keep the operand order.
#define FLINT_SSE_ASM_OP(fn, insn, T)                     \
    inline T fn(T a, T b) {                               \
        asm(insn " %1, %0" : "+x"(a) : "x"(b));           \
        return a;                                         \
    }
FLINT_SSE_ASM_OP(add_ps, "addps", __m128)
FLINT_SSE_ASM_OP(sub_ps, "subps", __m128)
FLINT_SSE_ASM_OP(mul_ps, "mulps", __m128)
FLINT_SSE_ASM_OP(div_ps, "divps", __m128)
FLINT_SSE_ASM_OP(add_pd, "addpd", __m128d)
FLINT_SSE_ASM_OP(sub_pd, "subpd", __m128d)
FLINT_SSE_ASM_OP(mul_pd, "mulpd", __m128d)
FLINT_SSE_ASM_OP(div_pd, "divpd", __m128d)
#undef FLINT_SSE_ASM_OP

// Integer and bitwise operations (no MXCSR involvement). The PS/PD logical and unpack
// forms are the same bit operations as their integer twins. The SSSE3 entries name the
// helpers of ssse3_ops.h.
#define FLINT_SSE_INT_OPS(X)                                   \
    X(Paddb, _mm_add_epi8(a, b))                               \
    X(Paddw, _mm_add_epi16(a, b))                              \
    X(Paddd, _mm_add_epi32(a, b))                              \
    X(Paddq, _mm_add_epi64(a, b))                              \
    X(Psubb, _mm_sub_epi8(a, b))                               \
    X(Psubw, _mm_sub_epi16(a, b))                              \
    X(Psubd, _mm_sub_epi32(a, b))                              \
    X(Psubq, _mm_sub_epi64(a, b))                              \
    X(Paddusb, _mm_adds_epu8(a, b))                            \
    X(Paddusw, _mm_adds_epu16(a, b))                           \
    X(Paddsb, _mm_adds_epi8(a, b))                             \
    X(Paddsw, _mm_adds_epi16(a, b))                            \
    X(Psubusb, _mm_subs_epu8(a, b))                            \
    X(Psubusw, _mm_subs_epu16(a, b))                           \
    X(Psubsb, _mm_subs_epi8(a, b))                             \
    X(Psubsw, _mm_subs_epi16(a, b))                            \
    X(Pminub, _mm_min_epu8(a, b))                              \
    X(Pmaxub, _mm_max_epu8(a, b))                              \
    X(Pminsw, _mm_min_epi16(a, b))                             \
    X(Pmaxsw, _mm_max_epi16(a, b))                             \
    X(Pavgb, _mm_avg_epu8(a, b))                               \
    X(Pavgw, _mm_avg_epu16(a, b))                              \
    X(Psadbw, _mm_sad_epu8(a, b))                              \
    X(Pmullw, _mm_mullo_epi16(a, b))                           \
    X(Pmulhw, _mm_mulhi_epi16(a, b))                           \
    X(Pmulhuw, _mm_mulhi_epu16(a, b))                          \
    X(Pmuludq, _mm_mul_epu32(a, b))                            \
    X(Pmaddwd, _mm_madd_epi16(a, b))                           \
    X(Pand, _mm_and_si128(a, b))                               \
    X(Pandn, _mm_andnot_si128(a, b))                           \
    X(Por, _mm_or_si128(a, b))                                 \
    X(Pxor, _mm_xor_si128(a, b))                               \
    X(Pcmpeqb, _mm_cmpeq_epi8(a, b))                           \
    X(Pcmpeqw, _mm_cmpeq_epi16(a, b))                          \
    X(Pcmpeqd, _mm_cmpeq_epi32(a, b))                          \
    X(Pcmpgtb, _mm_cmpgt_epi8(a, b))                           \
    X(Pcmpgtw, _mm_cmpgt_epi16(a, b))                          \
    X(Pcmpgtd, _mm_cmpgt_epi32(a, b))                          \
    X(Psllw, _mm_sll_epi16(a, b))                              \
    X(Pslld, _mm_sll_epi32(a, b))                              \
    X(Psllq, _mm_sll_epi64(a, b))                              \
    X(Psrlw, _mm_srl_epi16(a, b))                              \
    X(Psrld, _mm_srl_epi32(a, b))                              \
    X(Psrlq, _mm_srl_epi64(a, b))                              \
    X(Psraw, _mm_sra_epi16(a, b))                              \
    X(Psrad, _mm_sra_epi32(a, b))                              \
    X(Punpcklbw, _mm_unpacklo_epi8(a, b))                      \
    X(Punpcklwd, _mm_unpacklo_epi16(a, b))                     \
    X(Punpckldq, _mm_unpacklo_epi32(a, b))                     \
    X(Punpcklqdq, _mm_unpacklo_epi64(a, b))                    \
    X(Punpckhbw, _mm_unpackhi_epi8(a, b))                      \
    X(Punpckhwd, _mm_unpackhi_epi16(a, b))                     \
    X(Punpckhdq, _mm_unpackhi_epi32(a, b))                     \
    X(Punpckhqdq, _mm_unpackhi_epi64(a, b))                    \
    X(Packsswb, _mm_packs_epi16(a, b))                         \
    X(Packuswb, _mm_packus_epi16(a, b))                        \
    X(Packssdw, _mm_packs_epi32(a, b))                         \
    X(Pshufb, pshufb(a, b))                                    \
    X(Phaddw, phaddw(a, b))                                    \
    X(Phaddd, phaddd(a, b))                                    \
    X(Phaddsw, phaddsw(a, b))                                  \
    X(Pmaddubsw, pmaddubsw(a, b))                              \
    X(Phsubw, phsubw(a, b))                                    \
    X(Phsubd, phsubd(a, b))                                    \
    X(Phsubsw, phsubsw(a, b))                                  \
    X(Psignb, psign<i8>(a, b))                                 \
    X(Psignw, psign<i16>(a, b))                                \
    X(Psignd, psign<i32>(a, b))                                \
    X(Pmulhrsw, pmulhrsw(a, b))                                \
    X(Pabsb, pabs<i8>(a, b))                                   \
    X(Pabsw, pabs<i16>(a, b))                                  \
    X(Pabsd, pabs<i32>(a, b))

enum IntOp : u8 {
#define FLINT_X(name, expr) name,
    FLINT_SSE_INT_OPS(FLINT_X)
#undef FLINT_X
    kIntOpCount
};

// 0F 71/72/73 /r ib (66 for XMM, none for MMX): the table operation selected by the
// opcode (71 words, 72 dwords, 73 qwords) and ModRM.reg, or kNoShift. 73 /3 and /7 are
// the XMM-only byte shifts, handled apart.
inline constexpr u8 kNoShift = 0xff;
inline constexpr u8 kShiftImmOps[3][8] = {
    {kNoShift, kNoShift, Psrlw, kNoShift, Psraw, kNoShift, Psllw, kNoShift},
    {kNoShift, kNoShift, Psrld, kNoShift, Psrad, kNoShift, Pslld, kNoShift},
    {kNoShift, kNoShift, Psrlq, kNoShift, kNoShift, kNoShift, Psllq, kNoShift},
};

// Floating-point operations that run under the guest's MXCSR. `mem` is the size of the
// memory source: 16 (alignment-checked) for packed forms, 4 or 8 for scalar ones. The
// scalar forms keep the destination's upper elements, as the instructions do.
#define FLINT_SSE_FP_OPS(X)                                                       \
    X(Addps, 16, bits(add_ps(ps(a), ps(b))))                                  \
    X(Addpd, 16, bits(add_pd(pd(a), pd(b))))                                  \
    X(Addss, 4, bits(_mm_add_ss(ps(a), ps(b))))                                   \
    X(Addsd, 8, bits(_mm_add_sd(pd(a), pd(b))))                                   \
    X(Subps, 16, bits(sub_ps(ps(a), ps(b))))                                  \
    X(Subpd, 16, bits(sub_pd(pd(a), pd(b))))                                  \
    X(Subss, 4, bits(_mm_sub_ss(ps(a), ps(b))))                                   \
    X(Subsd, 8, bits(_mm_sub_sd(pd(a), pd(b))))                                   \
    X(Mulps, 16, bits(mul_ps(ps(a), ps(b))))                                  \
    X(Mulpd, 16, bits(mul_pd(pd(a), pd(b))))                                  \
    X(Mulss, 4, bits(_mm_mul_ss(ps(a), ps(b))))                                   \
    X(Mulsd, 8, bits(_mm_mul_sd(pd(a), pd(b))))                                   \
    X(Divps, 16, bits(div_ps(ps(a), ps(b))))                                  \
    X(Divpd, 16, bits(div_pd(pd(a), pd(b))))                                  \
    X(Divss, 4, bits(_mm_div_ss(ps(a), ps(b))))                                   \
    X(Divsd, 8, bits(_mm_div_sd(pd(a), pd(b))))                                   \
    X(Minps, 16, bits(_mm_min_ps(ps(a), ps(b))))                                  \
    X(Minpd, 16, bits(_mm_min_pd(pd(a), pd(b))))                                  \
    X(Minss, 4, bits(_mm_min_ss(ps(a), ps(b))))                                   \
    X(Minsd, 8, bits(_mm_min_sd(pd(a), pd(b))))                                   \
    X(Maxps, 16, bits(_mm_max_ps(ps(a), ps(b))))                                  \
    X(Maxpd, 16, bits(_mm_max_pd(pd(a), pd(b))))                                  \
    X(Maxss, 4, bits(_mm_max_ss(ps(a), ps(b))))                                   \
    X(Maxsd, 8, bits(_mm_max_sd(pd(a), pd(b))))                                   \
    X(Sqrtps, 16, bits(_mm_sqrt_ps(ps(b))))                                       \
    X(Sqrtpd, 16, bits(_mm_sqrt_pd(pd(b))))                                       \
    X(Sqrtss, 4, bits(_mm_move_ss(ps(a), _mm_sqrt_ss(ps(b)))))                    \
    X(Sqrtsd, 8, bits(_mm_sqrt_sd(pd(a), pd(b))))                                 \
    X(Rcpps, 16, bits(_mm_rcp_ps(ps(b))))                                         \
    X(Rcpss, 4, bits(_mm_move_ss(ps(a), _mm_rcp_ss(ps(b)))))                      \
    X(Rsqrtps, 16, bits(_mm_rsqrt_ps(ps(b))))                                     \
    X(Rsqrtss, 4, bits(_mm_move_ss(ps(a), _mm_rsqrt_ss(ps(b)))))                  \
    X(Cvtps2pd, 8, bits(_mm_cvtps_pd(ps(b))))                                     \
    X(Cvtpd2ps, 16, bits(_mm_cvtpd_ps(pd(b))))                                    \
    X(Cvtss2sd, 4, bits(_mm_cvtss_sd(pd(a), ps(b))))                              \
    X(Cvtsd2ss, 8, bits(_mm_cvtsd_ss(ps(a), pd(b))))                              \
    X(Cvtdq2ps, 16, bits(_mm_cvtepi32_ps(b)))                                     \
    X(Cvtps2dq, 16, _mm_cvtps_epi32(ps(b)))                                       \
    X(Cvttps2dq, 16, _mm_cvttps_epi32(ps(b)))                                     \
    X(Cvtdq2pd, 8, bits(_mm_cvtepi32_pd(b)))                                      \
    X(Cvtpd2dq, 16, _mm_cvtpd_epi32(pd(b)))                                       \
    X(Cvttpd2dq, 16, _mm_cvttpd_epi32(pd(b)))                                     \
    X(Cmpeqps, 16, bits(_mm_cmpeq_ps(ps(a), ps(b))))                              \
    X(Cmpltps, 16, bits(_mm_cmplt_ps(ps(a), ps(b))))                              \
    X(Cmpleps, 16, bits(_mm_cmple_ps(ps(a), ps(b))))                              \
    X(Cmpunordps, 16, bits(_mm_cmpunord_ps(ps(a), ps(b))))                        \
    X(Cmpneqps, 16, bits(_mm_cmpneq_ps(ps(a), ps(b))))                            \
    X(Cmpnltps, 16, bits(_mm_cmpnlt_ps(ps(a), ps(b))))                            \
    X(Cmpnleps, 16, bits(_mm_cmpnle_ps(ps(a), ps(b))))                            \
    X(Cmpordps, 16, bits(_mm_cmpord_ps(ps(a), ps(b))))                            \
    X(Cmpeqpd, 16, bits(_mm_cmpeq_pd(pd(a), pd(b))))                              \
    X(Cmpltpd, 16, bits(_mm_cmplt_pd(pd(a), pd(b))))                              \
    X(Cmplepd, 16, bits(_mm_cmple_pd(pd(a), pd(b))))                              \
    X(Cmpunordpd, 16, bits(_mm_cmpunord_pd(pd(a), pd(b))))                        \
    X(Cmpneqpd, 16, bits(_mm_cmpneq_pd(pd(a), pd(b))))                            \
    X(Cmpnltpd, 16, bits(_mm_cmpnlt_pd(pd(a), pd(b))))                            \
    X(Cmpnlepd, 16, bits(_mm_cmpnle_pd(pd(a), pd(b))))                            \
    X(Cmpordpd, 16, bits(_mm_cmpord_pd(pd(a), pd(b))))                            \
    X(Cmpeqss, 4, bits(_mm_cmpeq_ss(ps(a), ps(b))))                               \
    X(Cmpltss, 4, bits(_mm_cmplt_ss(ps(a), ps(b))))                               \
    X(Cmpless, 4, bits(_mm_cmple_ss(ps(a), ps(b))))                               \
    X(Cmpunordss, 4, bits(_mm_cmpunord_ss(ps(a), ps(b))))                         \
    X(Cmpneqss, 4, bits(_mm_cmpneq_ss(ps(a), ps(b))))                             \
    X(Cmpnltss, 4, bits(_mm_cmpnlt_ss(ps(a), ps(b))))                             \
    X(Cmpnless, 4, bits(_mm_cmpnle_ss(ps(a), ps(b))))                             \
    X(Cmpordss, 4, bits(_mm_cmpord_ss(ps(a), ps(b))))                             \
    X(Cmpeqsd, 8, bits(_mm_cmpeq_sd(pd(a), pd(b))))                               \
    X(Cmpltsd, 8, bits(_mm_cmplt_sd(pd(a), pd(b))))                               \
    X(Cmplesd, 8, bits(_mm_cmple_sd(pd(a), pd(b))))                               \
    X(Cmpunordsd, 8, bits(_mm_cmpunord_sd(pd(a), pd(b))))                         \
    X(Cmpneqsd, 8, bits(_mm_cmpneq_sd(pd(a), pd(b))))                             \
    X(Cmpnltsd, 8, bits(_mm_cmpnlt_sd(pd(a), pd(b))))                             \
    X(Cmpnlesd, 8, bits(_mm_cmpnle_sd(pd(a), pd(b))))                             \
    X(Cmpordsd, 8, bits(_mm_cmpord_sd(pd(a), pd(b))))                            \
    X(Haddps, 16, haddps(a, b))                                                   \
    X(Haddpd, 16, haddpd(a, b))                                                   \
    X(Hsubps, 16, hsubps(a, b))                                                   \
    X(Hsubpd, 16, hsubpd(a, b))                                                   \
    X(Addsubps, 16, addsubps(a, b))                                               \
    X(Addsubpd, 16, addsubpd(a, b))

enum FpOp : u8 {
#define FLINT_X(name, mem, expr) name,
    FLINT_SSE_FP_OPS(FLINT_X)
#undef FLINT_X
    kFpOpCount
};

// CMPPS/CMPPD/CMPSS/CMPSD: the first of the eight predicate entries for each form; the
// handler adds imm8[2:0].
inline constexpr u8 kCmpBase[4] = {Cmpeqps, Cmpeqpd, Cmpeqss, Cmpeqsd};

}  // namespace flint::x86::sse
