// Multiply/divide family: before/after tables for MUL, IMUL (one, two and three
// operands), DIV and IDIV at every width, and the #DE cases (zero divisor, quotient
// overflow, INT_MIN / -1).
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kCfOf = CF | OF;  // the only flags MUL/IMUL define

std::vector<ExecCase> muldiv_cases() {
    return {
        // --- MUL ---
        {.name = "MulBl_ProductInAx", .code = {0xf6, 0xe3}, .regs_in = {{R::Rax, 0xffff0080}, {R::Rbx, 0x04}},
         .regs_out = {{R::Rax, 0xffff0200}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        {.name = "MulBl_FitsClearsCfOf", .code = {0xf6, 0xe3}, .regs_in = {{R::Rax, 0x10}, {R::Rbx, 0x0f}},
         .regs_out = {{R::Rax, 0xf0}}, .flags_in = CF | OF, .flags_mask = kCfOf, .flags_out = 0},
        {.name = "MulCx_DxAx", .code = {0x66, 0xf7, 0xe1},
         .regs_in = {{R::Rax, 0xaaaa0000ffff}, {R::Rcx, 0xffff}, {R::Rdx, 0x5555000012345678}},
         .regs_out = {{R::Rax, 0xaaaa00000001}, {R::Rdx, 0x555500001234fffe}}, .flags_mask = kCfOf,
         .flags_out = kCfOf},
        {.name = "MulEcx_ZeroExtendsEdxEax", .code = {0xf7, 0xe1},
         .regs_in = {{R::Rax, 0x1111111180000000}, {R::Rcx, 2}, {R::Rdx, ~u64{0}}},
         .regs_out = {{R::Rax, 0}, {R::Rdx, 1}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        {.name = "MulRcx_128BitProduct", .code = {0x48, 0xf7, 0xe1}, .regs_in = {{R::Rax, ~u64{0}}, {R::Rcx, ~u64{0}}},
         .regs_out = {{R::Rax, 1}, {R::Rdx, 0xfffffffffffffffe}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        {.name = "MulMemory64_Fits", .code = {0x48, 0xf7, 0x23}, .regs_in = {{R::Rax, 3}, {R::Rbx, 0x2000}, {R::Rdx, 9}},
         .regs_out = {{R::Rax, 21}, {R::Rdx, 0}}, .flags_mask = kCfOf, .flags_out = 0, .mem_in = {{0x2000, 8, 7}}},
        // --- IMUL, one operand ---
        {.name = "Imul1Bl_NegativeFitsSignExtends", .code = {0xf6, 0xeb}, .regs_in = {{R::Rax, 0xfe}, {R::Rbx, 0x03}},
         .regs_out = {{R::Rax, 0xfffa}}, .flags_mask = kCfOf, .flags_out = 0},
        {.name = "Imul1Bl_Overflow", .code = {0xf6, 0xeb}, .regs_in = {{R::Rax, 0x80}, {R::Rbx, 0xff}},
         .regs_out = {{R::Rax, 0x0080}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        {.name = "Imul1Ecx_HighHalfSign", .code = {0xf7, 0xe9}, .regs_in = {{R::Rax, 0xffffffff}, {R::Rcx, 5}},
         .regs_out = {{R::Rax, 0xfffffffb}, {R::Rdx, 0xffffffff}}, .flags_mask = kCfOf, .flags_out = 0},
        {.name = "Imul1Rcx_MinTimesMin", .code = {0x48, 0xf7, 0xe9},
         .regs_in = {{R::Rax, 0x8000000000000000}, {R::Rcx, 0x8000000000000000}},
         .regs_out = {{R::Rax, 0}, {R::Rdx, 0x4000000000000000}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        // --- IMUL, two and three operands ---
        {.name = "Imul2EaxEcx_Truncates", .code = {0x0f, 0xaf, 0xc1}, .regs_in = {{R::Rax, 0x10000}, {R::Rcx, 0x10000}},
         .regs_out = {{R::Rax, 0}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        {.name = "Imul2Ax_MergesWord", .code = {0x66, 0x0f, 0xaf, 0xc1},
         .regs_in = {{R::Rax, 0x12340003}, {R::Rcx, 0xfffe}}, .regs_out = {{R::Rax, 0x1234fffa}},
         .flags_mask = kCfOf, .flags_out = 0},
        {.name = "Imul2Rax_Negative64", .code = {0x48, 0x0f, 0xaf, 0xc1}, .regs_in = {{R::Rax, ~u64{0}}, {R::Rcx, 7}},
         .regs_out = {{R::Rax, 0xfffffffffffffff9}}, .flags_mask = kCfOf, .flags_out = 0},
        {.name = "Imul3Imm8_SignExtended", .code = {0x6b, 0xc1, 0xff}, .regs_in = {{R::Rcx, 5}},
         .regs_out = {{R::Rax, 0xfffffffb}}, .flags_mask = kCfOf, .flags_out = 0},
        {.name = "Imul3Imm32_Overflow", .code = {0x48, 0x69, 0xc1, 0x00, 0x00, 0x00, 0x40},
         .regs_in = {{R::Rcx, 0x400000000}}, .regs_out = {{R::Rax, 0}}, .flags_mask = kCfOf, .flags_out = kCfOf},
        {.name = "Imul3Imm16FromMemory", .code = {0x66, 0x69, 0x03, 0x10, 0x00},
         .regs_in = {{R::Rax, 0xffff0000}, {R::Rbx, 0x2000}}, .regs_out = {{R::Rax, 0xffff0300}},
         .flags_mask = kCfOf, .flags_out = 0, .mem_in = {{0x2000, 2, 0x30}}},
        // --- DIV ---
        {.name = "DivBl_QuotientAlRemainderAh", .code = {0xf6, 0xf3}, .regs_in = {{R::Rax, 0x12340123}, {R::Rbx, 0x10}},
         .regs_out = {{R::Rax, 0x12340312}}},
        {.name = "DivCx_DxAx", .code = {0x66, 0xf7, 0xf1}, .regs_in = {{R::Rax, 0x0005}, {R::Rdx, 0x0001}, {R::Rcx, 0x10}},
         .regs_out = {{R::Rax, 0x1000}, {R::Rdx, 0x0005}}},
        {.name = "DivEcx_ZeroExtends", .code = {0xf7, 0xf1},
         .regs_in = {{R::Rax, 0xaaaaaaaa00000007}, {R::Rdx, 0xbbbbbbbb00000000}, {R::Rcx, 2}},
         .regs_out = {{R::Rax, 3}, {R::Rdx, 1}}},
        {.name = "DivRcx_128By64", .code = {0x48, 0xf7, 0xf1},
         .regs_in = {{R::Rax, 0}, {R::Rdx, 0x7fffffffffffffff}, {R::Rcx, 0x8000000000000000}},
         .regs_out = {{R::Rax, 0xfffffffffffffffe}, {R::Rdx, 0}}},
        {.name = "DivRcx_LargestQuotient", .code = {0x48, 0xf7, 0xf1},
         .regs_in = {{R::Rax, ~u64{0}}, {R::Rdx, 2}, {R::Rcx, 3}},
         .regs_out = {{R::Rax, 0xffffffffffffffff}, {R::Rdx, 2}}},
        // --- IDIV ---
        {.name = "IdivBl_TruncatesTowardZero", .code = {0xf6, 0xfb}, .regs_in = {{R::Rax, 0xfff9}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, 0xfffd}}},  // -7 / 2 = -3 rem -1
        {.name = "IdivBl_MinQuotient", .code = {0xf6, 0xfb}, .regs_in = {{R::Rax, 0xff00}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, 0x0080}}},  // -256 / 2 = -128
        {.name = "IdivEcx_NegativeDivisor", .code = {0xf7, 0xf9},
         .regs_in = {{R::Rax, 7}, {R::Rdx, 0}, {R::Rcx, 0xfffffffe}},
         .regs_out = {{R::Rax, 0xfffffffd}, {R::Rdx, 1}}},
        {.name = "IdivRcx_128BitNegativeDividend", .code = {0x48, 0xf7, 0xf9},
         .regs_in = {{R::Rax, 0}, {R::Rdx, ~u64{0}}, {R::Rcx, 0x10}},
         .regs_out = {{R::Rax, 0xf000000000000000}, {R::Rdx, 0}}},
        {.name = "IdivInRealMode", .code = {0xf7, 0xf9}, .regs_in = {{R::Rax, 0xfff6}, {R::Rdx, 0xffff}, {R::Rcx, 3}},
         .regs_out = {{R::Rax, 0xfffd}, {R::Rdx, 0xffff}}, .mode = CpuMode::Real},
    };
}

class MulDivTable : public testing::TestWithParam<ExecCase> {};
TEST_P(MulDivTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86MulDiv, MulDivTable, testing::ValuesIn(muldiv_cases()), case_name);

struct DivideErrorCase {
    std::string name;
    std::vector<u8> code;
    u64 rax, rdx, rcx;
};

class DivideError : public testing::TestWithParam<DivideErrorCase> {};
TEST_P(DivideError, Raises_DeAndChangesNothing) {
    const DivideErrorCase& c = GetParam();
    Machine m;
    m.load(kCodeAddr, c.code);
    m.reg(R::Rax) = c.rax;
    m.reg(R::Rdx) = c.rdx;
    m.reg(R::Rcx) = c.rcx;
    m.cpu.set_rflags(rflags::Fixed1 | CF | ZF);
    const Event e = m.run();
    EXPECT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::DE);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.reg(R::Rax), c.rax);
    EXPECT_EQ(m.reg(R::Rdx), c.rdx);
    EXPECT_EQ(m.cpu.rflags() & kStatus, CF | ZF);
}
INSTANTIATE_TEST_SUITE_P(
    X86MulDiv, DivideError,
    testing::Values(DivideErrorCase{"DivByZero8", {0xf6, 0xf1}, 0x1234, 0, 0},
                    DivideErrorCase{"DivByZero64", {0x48, 0xf7, 0xf1}, 1, 0, 0},
                    DivideErrorCase{"DivQuotientTooWide8", {0xf6, 0xf1}, 0x0200, 0, 2},
                    DivideErrorCase{"DivQuotientTooWide32", {0xf7, 0xf1}, 0, 1, 1},
                    DivideErrorCase{"DivQuotientTooWide64", {0x48, 0xf7, 0xf1}, 0, 5, 5},
                    DivideErrorCase{"IdivByZero16", {0x66, 0xf7, 0xf9}, 1, 0, 0},
                    DivideErrorCase{"IdivMinByMinusOne8", {0xf6, 0xf9}, 0xff80, 0, 0xff},
                    DivideErrorCase{"IdivMinByMinusOne32", {0xf7, 0xf9}, 0x80000000, 0xffffffff, 0xffffffff},
                    DivideErrorCase{"IdivMinByMinusOne64", {0x48, 0xf7, 0xf9}, 0x8000000000000000,
                                    ~u64{0}, ~u64{0}},
                    DivideErrorCase{"IdivInt128MinByMinusOne", {0x48, 0xf7, 0xf9}, 0, 0x8000000000000000,
                                    ~u64{0}},
                    DivideErrorCase{"IdivInt64MinDividendByMinusOne32", {0xf7, 0xf9}, 0, 0x80000000, 0xffffffff},
                    DivideErrorCase{"IdivInt64MinDividendByMax32", {0xf7, 0xf9}, 0, 0x80000000, 0x7fffffff},
                    DivideErrorCase{"IdivPositiveQuotient128", {0xf6, 0xf9}, 0x0100, 0, 2},
                    DivideErrorCase{"IdivNegativeQuotientMinus129", {0xf6, 0xf9}, 0xfefe, 0, 2}),
    [](const testing::TestParamInfo<DivideErrorCase>& p) { return p.param.name; });

}  // namespace
}  // namespace flint::x86::test
