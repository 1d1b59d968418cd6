// Misc family: NOP forms, UD0/1/2, HLT, flag instructions, software interrupts, port I/O,
// RDTSC/RDTSCP, CPUID registers, and unimplemented instructions raising #UD.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

std::vector<ExecCase> misc_cases() {
    return {
        {.name = "NopForms_ChangeNothing",
         .code = {0x90, 0x66, 0x90, 0x0f, 0x1f, 0x00, 0x0f, 0x1f, 0x44, 0x00, 0x00, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0,
                  0, 0xf3, 0x90, 0xf3, 0x0f, 0x1e, 0xfa},
         .regs_in = {{R::Rax, ~u64{0}}}, .regs_out = {{R::Rax, ~u64{0}}}},
        {.name = "Stc", .code = {0xf9}, .flags_mask = CF, .flags_out = CF},
        {.name = "Clc", .code = {0xf8}, .flags_in = CF, .flags_mask = CF, .flags_out = 0},
        {.name = "CmcTwice_Restores", .code = {0xf5, 0xf5}, .flags_in = CF, .flags_mask = CF, .flags_out = CF},
        {.name = "CmcAfterSub_InvertsLazyCarry", .code = {0x29, 0xd8, 0xf5}, .regs_in = {{R::Rax, 1}, {R::Rbx, 2}},
         .flags_mask = CF | SF, .flags_out = SF},
        {.name = "StdCld", .code = {0xfd}, .flags_mask = DF, .flags_out = DF},
        {.name = "Cld", .code = {0xfc}, .flags_in = DF, .flags_mask = DF, .flags_out = 0},
        {.name = "CliSti", .code = {0xfa, 0xfb}, .flags_mask = IF, .flags_out = IF},
        {.name = "Cli", .code = {0xfa}, .flags_in = IF, .flags_mask = IF, .flags_out = 0},
        {.name = "CpuidLeaf0_Vendor", .code = {0x0f, 0xa2}, .regs_in = {{R::Rax, 0}, {R::Rbx, ~u64{0}}},
         .regs_out = {{R::Rax, 0x16}, {R::Rbx, 0x6e696c46}, {R::Rdx, 0x696c4674}, {R::Rcx, 0x5043746e}}},
        {.name = "IntoWithoutOverflow_Continues", .code = {0xce}, .mode = CpuMode::Protected32},
    };
}

class MiscTable : public testing::TestWithParam<ExecCase> {};
TEST_P(MiscTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Misc, MiscTable, testing::ValuesIn(misc_cases()), case_name);

struct FaultCase {
    std::string name;
    std::vector<u8> code;
    Vector vector;
    bool trap;  // RIP after the instruction (and it retired) rather than at it
    CpuMode mode = CpuMode::Long64;
};

class FaultTable : public testing::TestWithParam<FaultCase> {};

TEST_P(FaultTable, Run_RaisesVectorWithRightRip) {
    const FaultCase& c = GetParam();
    Machine m(c.mode);
    m.load(kCodeAddr, c.code);
    m.reg(R::Rax) = 0x1234;
    m.cpu.set_rflags(rflags::Fixed1 | OF);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, c.vector);
    EXPECT_EQ(e.trap, c.trap);
    EXPECT_EQ(m.cpu.state().rip, c.trap ? kCodeAddr + c.code.size() : kCodeAddr);
    EXPECT_EQ(m.cpu.retired(), c.trap ? 1u : 0u);
    EXPECT_EQ(m.reg(R::Rax), 0x1234u);
}

INSTANTIATE_TEST_SUITE_P(
    X86Misc, FaultTable,
    testing::Values(FaultCase{"Ud2", {0x0f, 0x0b}, Vector::UD, false},
                    FaultCase{"Ud1", {0x0f, 0xb9, 0xc0}, Vector::UD, false},
                    FaultCase{"Ud0", {0x0f, 0xff, 0xc0}, Vector::UD, false},
                    FaultCase{"UndefinedOpcode", {0x0f, 0x04}, Vector::UD, false},
                    FaultCase{"LockOnRegister", {0xf0, 0x01, 0xc0}, Vector::UD, false},
                    FaultCase{"X87ReservedEncoding", {0xd9, 0xd1}, Vector::UD, false},
                    FaultCase{"TooLong", {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8},
                              Vector::GP, false},
                    FaultCase{"Int3", {0xcc}, Vector::BP, true},
                    FaultCase{"Int80", {0xcd, 0x80}, static_cast<Vector>(0x80), true},
                    FaultCase{"Int1", {0xf1}, Vector::DB, true},
                    FaultCase{"IntoWithOverflow", {0xce}, Vector::OF, true, CpuMode::Protected32},
                    FaultCase{"IntoInvalidIn64", {0xce}, Vector::UD, false}),
    [](const testing::TestParamInfo<FaultCase>& i) { return i.param.name; });

TEST(X86Misc, Hlt_ReturnsHaltWithRipAfter) {
    Machine m;
    m.load(kCodeAddr, {0xf4});
    const Event e = m.run();
    EXPECT_EQ(e.kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 1);
    EXPECT_EQ(m.cpu.retired(), 1u);
}

TEST(X86Misc, InOut_GoThroughBus) {
    Machine m;
    // in al, 0x60; mov ebx, eax; mov dx, 0x3f8; mov eax, 0x12345678; out dx, eax; hlt
    m.load(kCodeAddr, {0xe4, 0x60, 0x89, 0xc3, 0x66, 0xba, 0xf8, 0x03, 0xb8, 0x78, 0x56, 0x34, 0x12, 0xef, 0xf4});
    m.mem.set_port_in_value(0xabcdef01);
    m.reg(R::Rax) = 0xffffffffffffff00;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rbx), 0xffffff01u);
    EXPECT_EQ(m.mem.last_port_out(), 0x12345678u);
}

TEST(X86Misc, In32_ZeroExtendsRax) {
    Machine m;
    m.load(kCodeAddr, {0xed, 0xf4});  // in eax, dx
    m.mem.set_port_in_value(0x80000001);
    m.reg(R::Rax) = ~u64{0};
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x80000001u);
}

TEST(X86Misc, Rdtsc_IsMonotonicAndSplitsEdxEax) {
    Machine m;
    m.load(kCodeAddr, {0x0f, 0x31, 0x48, 0x89, 0xc6, 0x48, 0x89, 0xd7, 0x0f, 0x01, 0xf9, 0xf4});
    m.reg(R::Rcx) = 0x55;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    const u64 first = (m.reg(R::Rdi) << 32) | m.reg(R::Rsi);
    const u64 second = (m.reg(R::Rdx) << 32) | m.reg(R::Rax);
    EXPECT_LT(m.reg(R::Rax), u64{1} << 32);
    EXPECT_LE(first, second);
    EXPECT_EQ(m.reg(R::Rcx), 0u);  // RDTSCP: TSC_AUX
}

TEST(X86Misc, TscOffset_IsAdded) {
    Machine m;
    m.load(kCodeAddr, {0x0f, 0x31, 0xf4});
    m.cpu.state().tsc_offset = u64{1} << 60;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_GE(m.reg(R::Rdx), u64{1} << 28);
}

}  // namespace
}  // namespace flint::x86::test
