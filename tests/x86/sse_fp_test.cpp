// SSE/SSE2 floating point: arithmetic, MXCSR rounding/DAZ/FTZ and flags, unmasked
// exceptions (#XM, or #UD without CR4.OSXMMEXCPT), compares and conversions.
#include <cmath>
#include <limits>

#include "sse_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kOnes = ~u64{0};
constexpr u32 kDefault = mxcsr::Default;
const float kQnan = std::numeric_limits<float>::quiet_NaN();

std::vector<SseCase> fp_cases() {
    return {
        {.name = "Addps", .code = {0x0f, 0x58, 0xc1},
         .xmm_in = {{0, f32x2(1, 2), f32x2(3, 4)}, {1, f32x2(10, 20), f32x2(30, 40)}},
         .xmm_out = {{0, f32x2(11, 22), f32x2(33, 44)}}},
        {.name = "Addss_KeepsUpper", .code = {0xf3, 0x0f, 0x58, 0xc1},
         .xmm_in = {{0, f32x2(1, 7), 9}, {1, f32x2(2, 100), 100}}, .xmm_out = {{0, f32x2(3, 7), 9}}},
        {.name = "AddsdMisalignedMemory_IsFine", .code = {0xf2, 0x0f, 0x58, 0x03}, .xmm_in = {{0, f64(1), 5}},
         .xmm_out = {{0, f64(1.5), 5}}, .regs_in = {{R::Rbx, 0x2001}}, .mem_in = {{0x2001, 8, f64(0.5)}}},
        {.name = "MulpsMisalignedMemory_GeneralProtection", .code = {0x0f, 0x59, 0x03},
         .regs_in = {{R::Rbx, 0x2004}}, .vector = kGP},
        {.name = "DivssByZeroMasked_InfinityAndFlag", .code = {0xf3, 0x0f, 0x5e, 0xc1},
         .xmm_in = {{0, f32(1), 0}, {1, f32(0), 0}}, .xmm_out = {{0, f32(INFINITY), 0}},
         .mxcsr_out = kDefault | mxcsr::ZE},
        {.name = "DivssByZeroUnmasked_SimdExceptionNoWrite", .code = {0xf3, 0x0f, 0x5e, 0xc1},
         .xmm_in = {{0, f32(1), 0}, {1, f32(0), 0}}, .xmm_out = {{0, f32(1), 0}},
         .mxcsr_in = kDefault & ~(mxcsr::ZE << mxcsr::MaskShift),
         .mxcsr_out = (kDefault & ~(mxcsr::ZE << mxcsr::MaskShift)) | mxcsr::ZE, .vector = kXM},
        {.name = "DivssByZeroUnmaskedWithoutOsxmmexcpt_Undefined", .code = {0xf3, 0x0f, 0x5e, 0xc1},
         .xmm_in = {{0, f32(1), 0}, {1, f32(0), 0}}, .xmm_out = {{0, f32(1), 0}},
         .mxcsr_in = kDefault & ~(mxcsr::ZE << mxcsr::MaskShift),
         .mxcsr_out = (kDefault & ~(mxcsr::ZE << mxcsr::MaskShift)) | mxcsr::ZE, .vector = kUD,
         .cr4 = cr4::OSFXSR},
        {.name = "InexactUnmasked_SimdException", .code = {0xf3, 0x0f, 0x58, 0xc1},
         .xmm_in = {{0, f32(1), 0}, {1, f32(1e-10f), 0}}, .xmm_out = {{0, f32(1), 0}},
         .mxcsr_in = kDefault & ~(mxcsr::PE << mxcsr::MaskShift),
         .mxcsr_out = (kDefault & ~(mxcsr::PE << mxcsr::MaskShift)) | mxcsr::PE, .vector = kXM},
        {.name = "Sqrtsd_KeepsUpper", .code = {0xf2, 0x0f, 0x51, 0xc1}, .xmm_in = {{0, 0, 7}, {1, f64(2.25), 0}},
         .xmm_out = {{0, f64(1.5), 7}}},
        {.name = "SqrtssNegative_DefaultNanAndInvalid", .code = {0xf3, 0x0f, 0x51, 0xc1},
         .xmm_in = {{0, 0, 0}, {1, f32(-1), 0}}, .xmm_out = {{0, 0xffc00000, 0}}, .mxcsr_out = kDefault | mxcsr::IE},
        {.name = "Maxps_NanPicksSecondOperand", .code = {0x0f, 0x5f, 0xc1},
         .xmm_in = {{0, f32x2(kQnan, 1), 0}, {1, f32x2(5, 2), 0}}, .xmm_out = {{0, f32x2(5, 2), 0}},
         .mxcsr_out = kDefault | mxcsr::IE},
        {.name = "Cmpltps", .code = {0x0f, 0xc2, 0xc1, 0x01},
         .xmm_in = {{0, f32x2(1, 5), f32x2(kQnan, -1)}, {1, f32x2(2, 5), f32x2(0, 0)}},
         .xmm_out = {{0, 0x00000000ffffffff, 0xffffffff00000000}}, .mxcsr_out = kDefault | mxcsr::IE},
        {.name = "Cmpeqsd_KeepsUpper", .code = {0xf2, 0x0f, 0xc2, 0xc1, 0x00},
         .xmm_in = {{0, f64(3), 7}, {1, f64(3), 8}}, .xmm_out = {{0, kOnes, 7}}},
        {.name = "ComissEqual", .code = {0x0f, 0x2f, 0xc1}, .xmm_in = {{0, f32(2), 0}, {1, f32(2), 0}},
         .flags_mask = kStatus, .flags_out = ZF},
        {.name = "ComissLess", .code = {0x0f, 0x2f, 0xc1}, .xmm_in = {{0, f32(1), 0}, {1, f32(2), 0}},
         .flags_mask = kStatus, .flags_out = CF},
        {.name = "UcomissQuietNan_UnorderedNoInvalid", .code = {0x0f, 0x2e, 0xc1},
         .xmm_in = {{0, f32(kQnan), 0}, {1, f32(2), 0}}, .flags_mask = kStatus, .flags_out = ZF | PF | CF},
        {.name = "ComissQuietNan_Invalid", .code = {0x0f, 0x2f, 0xc1}, .xmm_in = {{0, f32(kQnan), 0}, {1, f32(2), 0}},
         .mxcsr_out = kDefault | mxcsr::IE, .flags_mask = kStatus, .flags_out = ZF | PF | CF},
        {.name = "Cvtsi2sdRax_KeepsUpper", .code = {0xf2, 0x48, 0x0f, 0x2a, 0xc0}, .xmm_in = {{0, 0, 7}},
         .xmm_out = {{0, f64(-3), 7}}, .regs_in = {{R::Rax, static_cast<u64>(-3)}}},
        {.name = "Cvtsi2ssInexact", .code = {0xf3, 0x0f, 0x2a, 0xc0}, .xmm_out = {{0, 0x4f000000, 0}},
         .regs_in = {{R::Rax, 0x7fffffff}}, .mxcsr_out = kDefault | mxcsr::PE},
        {.name = "Cvttsd2si_Truncates", .code = {0xf2, 0x0f, 0x2c, 0xc1}, .xmm_in = {{1, f64(-2.7), 0}},
         .regs_in = {{R::Rax, kOnes}}, .regs_out = {{R::Rax, 0xfffffffe}}, .mxcsr_out = kDefault | mxcsr::PE},
        {.name = "Cvtsd2siRoundDown", .code = {0xf2, 0x48, 0x0f, 0x2d, 0xc1}, .xmm_in = {{1, f64(-1.5), 0}},
         .regs_out = {{R::Rax, static_cast<u64>(-2)}}, .mxcsr_in = kDefault | 1u << mxcsr::RoundShift,
         .mxcsr_out = kDefault | 1u << mxcsr::RoundShift | mxcsr::PE},
        {.name = "Cvtsd2siNearestEven", .code = {0xf2, 0x0f, 0x2d, 0xc1}, .xmm_in = {{1, f64(2.5), 0}},
         .regs_out = {{R::Rax, 2}}, .mxcsr_out = kDefault | mxcsr::PE},
        {.name = "Cvttss2siNan_IndefiniteAndInvalid", .code = {0xf3, 0x0f, 0x2c, 0xc1},
         .xmm_in = {{1, f32(kQnan), 0}}, .regs_out = {{R::Rax, 0x80000000}}, .mxcsr_out = kDefault | mxcsr::IE},
        {.name = "Cvtps2pd", .code = {0x0f, 0x5a, 0xc1}, .xmm_in = {{1, f32x2(1.5, -2), kOnes}},
         .xmm_out = {{0, f64(1.5), f64(-2)}}},
        {.name = "Cvtpd2ps_ClearsUpper", .code = {0x66, 0x0f, 0x5a, 0xc1}, .xmm_in = {{0, kOnes, kOnes}, {1, f64(0.5), f64(3)}},
         .xmm_out = {{0, f32x2(0.5, 3), 0}}},
        {.name = "Cvtdq2ps", .code = {0x0f, 0x5b, 0xc1}, .xmm_in = {{1, 0x00000002ffffffff, 0}},
         .xmm_out = {{0, f32x2(-1, 2), 0}}},
        {.name = "Cvttps2dqOverflow_Indefinite", .code = {0xf3, 0x0f, 0x5b, 0xc1},
         .xmm_in = {{1, f32x2(1e10f, 1.9f), 0}}, .xmm_out = {{0, 0x0000000180000000, 0}},
         .mxcsr_out = kDefault | mxcsr::IE | mxcsr::PE},
        {.name = "DenormalInputWithDaz_IsZero", .code = {0xf3, 0x0f, 0x58, 0xc1},
         .xmm_in = {{0, 1, 0}, {1, f32(0), 0}}, .xmm_out = {{0, 0, 0}}, .mxcsr_in = kDefault | mxcsr::DAZ,
         .mxcsr_out = kDefault | mxcsr::DAZ},
        {.name = "DenormalInputWithoutDaz_DenormalFlag", .code = {0xf3, 0x0f, 0x58, 0xc1},
         .xmm_in = {{0, 1, 0}, {1, f32(0), 0}}, .xmm_out = {{0, 1, 0}}, .mxcsr_out = kDefault | mxcsr::DE},
        {.name = "TinyResultWithFtz_FlushedToZero", .code = {0xf3, 0x0f, 0x59, 0xc1},
         .xmm_in = {{0, f32(1e-30f), 0}, {1, f32(1e-30f), 0}}, .xmm_out = {{0, 0, 0}},
         .mxcsr_in = kDefault | mxcsr::FTZ, .mxcsr_out = kDefault | mxcsr::FTZ | mxcsr::UE | mxcsr::PE},
        {.name = "TinyExactResultUnderflowUnmasked_SimdException", .code = {0xf3, 0x0f, 0x59, 0xc1},
         .xmm_in = {{0, f32(0x1p-70f), 0}, {1, f32(0x1p-70f), 0}}, .xmm_out = {{0, f32(0x1p-70f), 0}},
         .mxcsr_in = kDefault & ~(mxcsr::UE << mxcsr::MaskShift),
         .mxcsr_out = (kDefault & ~(mxcsr::UE << mxcsr::MaskShift)) | mxcsr::UE, .vector = kXM},
    };
}

class SseFpTable : public testing::TestWithParam<SseCase> {};
TEST_P(SseFpTable, Run_MatchesExpectedState) { run_sse_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Sse, SseFpTable, testing::ValuesIn(fp_cases()), sse_case_name);

// RCPPS/RSQRTPS differ between vendors in their low bits; the architecture promises a
// relative error of at most 1.5 * 2^-12.
TEST(X86SseFp, RcppsAndRsqrtps_WithinArchitecturalError) {
    for (const auto& [op, fn] : {std::pair<u8, double (*)(double)>{0x53, [](double x) { return 1 / x; }},
                                 std::pair<u8, double (*)(double)>{0x52, [](double x) { return 1 / std::sqrt(x); }}}) {
        Machine m;
        m.cpu.state().cr4 |= cr4::OSFXSR;
        m.load(kCodeAddr, {0x0f, op, 0xc1, 0xf4});
        const float in[4] = {3.0f, 0.1f, 1000.0f, 7.5f};
        m.cpu.state().fpu.xmm[1].q = {f32x2(in[0], in[1]), f32x2(in[2], in[3])};
        ASSERT_EQ(m.run().kind, EventKind::Halt);
        for (unsigned i = 0; i < 4; ++i) {
            const double want = fn(in[i]);
            const double got = std::bit_cast<float>(m.cpu.state().fpu.xmm[0].get<u32>(i));
            EXPECT_LE(std::fabs(got - want) / want, 1.5 * 0x1p-12) << "element " << i;
        }
    }
}

}  // namespace
}  // namespace flint::x86::test
