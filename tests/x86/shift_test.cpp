// Shift/rotate family: before/after tables for group 2 (ROL ROR RCL RCR SHL SHR SAL SAR
// by 1, CL and imm8) and SHLD/SHRD, covering count masking, zero counts, the defined
// CF/OF corner cases and memory operands.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

// Flags that are defined for the counts used in each case (AF never is).
constexpr u64 kDefined = CF | OF | SF | ZF | PF;

std::vector<ExecCase> shift_cases() {
    return {
        // --- SHL/SAL ---
        {.name = "ShlEax1_CarryAndOverflow", .code = {0xd1, 0xe0}, .regs_in = {{R::Rax, 0xc0000001}},
         .regs_out = {{R::Rax, 0x80000002}}, .flags_mask = kDefined, .flags_out = CF | SF},
        {.name = "ShlAl1_OverflowWhenSignFlips", .code = {0xd0, 0xe0}, .regs_in = {{R::Rax, 0x40}},
         .regs_out = {{R::Rax, 0x80}}, .flags_mask = kDefined, .flags_out = OF | SF},
        {.name = "SalAlias_IsShl", .code = {0xd0, 0xf0}, .regs_in = {{R::Rax, 0x81}},
         .regs_out = {{R::Rax, 0x02}}, .flags_mask = CF | OF | ZF, .flags_out = CF | OF},
        {.name = "ShlRaxImm63", .code = {0x48, 0xc1, 0xe0, 0x3f}, .regs_in = {{R::Rax, 3}},
         .regs_out = {{R::Rax, 0x8000000000000000}}, .flags_mask = CF | ZF | SF, .flags_out = CF | SF},
        {.name = "ShlEaxCl32_MaskedToZeroKeepsFlags", .code = {0xd3, 0xe0},
         .regs_in = {{R::Rax, 0xffffffff00000001}, {R::Rcx, 32}}, .regs_out = {{R::Rax, 1}},
         .flags_in = CF | OF | ZF, .flags_mask = kStatus, .flags_out = CF | OF | ZF},
        {.name = "ShlRaxCl64_MaskedToZero", .code = {0x48, 0xd3, 0xe0},
         .regs_in = {{R::Rax, 5}, {R::Rcx, 64}}, .regs_out = {{R::Rax, 5}}, .flags_in = SF,
         .flags_mask = kStatus, .flags_out = SF},
        {.name = "ShlAlCl8_LastBitOutIsCarry", .code = {0xd2, 0xe0}, .regs_in = {{R::Rax, 0x1201}, {R::Rcx, 8}},
         .regs_out = {{R::Rax, 0x1200}}, .flags_mask = CF | ZF | SF, .flags_out = CF | ZF},
        {.name = "ShlAxCl20_ClearsWord", .code = {0x66, 0xd3, 0xe0}, .regs_in = {{R::Rax, 0xabcdffff}, {R::Rcx, 20}},
         .regs_out = {{R::Rax, 0xabcd0000}}, .flags_mask = ZF | SF | PF, .flags_out = ZF | PF},
        // --- SHR ---
        {.name = "ShrEax1_OverflowIsOldSign", .code = {0xd1, 0xe8}, .regs_in = {{R::Rax, 0x80000001}},
         .regs_out = {{R::Rax, 0x40000000}}, .flags_mask = kDefined, .flags_out = CF | OF | PF},
        {.name = "ShrBlImm4", .code = {0xc0, 0xeb, 0x04}, .regs_in = {{R::Rbx, 0x18}},
         .regs_out = {{R::Rbx, 0x01}}, .flags_mask = CF | ZF | SF, .flags_out = CF},
        {.name = "ShrAhCl_HighByte", .code = {0xd2, 0xec}, .regs_in = {{R::Rax, 0x8000}, {R::Rcx, 7}},
         .regs_out = {{R::Rax, 0x0100}}, .flags_mask = CF | ZF, .flags_out = 0},
        {.name = "ShrRaxImm0_NoFlagChange", .code = {0x48, 0xc1, 0xe8, 0x00}, .regs_in = {{R::Rax, 3}},
         .regs_out = {{R::Rax, 3}}, .flags_in = ZF, .flags_mask = kStatus, .flags_out = ZF},
        // --- SAR ---
        {.name = "SarAl1_KeepsSignOverflowClear", .code = {0xd0, 0xf8}, .regs_in = {{R::Rax, 0x81}},
         .regs_out = {{R::Rax, 0xc0}}, .flags_in = OF, .flags_mask = kDefined, .flags_out = CF | SF | PF},
        {.name = "SarAlCl31_AllSignBits", .code = {0xd2, 0xf8}, .regs_in = {{R::Rax, 0x80}, {R::Rcx, 31}},
         .regs_out = {{R::Rax, 0xff}}, .flags_mask = CF | SF | ZF, .flags_out = CF | SF},
        {.name = "SarRaxImm63", .code = {0x48, 0xc1, 0xf8, 0x3f}, .regs_in = {{R::Rax, 0x8000000000000000}},
         .regs_out = {{R::Rax, ~u64{0}}}, .flags_mask = CF | SF, .flags_out = SF},
        // --- ROL/ROR ---
        {.name = "RolAl1_CarryFromTop", .code = {0xd0, 0xc0}, .regs_in = {{R::Rax, 0x81}},
         .regs_out = {{R::Rax, 0x03}}, .flags_mask = CF | OF, .flags_out = CF | OF},
        {.name = "RolKeepsSzp", .code = {0xd0, 0xc0}, .regs_in = {{R::Rax, 0x00}},
         .regs_out = {{R::Rax, 0x00}}, .flags_in = SF | PF, .flags_mask = SF | ZF | PF | CF, .flags_out = SF | PF},
        {.name = "RolAlCl8_FullTurnSetsCf", .code = {0xd2, 0xc0}, .regs_in = {{R::Rax, 0x81}, {R::Rcx, 8}},
         .regs_out = {{R::Rax, 0x81}}, .flags_mask = CF, .flags_out = CF},
        {.name = "RorEax1", .code = {0xd1, 0xc8}, .regs_in = {{R::Rax, 0x00000001}},
         .regs_out = {{R::Rax, 0x80000000}}, .flags_mask = CF | OF, .flags_out = CF | OF},
        {.name = "RorRaxImm4", .code = {0x48, 0xc1, 0xc8, 0x04}, .regs_in = {{R::Rax, 0x123456789abcdef0}},
         .regs_out = {{R::Rax, 0x0123456789abcdef}}, .flags_mask = CF, .flags_out = 0},
        {.name = "RolWordMemoryCl", .code = {0x66, 0xd3, 0x03}, .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 4}},
         .flags_mask = CF, .flags_out = CF, .mem_in = {{0x2000, 4, 0x5555f00f}},
         .mem_out = {{0x2000, 4, 0x555500ff}}},
        // --- RCL/RCR ---
        {.name = "RclAl1_CarryIn", .code = {0xd0, 0xd0}, .regs_in = {{R::Rax, 0x80}},
         .regs_out = {{R::Rax, 0x01}}, .flags_in = CF, .flags_mask = CF | OF, .flags_out = CF | OF},
        {.name = "RclAlCl9_Mod9IsNoChange", .code = {0xd2, 0xd0}, .regs_in = {{R::Rax, 0x5a}, {R::Rcx, 9}},
         .regs_out = {{R::Rax, 0x5a}}, .flags_in = CF, .flags_mask = CF, .flags_out = CF},
        {.name = "RclAxCl17_Mod17IsNoChange", .code = {0x66, 0xd3, 0xd0}, .regs_in = {{R::Rax, 0x1234}, {R::Rcx, 17}},
         .regs_out = {{R::Rax, 0x1234}}, .flags_mask = CF, .flags_out = 0},
        {.name = "RclAlCl10_IsRcl1", .code = {0xd2, 0xd0}, .regs_in = {{R::Rax, 0x80}, {R::Rcx, 10}},
         .regs_out = {{R::Rax, 0x00}}, .flags_mask = CF, .flags_out = CF},
        {.name = "RclRaxImm1_Through65Bits", .code = {0x48, 0xc1, 0xd0, 0x01},
         .regs_in = {{R::Rax, 0x8000000000000000}}, .regs_out = {{R::Rax, 1}}, .flags_in = CF,
         .flags_mask = CF | OF, .flags_out = CF | OF},
        {.name = "RcrAl1_CarryIn", .code = {0xd0, 0xd8}, .regs_in = {{R::Rax, 0x01}},
         .regs_out = {{R::Rax, 0x80}}, .flags_in = CF, .flags_mask = CF | OF, .flags_out = CF | OF},
        {.name = "RcrRaxImm63", .code = {0x48, 0xc1, 0xd8, 0x3f}, .regs_in = {{R::Rax, 0x4000000000000000}},
         .regs_out = {{R::Rax, 2}}, .flags_in = CF, .flags_mask = CF, .flags_out = CF},
        // --- SHLD/SHRD ---
        {.name = "ShldEaxEbxImm8", .code = {0x0f, 0xa4, 0xd8, 0x08}, .regs_in = {{R::Rax, 0x12345678}, {R::Rbx, 0xabcdef01}},
         .regs_out = {{R::Rax, 0x345678ab}, {R::Rbx, 0xabcdef01}}, .flags_mask = CF | ZF | SF, .flags_out = 0},
        {.name = "ShldEax1_Overflow", .code = {0x0f, 0xa4, 0xd8, 0x01}, .regs_in = {{R::Rax, 0x40000000}, {R::Rbx, 0x80000000}},
         .regs_out = {{R::Rax, 0x80000001}}, .flags_mask = kDefined, .flags_out = OF | SF},
        {.name = "ShldRaxCl_CarryOut", .code = {0x48, 0x0f, 0xa5, 0xd8},
         .regs_in = {{R::Rax, 0x1000000000000000}, {R::Rbx, ~u64{0}}, {R::Rcx, 4}},
         .regs_out = {{R::Rax, 0xf}}, .flags_mask = CF | SF | ZF, .flags_out = CF},
        {.name = "ShrdAxBxImm4", .code = {0x66, 0x0f, 0xac, 0xd8, 0x04}, .regs_in = {{R::Rax, 0x1238}, {R::Rbx, 0x000f}},
         .regs_out = {{R::Rax, 0xf123}}, .flags_mask = CF | SF, .flags_out = CF | SF},
        {.name = "ShrdEaxClZero_NoChange", .code = {0x0f, 0xad, 0xd8},
         .regs_in = {{R::Rax, 0xffffffff00000007}, {R::Rbx, 1}, {R::Rcx, 0x20}}, .regs_out = {{R::Rax, 7}},
         .flags_in = ZF, .flags_mask = kStatus, .flags_out = ZF},
        {.name = "ShrdMemory64", .code = {0x48, 0x0f, 0xac, 0x03, 0x10}, .regs_in = {{R::Rax, 0xbeef}, {R::Rbx, 0x2000}},
         .flags_mask = CF, .flags_out = 0, .mem_in = {{0x2000, 8, 0x1111222233334444}},
         .mem_out = {{0x2000, 8, 0xbeef111122223333}}},
        // --- modes ---
        {.name = "ShlAx1InRealMode", .code = {0xd1, 0xe0}, .regs_in = {{R::Rax, 0x8000}},
         .regs_out = {{R::Rax, 0}}, .flags_mask = CF | ZF | OF, .flags_out = CF | ZF | OF, .mode = CpuMode::Real},
    };
}

class ShiftTable : public testing::TestWithParam<ExecCase> {};
TEST_P(ShiftTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Shift, ShiftTable, testing::ValuesIn(shift_cases()), case_name);

// A shift of a memory operand that faults changes nothing, flags included.
TEST(X86Shift, MemoryFault_LeavesFlagsAndRip) {
    Machine m;
    m.load(kCodeAddr, {0xd1, 0x23});  // shl dword [rbx], 1
    m.reg(R::Rbx) = kMemSize + 0x1000;
    m.cpu.set_rflags(rflags::Fixed1 | ZF);
    const Event e = m.run();
    EXPECT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.cpu.rflags() & kStatus, ZF);
}

}  // namespace
}  // namespace flint::x86::test
