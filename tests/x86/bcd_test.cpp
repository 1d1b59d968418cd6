// Decimal/ASCII adjust family: DAA DAS AAA AAS AAM AAD SALC in real and 32-bit modes
// (their only home), AAM 0 -> #DE, and #UD for all of them in 64-bit mode.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

constexpr CpuMode k32 = CpuMode::Protected32;
constexpr CpuMode kReal = CpuMode::Real;

std::vector<ExecCase> bcd_cases() {
    return {
        // --- DAA: CF/AF/SF/ZF/PF defined, OF undefined ---
        {.name = "Daa_AdjustsLowDigit", .code = {0x27}, .regs_in = {{R::Rax, 0x0f}},  // 09 + 06
         .regs_out = {{R::Rax, 0x15}}, .flags_mask = CF | AF | ZF | SF, .flags_out = AF, .mode = k32},
        {.name = "Daa_AdjustsBothDigitsWithCarry", .code = {0x27}, .regs_in = {{R::Rax, 0x9a}},  // 49 + 51
         .regs_out = {{R::Rax, 0x00}}, .flags_mask = CF | AF | ZF | SF | PF, .flags_out = CF | AF | ZF | PF,
         .mode = k32},
        {.name = "Daa_AfInputAdjusts", .code = {0x27}, .regs_in = {{R::Rax, 0x12}}, .regs_out = {{R::Rax, 0x18}},
         .flags_in = AF, .flags_mask = CF | AF, .flags_out = AF, .mode = k32},
        {.name = "Daa_CfInputAddsSixty", .code = {0x27}, .regs_in = {{R::Rax, 0x12}}, .regs_out = {{R::Rax, 0x72}},
         .flags_in = CF, .flags_mask = CF | AF | SF, .flags_out = CF, .mode = k32},
        {.name = "Daa_NoAdjustClearsCf", .code = {0x27}, .regs_in = {{R::Rax, 0x45}}, .regs_out = {{R::Rax, 0x45}},
         .flags_mask = CF | AF, .flags_out = 0, .mode = kReal},
        // --- DAS ---
        {.name = "Das_AdjustsLowDigit", .code = {0x2f}, .regs_in = {{R::Rax, 0x0c}},  // 15 - 09
         .regs_out = {{R::Rax, 0x06}}, .flags_in = AF, .flags_mask = CF | AF | ZF | SF, .flags_out = AF, .mode = k32},
        {.name = "Das_BorrowBothDigits", .code = {0x2f}, .regs_in = {{R::Rax, 0xff}},  // 00 - 01
         .regs_out = {{R::Rax, 0x99}}, .flags_in = CF | AF, .flags_mask = CF | AF | SF, .flags_out = CF | AF | SF,
         .mode = k32},
        {.name = "Das_LowBorrowKeepsCf", .code = {0x2f}, .regs_in = {{R::Rax, 0x03}}, .regs_out = {{R::Rax, 0xfd}},
         .flags_in = AF, .flags_mask = CF | AF, .flags_out = CF | AF, .mode = k32},
        // --- AAA / AAS: CF/AF defined ---
        {.name = "Aaa_CarriesIntoAh", .code = {0x37}, .regs_in = {{R::Rax, 0x010b}},
         .regs_out = {{R::Rax, 0x0201}}, .flags_mask = CF | AF, .flags_out = CF | AF, .mode = k32},
        {.name = "Aaa_CarryThroughAl", .code = {0x37}, .regs_in = {{R::Rax, 0x00ff}},  // AX + 0x106 = 0x205
         .regs_out = {{R::Rax, 0x0205}}, .flags_mask = CF | AF, .flags_out = CF | AF, .mode = k32},
        {.name = "Aaa_NoAdjustMasksAl", .code = {0x37}, .regs_in = {{R::Rax, 0x0135}},
         .regs_out = {{R::Rax, 0x0105}}, .flags_in = CF, .flags_mask = CF | AF, .flags_out = 0, .mode = kReal},
        {.name = "Aas_BorrowsFromAh", .code = {0x3f}, .regs_in = {{R::Rax, 0x020f}},
         .regs_out = {{R::Rax, 0x0109}}, .flags_mask = CF | AF, .flags_out = CF | AF, .mode = k32},
        {.name = "Aas_BorrowThroughAl", .code = {0x3f}, .regs_in = {{R::Rax, 0x0203}},  // AX - 6: AL borrows
         .regs_out = {{R::Rax, 0x000d}}, .flags_in = AF, .flags_mask = CF | AF, .flags_out = CF | AF, .mode = k32},
        // --- AAM / AAD: SF/ZF/PF defined ---
        {.name = "Aam_Base10", .code = {0xd4, 0x0a}, .regs_in = {{R::Rax, 0xff4f}},  // 79
         .regs_out = {{R::Rax, 0x0709}}, .flags_mask = SF | ZF | PF, .flags_out = PF, .mode = k32},
        {.name = "Aam_Base16ZeroRemainder", .code = {0xd4, 0x10}, .regs_in = {{R::Rax, 0x0030}},
         .regs_out = {{R::Rax, 0x0300}}, .flags_mask = SF | ZF | PF, .flags_out = ZF | PF, .mode = k32},
        {.name = "Aad_Base10", .code = {0xd5, 0x0a}, .regs_in = {{R::Rax, 0x0709}},
         .regs_out = {{R::Rax, 0x004f}}, .flags_mask = SF | ZF | PF, .flags_out = 0, .mode = k32},
        {.name = "Aad_WrapsAl", .code = {0xd5, 0x0a}, .regs_in = {{R::Rax, 0x1a09}},  // 26*10+9 = 269
         .regs_out = {{R::Rax, 0x000d}}, .flags_mask = SF | ZF | PF, .flags_out = 0, .mode = kReal},
        // --- SALC ---
        {.name = "Salc_CarrySetsAl", .code = {0xd6}, .regs_in = {{R::Rax, 0x1234}}, .regs_out = {{R::Rax, 0x12ff}},
         .flags_in = CF, .flags_mask = kStatus, .flags_out = CF, .mode = k32},
        {.name = "Salc_NoCarryClearsAl", .code = {0xd6}, .regs_in = {{R::Rax, 0x12ff}}, .regs_out = {{R::Rax, 0x1200}},
         .flags_in = ZF, .flags_mask = kStatus, .flags_out = ZF, .mode = kReal},
    };
}

class BcdTable : public testing::TestWithParam<ExecCase> {};
TEST_P(BcdTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Bcd, BcdTable, testing::ValuesIn(bcd_cases()), case_name);

TEST(X86Bcd, AamZero_RaisesDe) {
    Machine m(k32);
    m.load(kCodeAddr, {0xd4, 0x00});
    m.reg(R::Rax) = 0x1234;
    const Event e = m.run();
    EXPECT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::DE);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.reg(R::Rax), 0x1234u);
}

TEST(X86Bcd, AllInvalidIn64BitMode) {
    const std::vector<std::vector<u8>> codes = {{0x27}, {0x2f}, {0x37}, {0x3f}, {0xd4, 0x0a}, {0xd5, 0x0a}, {0xd6}};
    for (const auto& code : codes) {
        Machine m;
        m.load(kCodeAddr, code);
        const Event e = m.run();
        EXPECT_EQ(e.kind, EventKind::Exception) << std::hex << int{code[0]};
        EXPECT_EQ(e.vector, Vector::UD) << std::hex << int{code[0]};
        EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    }
}

}  // namespace
}  // namespace flint::x86::test
