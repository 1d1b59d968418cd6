// Control family: Jcc over all condition codes, JMP/CALL/RET forms, LOOP family, JrCXZ,
// SETcc, CMOVcc, and branch faults.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

// cmp eax, ebx; jcc +5; mov ecx, 1  -- RCX stays 0 when the branch is taken.
ExecCase jcc_case(const char* name, u8 cc, u64 a, u64 b, bool taken) {
    return {.name = name, .code = {0x39, 0xd8, static_cast<u8>(0x70 | cc), 0x05, 0xb9, 1, 0, 0, 0},
            .regs_in = {{R::Rax, a}, {R::Rbx, b}}, .regs_out = {{R::Rcx, taken ? 0u : 1u}}};
}

std::vector<ExecCase> control_cases() {
    return {
        jcc_case("JoOverflow_Taken", 0x0, 0x80000000, 1, true),
        jcc_case("JnoOverflow_NotTaken", 0x1, 0x80000000, 1, false),
        jcc_case("JbUnsignedAbove_NotTaken", 0x2, 0xffffffff, 1, false),
        jcc_case("JaeEqual_Taken", 0x3, 2, 2, true),
        jcc_case("JeEqual_Taken", 0x4, 5, 5, true),
        jcc_case("JneEqual_NotTaken", 0x5, 5, 5, false),
        jcc_case("JbeEqual_Taken", 0x6, 1, 1, true),
        jcc_case("JaUnsignedAbove_Taken", 0x7, 0xffffffff, 1, true),
        jcc_case("JsNegative_Taken", 0x8, 0, 1, true),
        jcc_case("JnsPositive_Taken", 0x9, 2, 1, true),
        jcc_case("JpEvenParity_Taken", 0xa, 3, 0, true),
        jcc_case("JnpEvenParity_NotTaken", 0xb, 3, 0, false),
        jcc_case("JlSignedLess_Taken", 0xc, 0xffffffff, 1, true),
        jcc_case("JgeSignedGreater_Taken", 0xd, 1, 0x80000000, true),
        jcc_case("JleSignedGreater_NotTaken", 0xe, 1, 0x80000000, false),
        jcc_case("JgSignedLess_NotTaken", 0xf, 0xffffffff, 1, false),
        {.name = "JzRel32AfterTest_Taken", .code = {0x85, 0xc0, 0x0f, 0x84, 5, 0, 0, 0, 0xb9, 1, 0, 0, 0},
         .regs_in = {{R::Rax, 0}}, .regs_out = {{R::Rcx, 0}}},
        {.name = "JcAfterIncKeepsCarry_Taken", .code = {0xf9, 0xff, 0xc0, 0x72, 5, 0xb9, 1, 0, 0, 0},
         .regs_out = {{R::Rcx, 0}}},
        {.name = "LoopSumsCounter", .code = {0xb9, 5, 0, 0, 0, 0x31, 0xc0, 0x01, 0xc8, 0xe2, 0xfc},
         .regs_out = {{R::Rax, 15}, {R::Rcx, 0}}},
        {.name = "LoopeWhileEqual_RunsToZero", .code = {0xb9, 5, 0, 0, 0, 0x39, 0xc0, 0xe1, 0xfc},
         .regs_out = {{R::Rcx, 0}}},
        {.name = "LoopneStopsOnEqual", .code = {0xb9, 5, 0, 0, 0, 0x39, 0xc0, 0xe0, 0xfc},
         .regs_out = {{R::Rcx, 4}}},
        {.name = "JmpRel32_Skips", .code = {0xe9, 5, 0, 0, 0, 0xb9, 1, 0, 0, 0}, .regs_out = {{R::Rcx, 0}}},
        {.name = "JrcxzZero_Taken", .code = {0xe3, 5, 0xb9, 1, 0, 0, 0}, .regs_in = {{R::Rcx, 0}},
         .regs_out = {{R::Rcx, 0}}},
        {.name = "JecxzLowHalfZero_Taken", .code = {0x67, 0xe3, 5, 0xb8, 1, 0, 0, 0},
         .regs_in = {{R::Rcx, 0x100000000}}, .regs_out = {{R::Rax, 0}, {R::Rcx, 0x100000000}}},
        {.name = "SeteAfterCmp", .code = {0x39, 0xd8, 0x0f, 0x94, 0xc1}, .regs_in = {{R::Rax, 3}, {R::Rbx, 3}, {R::Rcx, 0xff00}},
         .regs_out = {{R::Rcx, 0xff01}}},
        {.name = "SetlToMemory", .code = {0x39, 0xd8, 0x0f, 0x9c, 0x06},
         .regs_in = {{R::Rax, 0xffffffff}, {R::Rbx, 1}, {R::Rsi, 0x2000}}, .mem_in = {{0x2000, 2, 0xaaaa}},
         .mem_out = {{0x2000, 2, 0xaa01}}},
        {.name = "CmoveTrue_Moves", .code = {0x39, 0xc0, 0x0f, 0x44, 0xc3}, .regs_in = {{R::Rax, 1}, {R::Rbx, 9}},
         .regs_out = {{R::Rax, 9}}},
        {.name = "Cmovne32False_ZeroExtends", .code = {0x39, 0xc0, 0x0f, 0x45, 0xc3},
         .regs_in = {{R::Rax, 0xffffffff00000001}, {R::Rbx, 9}}, .regs_out = {{R::Rax, 1}}},
        {.name = "Cmovne64False_KeepsAll", .code = {0x39, 0xc0, 0x48, 0x0f, 0x45, 0xc3},
         .regs_in = {{R::Rax, 0xffffffff00000001}, {R::Rbx, 9}}, .regs_out = {{R::Rax, 0xffffffff00000001}}},
        {.name = "JmpRel8In16BitMode", .code = {0xeb, 3, 0xb9, 1, 0}, .regs_out = {{R::Rcx, 0}},
         .mode = CpuMode::Real},
    };
}

class ControlTable : public testing::TestWithParam<ExecCase> {};
TEST_P(ControlTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Control, ControlTable, testing::ValuesIn(control_cases()), case_name);

TEST(X86Control, CallRel32AndRet_ReturnAfterCall) {
    Machine m;
    // 1000: call 100b; 1005: mov ecx,1; 100a: hlt; 100b: mov eax,7; 1010: ret
    m.load(kCodeAddr, {0xe8, 6, 0, 0, 0, 0xb9, 1, 0, 0, 0, 0xf4, 0xb8, 7, 0, 0, 0, 0xc3});
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 7u);
    EXPECT_EQ(m.reg(R::Rcx), 1u);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop);
    EXPECT_EQ(m.peek(kStackTop - 8, 8), kCodeAddr + 5);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 0xb);
    EXPECT_EQ(m.cpu.retired(), 5u);
}

TEST(X86Control, RetImm16_ReleasesArguments) {
    Machine m;
    m.load(kCodeAddr, {0xc2, 0x10, 0x00});
    m.load(0x3000, {0xf4});
    m.reg(R::Rsp) = 0x7000;
    m.poke(0x7000, 8, 0x3000);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rsp), 0x7000u + 8 + 0x10);
    EXPECT_EQ(m.cpu.state().rip, 0x3001u);
}

TEST(X86Control, JmpIndirectRegister_Jumps) {
    Machine m;
    m.load(kCodeAddr, {0xff, 0xe0});
    m.load(0x3000, {0xf4});
    m.reg(R::Rax) = 0x3000;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, 0x3001u);
}

TEST(X86Control, CallIndirectMemory_PushesAndJumps) {
    Machine m;
    m.load(kCodeAddr, {0xff, 0x13});  // call [rbx]
    m.load(0x3000, {0xf4});
    m.reg(R::Rbx) = 0x2000;
    m.poke(0x2000, 8, 0x3000);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, 0x3001u);
    EXPECT_EQ(m.peek(kStackTop - 8, 8), kCodeAddr + 2);
}

TEST(X86Control, JmpNonCanonical_RaisesGpAtJump) {
    Machine m;
    m.load(kCodeAddr, {0xff, 0xe0});
    m.reg(R::Rax) = 0x0000800000000000;
    const Event e = m.run();
    EXPECT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

TEST(X86Control, CallNonCanonical_LeavesStackUntouched) {
    Machine m;
    m.load(kCodeAddr, {0xff, 0xd0});
    m.reg(R::Rax) = 0x0000800000000000;
    EXPECT_EQ(m.run().vector, Vector::GP);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop);
    EXPECT_EQ(m.peek(kStackTop - 8, 8), 0u);
}

TEST(X86Control, JmpWith66In32BitMode_TruncatesEip) {
    Machine m(CpuMode::Protected32);
    m.load(0x11000, {0x66, 0xe9, 0x00, 0x00});  // jmp rel16 0 -> (0x11004) & 0xffff
    m.load(0x1004, {0xf4});
    m.cpu.state().rip = 0x11000;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, 0x1005u);
}

TEST(X86Control, RunBudget_StopsAfterMaxInstructions) {
    Machine m;
    m.load(kCodeAddr, {0xeb, 0xfe});  // jmp $
    const Event e = m.cpu.run(1000);
    EXPECT_TRUE(e.ok());
    EXPECT_EQ(m.cpu.retired(), 1000u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

}  // namespace
}  // namespace flint::x86::test
