// Data-movement family: MOV forms, MOVZX/MOVSX/MOVSXD, LEA, CBW/CWD families, XLAT,
// LAHF/SAHF, MOVBE, segment-register moves; addressing forms in every mode.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

std::vector<ExecCase> mov_cases() {
    return {
        {.name = "MovImm64", .code = {0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
         .regs_out = {{R::Rax, 0x1122334455667788}}},
        {.name = "MovImm32_ZeroExtends", .code = {0xb8, 1, 0, 0, 0}, .regs_in = {{R::Rax, ~u64{0}}},
         .regs_out = {{R::Rax, 1}}},
        {.name = "MovImm8ToAh", .code = {0xb4, 0x12}, .regs_in = {{R::Rax, 0xffff}}, .regs_out = {{R::Rax, 0x12ff}}},
        {.name = "MovImm16_Merges", .code = {0x66, 0xb8, 0x34, 0x12}, .regs_in = {{R::Rax, ~u64{0}}},
         .regs_out = {{R::Rax, 0xffffffffffff1234}}},
        {.name = "MovR10Imm32ViaRexB", .code = {0x41, 0xba, 5, 0, 0, 0}, .regs_out = {{R::R10, 5}}},
        {.name = "MovRmImm32_SignExtends", .code = {0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff},
         .regs_out = {{R::Rax, ~u64{0}}}},
        {.name = "MovStoreDword_LeavesNeighbours", .code = {0x89, 0x0b},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 0x11223344}}, .mem_in = {{0x2000, 8, 0xaaaaaaaaaaaaaaaa}},
         .mem_out = {{0x2000, 8, 0xaaaaaaaa11223344}}},
        {.name = "MovLoadSibDisp8", .code = {0x48, 0x8b, 0x44, 0xb3, 0x10},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rsi, 4}}, .regs_out = {{R::Rax, 0x0102030405060708}},
         .mem_in = {{0x2020, 8, 0x0102030405060708}}},
        {.name = "MovLoadRipRelative", .code = {0x48, 0x8b, 0x05, 0x10, 0, 0, 0},
         .regs_out = {{R::Rax, 0xcafebabedeadbeef}}, .mem_in = {{0x1017, 8, 0xcafebabedeadbeef}}},
        {.name = "MovMoffsLoadAndStore", .code = {0x48, 0xa1, 0, 0x20, 0, 0, 0, 0, 0, 0, 0x48, 0xa3, 0, 0x30, 0, 0, 0, 0, 0, 0},
         .regs_out = {{R::Rax, 0x99}}, .mem_in = {{0x2000, 8, 0x99}}, .mem_out = {{0x3000, 8, 0x99}}},
        {.name = "MovStoreByteImm", .code = {0xc6, 0x03, 0x7f}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 2, 0xffff}}, .mem_out = {{0x2000, 2, 0xff7f}}},
        {.name = "MovzxByte", .code = {0x0f, 0xb6, 0xc3}, .regs_in = {{R::Rax, ~u64{0}}, {R::Rbx, 0xff80}},
         .regs_out = {{R::Rax, 0x80}}},
        {.name = "MovzxWord", .code = {0x0f, 0xb7, 0xc3}, .regs_in = {{R::Rax, ~u64{0}}, {R::Rbx, 0x1ff80}},
         .regs_out = {{R::Rax, 0xff80}}},
        {.name = "MovzxFromBh", .code = {0x0f, 0xb6, 0xc7}, .regs_in = {{R::Rbx, 0xab00}},
         .regs_out = {{R::Rax, 0xab}}},
        {.name = "MovsxByteTo64", .code = {0x48, 0x0f, 0xbe, 0xc3}, .regs_in = {{R::Rbx, 0x80}},
         .regs_out = {{R::Rax, 0xffffffffffffff80}}},
        {.name = "MovsxWordTo32", .code = {0x0f, 0xbf, 0xc3}, .regs_in = {{R::Rax, ~u64{0}}, {R::Rbx, 0x8000}},
         .regs_out = {{R::Rax, 0xffff8000}}},
        {.name = "Movsxd", .code = {0x48, 0x63, 0xc3}, .regs_in = {{R::Rbx, 0x80000000}},
         .regs_out = {{R::Rax, 0xffffffff80000000}}},
        {.name = "LeaSib", .code = {0x48, 0x8d, 0x44, 0x9e, 0x08}, .regs_in = {{R::Rsi, 0x100}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, 0x110}}},
        {.name = "Lea32_Truncates", .code = {0x8d, 0x04, 0x19}, .regs_in = {{R::Rcx, 0xffffffff}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, 1}}},
        {.name = "LeaAddr32_WrapsAddress", .code = {0x67, 0x48, 0x8d, 0x04, 0x19},
         .regs_in = {{R::Rcx, 0xffffffff}, {R::Rbx, 2}}, .regs_out = {{R::Rax, 1}}},
        {.name = "LeaRipRelative", .code = {0x48, 0x8d, 0x05, 0xf9, 0xff, 0xff, 0xff},
         .regs_out = {{R::Rax, kCodeAddr}}},
        {.name = "Cbw", .code = {0x66, 0x98}, .regs_in = {{R::Rax, 0x1234000000000080}},
         .regs_out = {{R::Rax, 0x123400000000ff80}}},
        {.name = "Cwde", .code = {0x98}, .regs_in = {{R::Rax, 0x1234000000008000}},
         .regs_out = {{R::Rax, 0xffff8000}}},
        {.name = "Cdqe", .code = {0x48, 0x98}, .regs_in = {{R::Rax, 0x80000000}},
         .regs_out = {{R::Rax, 0xffffffff80000000}}},
        {.name = "Cwd", .code = {0x66, 0x99}, .regs_in = {{R::Rax, 0x8000}, {R::Rdx, 0x1111000000000000}},
         .regs_out = {{R::Rdx, 0x111100000000ffff}}},
        {.name = "Cdq", .code = {0x99}, .regs_in = {{R::Rax, 0x80000000}, {R::Rdx, ~u64{0}}},
         .regs_out = {{R::Rdx, 0xffffffff}}},
        {.name = "CqoPositive", .code = {0x48, 0x99}, .regs_in = {{R::Rax, 5}, {R::Rdx, 7}}, .regs_out = {{R::Rdx, 0}}},
        {.name = "Xlat", .code = {0xd7}, .regs_in = {{R::Rax, 0x105}, {R::Rbx, 0x2000}},
         .regs_out = {{R::Rax, 0x1ee}}, .mem_in = {{0x2005, 1, 0xee}}},
        {.name = "Lahf", .code = {0x9f}, .regs_out = {{R::Rax, 0xc300}}, .flags_in = CF | ZF | SF},
        {.name = "Sahf", .code = {0x9e}, .regs_in = {{R::Rax, 0xd500}}, .flags_mask = kStatus,
         .flags_out = CF | PF | AF | ZF | SF},
        {.name = "MovbeLoad", .code = {0x0f, 0x38, 0xf0, 0x03}, .regs_in = {{R::Rbx, 0x2000}},
         .regs_out = {{R::Rax, 0x44332211}}, .mem_in = {{0x2000, 4, 0x11223344}}},
        {.name = "MovbeStore16", .code = {0x66, 0x0f, 0x38, 0xf1, 0x0b}, .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 0x1122}},
         .mem_out = {{0x2000, 2, 0x2211}}},
        {.name = "MovRealModeBxSi", .code = {0x8b, 0x00}, .regs_in = {{R::Rbx, 0x2000}, {R::Rsi, 0x10}},
         .regs_out = {{R::Rax, 0xbeef}}, .mem_in = {{0x2010, 2, 0xbeef}}, .mode = CpuMode::Real},
        {.name = "MovRealModeBpUsesSs", .code = {0x8b, 0x46, 0xfe}, .regs_in = {{R::Rbp, 0x2002}},
         .regs_out = {{R::Rax, 0x1234}}, .mem_in = {{0x2000, 2, 0x1234}}, .mode = CpuMode::Real},
        {.name = "MovRealMode16BitWrap", .code = {0x8b, 0x47, 0x02}, .regs_in = {{R::Rbx, 0xffff}},
         .regs_out = {{R::Rax, 0x4321}}, .mem_in = {{0x0001, 2, 0x4321}}, .mode = CpuMode::Real},
        {.name = "Mov32BitModeEsp", .code = {0x8b, 0x04, 0x24}, .regs_in = {{R::Rsp, 0x3000}},
         .regs_out = {{R::Rax, 0x77}}, .mem_in = {{0x3000, 4, 0x77}}, .mode = CpuMode::Protected32},
    };
}

class MovTable : public testing::TestWithParam<ExecCase> {};
TEST_P(MovTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Mov, MovTable, testing::ValuesIn(mov_cases()), case_name);

TEST(X86Mov, MovFromSegToRegister_ZeroExtendsSelector) {
    Machine m;
    m.load(kCodeAddr, {0x8c, 0xd8, 0xf4});  // mov eax, ds; hlt
    m.cpu.state().seg[static_cast<unsigned>(Seg::Ds)].selector = 0x2b;
    m.reg(R::Rax) = ~u64{0};
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x2bu);
}

TEST(X86Mov, MovToSegInRealMode_SetsBase) {
    Machine m(CpuMode::Real);
    m.load(kCodeAddr, {0x8e, 0xd8, 0x8b, 0x07, 0xf4});  // mov ds, ax; mov ax, [bx]; hlt
    m.reg(R::Rax) = 0x0200;
    m.reg(R::Rbx) = 0x10;
    m.poke(0x2010, 2, 0x5aa5);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().seg[static_cast<unsigned>(Seg::Ds)].base, 0x2000u);
    EXPECT_EQ(m.reg(R::Rax) & 0xffff, 0x5aa5u);
}

TEST(X86Mov, FsOverrideIn64_AddsFsBaseOnly) {
    Machine m;
    m.load(kCodeAddr, {0x64, 0x8b, 0x03, 0x3e, 0x8b, 0x0b, 0xf4});  // mov eax, fs:[rbx]; mov ecx, ds:[rbx]
    m.cpu.state().seg[static_cast<unsigned>(Seg::Fs)].base = 0x3000;
    m.cpu.state().seg[static_cast<unsigned>(Seg::Ds)].base = 0x5000;  // ignored in 64-bit mode
    m.reg(R::Rbx) = 0x10;
    m.poke(0x3010, 4, 0x55);
    m.poke(0x0010, 4, 0x66);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x55u);
    EXPECT_EQ(m.reg(R::Rcx), 0x66u);
}

TEST(X86Mov, SegmentBaseIn32BitMode_IsAdded) {
    Machine m(CpuMode::Protected32);
    m.load(kCodeAddr, {0x8b, 0x03, 0xf4});  // mov eax, [ebx]
    m.cpu.state().seg[static_cast<unsigned>(Seg::Ds)].base = 0x5000;
    m.reg(R::Rbx) = 0x10;
    m.poke(0x5010, 4, 0x77);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x77u);
}

TEST(X86Mov, MovToCs_RaisesUd) {
    Machine m;
    m.load(kCodeAddr, {0x8e, 0xc8});
    const Event e = m.run();
    EXPECT_EQ(e.vector, Vector::UD);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

}  // namespace
}  // namespace flint::x86::test
