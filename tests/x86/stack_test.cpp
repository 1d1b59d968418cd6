// Stack family: PUSH/POP in all sizes and forms, PUSHF/POPF, ENTER/LEAVE, PUSHA/POPA,
// segment pushes and pops, and stack faults leaving state unchanged.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

std::vector<ExecCase> stack_cases() {
    return {
        {.name = "PushPop64", .code = {0x50, 0x5b}, .regs_in = {{R::Rax, 0x1122}},
         .regs_out = {{R::Rbx, 0x1122}, {R::Rsp, kStackTop}}, .mem_out = {{kStackTop - 8, 8, 0x1122}}},
        {.name = "PushR15PopR8", .code = {0x41, 0x57, 0x41, 0x58}, .regs_in = {{R::R15, 0x77}},
         .regs_out = {{R::R8, 0x77}}},
        {.name = "PushImm8_SignExtends", .code = {0x6a, 0xff}, .regs_out = {{R::Rsp, kStackTop - 8}},
         .mem_out = {{kStackTop - 8, 8, ~u64{0}}}},
        {.name = "PushImm32", .code = {0x68, 0x78, 0x56, 0x34, 0x12}, .mem_out = {{kStackTop - 8, 8, 0x12345678}}},
        {.name = "Push16In64", .code = {0x66, 0x50}, .regs_in = {{R::Rax, 0xabcd}},
         .regs_out = {{R::Rsp, kStackTop - 2}}, .mem_out = {{kStackTop - 2, 2, 0xabcd}}},
        {.name = "PushMemory", .code = {0xff, 0x33}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 8, 0x5566}}, .mem_out = {{kStackTop - 8, 8, 0x5566}}},
        {.name = "PopMemory", .code = {0x8f, 0x03}, .regs_in = {{R::Rbx, 0x2000}, {R::Rsp, 0x7ff8}},
         .regs_out = {{R::Rsp, 0x8000}}, .mem_in = {{0x7ff8, 8, 0x99}}, .mem_out = {{0x2000, 8, 0x99}}},
        {.name = "PopToRspBasedMemory_UsesIncrementedRsp", .code = {0x8f, 0x04, 0x24}, .regs_in = {{R::Rsp, 0x7ff0}},
         .regs_out = {{R::Rsp, 0x7ff8}}, .mem_in = {{0x7ff0, 8, 0xaa}, {0x7ff8, 8, 0}},
         .mem_out = {{0x7ff8, 8, 0xaa}}},
        {.name = "PushRsp_PushesOldValue", .code = {0x54}, .mem_out = {{kStackTop - 8, 8, kStackTop}}},
        {.name = "PopRsp_LoadsValue", .code = {0x5c}, .regs_out = {{R::Rsp, 0x1234}},
         .mem_in = {{kStackTop, 8, 0x1234}}},
        {.name = "Pushf_ClearsRfInImage", .code = {0x9c}, .flags_in = CF | ZF | rflags::RF,
         .mem_out = {{kStackTop - 8, 8, 0x43}}},
        {.name = "Popf_LoadsStatusAndDf", .code = {0x9d}, .flags_mask = kStatus | DF,
         .flags_out = kStatus | DF, .mem_in = {{kStackTop, 8, 0x0cd5}}},
        {.name = "Popf16_OnlyLowHalf", .code = {0x66, 0x9d}, .regs_out = {{R::Rsp, kStackTop + 2}},
         .flags_in = rflags::AC, .flags_mask = rflags::AC | CF, .flags_out = rflags::AC | CF,
         .mem_in = {{kStackTop, 2, 0x0001}}},
        {.name = "Enter16Level0", .code = {0xc8, 0x10, 0x00, 0x00}, .regs_in = {{R::Rbp, 0x1111}},
         .regs_out = {{R::Rbp, 0x7ff8}, {R::Rsp, 0x7fe8}}, .mem_out = {{0x7ff8, 8, 0x1111}}},
        {.name = "EnterLevel2_CopiesFramePointer", .code = {0xc8, 0x08, 0x00, 0x02}, .regs_in = {{R::Rbp, 0x7f00}},
         .regs_out = {{R::Rbp, 0x7ff8}, {R::Rsp, 0x7fe0}}, .mem_in = {{0x7ef8, 8, 0xab}},
         .mem_out = {{0x7ff8, 8, 0x7f00}, {0x7ff0, 8, 0xab}, {0x7fe8, 8, 0x7ff8}}},
        {.name = "Leave", .code = {0xc9}, .regs_in = {{R::Rbp, 0x7ff0}},
         .regs_out = {{R::Rsp, 0x7ff8}, {R::Rbp, 0x5555}}, .mem_in = {{0x7ff0, 8, 0x5555}}},
        {.name = "PushadXorPopad_Restores", .code = {0x60, 0x31, 0xc0, 0x31, 0xf6, 0x61},
         .regs_in = {{R::Rax, 0x11}, {R::Rsi, 0x66}, {R::Rdi, 0x77}},
         .regs_out = {{R::Rax, 0x11}, {R::Rsi, 0x66}, {R::Rsp, kStackTop}},
         .mem_out = {{0x7ffc, 4, 0x11}, {0x7fec, 4, kStackTop}, {0x7fe0, 4, 0x77}}, .mode = CpuMode::Protected32},
        {.name = "PushEsIn32_WritesSelectorOnly", .code = {0x06}, .regs_out = {{R::Rsp, kStackTop - 4}},
         .mem_in = {{kStackTop - 4, 4, 0xffffffff}}, .mem_out = {{kStackTop - 4, 4, 0xffff0000}},
         .mode = CpuMode::Protected32},
        {.name = "Push16BitStackInRealMode", .code = {0x50}, .regs_in = {{R::Rax, 0x1234}, {R::Rsp, 0xabcd0000}},
         .regs_out = {{R::Rsp, 0xabcdfffe}}, .mem_out = {{0xfffe, 2, 0x1234}}, .mode = CpuMode::Real},
    };
}

class StackTable : public testing::TestWithParam<ExecCase> {};
TEST_P(StackTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Stack, StackTable, testing::ValuesIn(stack_cases()), case_name);

TEST(X86Stack, PushToUnmappedStack_FaultsWithRspUnchanged) {
    Machine m;
    m.load(kCodeAddr, {0x50});
    m.reg(R::Rsp) = 0x400000;
    const Event e = m.run();
    EXPECT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.address, 0x400000u - 8);
    EXPECT_EQ(m.reg(R::Rsp), 0x400000u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

TEST(X86Stack, PushFsPopGs_MovesSelector) {
    Machine m;
    m.load(kCodeAddr, {0x0f, 0xa0, 0x0f, 0xa9, 0xf4});
    m.cpu.state().seg[static_cast<unsigned>(Seg::Fs)].selector = 0x33;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().seg[static_cast<unsigned>(Seg::Gs)].selector, 0x33);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop);
}

}  // namespace
}  // namespace flint::x86::test
