// ALU family: before/after tables for ADD..CMP, TEST, INC/DEC, NOT/NEG, XCHG, XADD,
// CMPXCHG, CMPXCHG8B/16B, including flags, partial registers and memory operands.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

std::vector<ExecCase> alu_cases() {
    return {
        {.name = "AddEaxEcx_CarryZeroAndZeroExtends", .code = {0x01, 0xc8},
         .regs_in = {{R::Rax, 0x12345678ffffffff}, {R::Rcx, 1}}, .regs_out = {{R::Rax, 0}},
         .flags_mask = kStatus, .flags_out = CF | ZF | PF | AF},
        {.name = "AddAlImm_SignedOverflow", .code = {0x04, 0x01}, .regs_in = {{R::Rax, 0x7f}},
         .regs_out = {{R::Rax, 0x80}}, .flags_mask = kStatus, .flags_out = OF | SF | AF},
        {.name = "SubRaxRbx_Borrow", .code = {0x48, 0x29, 0xd8}, .regs_in = {{R::Rax, 1}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, ~u64{0}}}, .flags_mask = kStatus, .flags_out = CF | SF | AF | PF},
        {.name = "AdcWithCarryIn_WrapsToZero", .code = {0x48, 0x11, 0xd8},
         .regs_in = {{R::Rax, ~u64{0}}, {R::Rbx, 0}}, .regs_out = {{R::Rax, 0}}, .flags_in = CF,
         .flags_mask = kStatus, .flags_out = CF | ZF | PF | AF},
        {.name = "SbbWithCarryIn_Borrows", .code = {0x19, 0xd8}, .regs_in = {{R::Rax, 0}, {R::Rbx, 0}},
         .regs_out = {{R::Rax, 0xffffffff}}, .flags_in = CF, .flags_mask = kStatus,
         .flags_out = CF | SF | AF | PF},
        {.name = "Sbb16_MergesIntoRax", .code = {0x66, 0x19, 0xd8}, .regs_in = {{R::Rax, 0x12340000}, {R::Rbx, 1}},
         .regs_out = {{R::Rax, 0x1234ffff}}, .flags_mask = CF, .flags_out = CF},
        {.name = "And_ClearsCfOf", .code = {0x21, 0xd8}, .regs_in = {{R::Rax, 0xf0f0}, {R::Rbx, 0x0ff0}},
         .regs_out = {{R::Rax, 0x00f0}}, .flags_in = CF | OF, .flags_mask = kStatus, .flags_out = PF},
        {.name = "OrAlAh_HighByteSource", .code = {0x08, 0xe0}, .regs_in = {{R::Rax, 0x1234}},
         .regs_out = {{R::Rax, 0x1236}}, .flags_mask = kStatus, .flags_out = PF},
        {.name = "AddAhAh_HighByteDest", .code = {0x00, 0xe4}, .regs_in = {{R::Rax, 0x0300}},
         .regs_out = {{R::Rax, 0x0600}}},
        {.name = "AddAlSpl_RexSelectsSpl", .code = {0x40, 0x00, 0xe0}, .regs_in = {{R::Rax, 1}, {R::Rsp, 0x8005}},
         .regs_out = {{R::Rax, 6}}},
        {.name = "XorSelf_ZeroesRegister", .code = {0x31, 0xc0}, .regs_in = {{R::Rax, 0xdeadbeef12345678}},
         .regs_out = {{R::Rax, 0}}, .flags_mask = kStatus, .flags_out = ZF | PF},
        {.name = "CmpMemory_SetsZfLeavesMemory", .code = {0x48, 0x39, 0x03},
         .regs_in = {{R::Rax, 5}, {R::Rbx, 0x2000}}, .flags_mask = ZF | CF, .flags_out = ZF,
         .mem_in = {{0x2000, 8, 5}}, .mem_out = {{0x2000, 8, 5}}},
        {.name = "AddToMemory_WritesBack", .code = {0x01, 0x03}, .regs_in = {{R::Rax, 2}, {R::Rbx, 0x2000}},
         .flags_mask = CF, .flags_out = CF, .mem_in = {{0x2000, 8, 0xaaaaaaaaffffffff}},
         .mem_out = {{0x2000, 8, 0xaaaaaaaa00000001}}},
        {.name = "Group1AddSignExtendedImm8", .code = {0x48, 0x83, 0xc0, 0xff}, .regs_in = {{R::Rax, 1}},
         .regs_out = {{R::Rax, 0}}, .flags_mask = CF | ZF, .flags_out = CF | ZF},
        {.name = "Group1CmpImm32_Overflow", .code = {0x81, 0xf9, 0, 0, 0, 0x80}, .regs_in = {{R::Rcx, 0}},
         .regs_out = {{R::Rcx, 0}}, .flags_mask = kStatus, .flags_out = SF | OF | CF | PF},
        {.name = "CmpAlImm_NoAuxCarry", .code = {0x3c, 0x10}, .regs_in = {{R::Rax, 0x0f}},
         .flags_mask = kStatus, .flags_out = CF | SF | PF},
        {.name = "LockAddMemory", .code = {0xf0, 0x83, 0x03, 0x05}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 4, 10}}, .mem_out = {{0x2000, 4, 15}}},
        {.name = "TestEaxEax_Sign", .code = {0x85, 0xc0}, .regs_in = {{R::Rax, 0x80000000}},
         .flags_in = CF | OF, .flags_mask = kStatus, .flags_out = SF | PF},
        {.name = "TestBlImm_Zero", .code = {0xf6, 0xc3, 0x01}, .regs_in = {{R::Rbx, 2}},
         .flags_mask = ZF, .flags_out = ZF},
        {.name = "IncEax_PreservesCarry", .code = {0xff, 0xc0}, .regs_in = {{R::Rax, 0xffffffff}},
         .regs_out = {{R::Rax, 0}}, .flags_in = CF, .flags_mask = kStatus, .flags_out = CF | ZF | PF | AF},
        {.name = "IncEax_PreservesClearCarry", .code = {0xff, 0xc0}, .regs_in = {{R::Rax, 0xffffffff}},
         .regs_out = {{R::Rax, 0}}, .flags_mask = CF | ZF, .flags_out = ZF},
        {.name = "DecCl_Overflow", .code = {0xfe, 0xc9}, .regs_in = {{R::Rcx, 0x80}}, .regs_out = {{R::Rcx, 0x7f}},
         .flags_mask = kStatus, .flags_out = OF | AF},
        {.name = "IncMemoryByte", .code = {0xfe, 0x03}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 2, 0x11ff}}, .mem_out = {{0x2000, 2, 0x1100}}},
        {.name = "Not_KeepsFlags", .code = {0xf7, 0xd0}, .regs_in = {{R::Rax, 0xffffffff0000ffff}},
         .regs_out = {{R::Rax, 0xffff0000}}, .flags_in = CF, .flags_mask = kStatus, .flags_out = CF},
        {.name = "NegOne_SetsCarry", .code = {0x48, 0xf7, 0xd8}, .regs_in = {{R::Rax, 1}},
         .regs_out = {{R::Rax, ~u64{0}}}, .flags_mask = CF | SF | ZF, .flags_out = CF | SF},
        {.name = "NegZero_ClearsCarry", .code = {0x48, 0xf7, 0xd8}, .regs_in = {{R::Rax, 0}},
         .regs_out = {{R::Rax, 0}}, .flags_in = CF, .flags_mask = CF | ZF, .flags_out = ZF},
        {.name = "NegMinInt_Overflows", .code = {0xf6, 0xd8}, .regs_in = {{R::Rax, 0x80}},
         .regs_out = {{R::Rax, 0x80}}, .flags_mask = CF | OF, .flags_out = CF | OF},
        {.name = "XchgRaxRbx", .code = {0x48, 0x87, 0xd8}, .regs_in = {{R::Rax, 1}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, 2}, {R::Rbx, 1}}},
        {.name = "Xchg90_IsNopKeepsUpperRax", .code = {0x90}, .regs_in = {{R::Rax, ~u64{0}}},
         .regs_out = {{R::Rax, ~u64{0}}}},
        {.name = "XchgEaxEcx_ZeroExtends", .code = {0x91},
         .regs_in = {{R::Rax, 0xaaaaaaaa00000001}, {R::Rcx, 0xbbbbbbbb00000002}},
         .regs_out = {{R::Rax, 2}, {R::Rcx, 1}}},
        {.name = "XchgR8Rax", .code = {0x49, 0x90}, .regs_in = {{R::Rax, 7}, {R::R8, 5}},
         .regs_out = {{R::Rax, 5}, {R::R8, 7}}},
        {.name = "XchgMemory", .code = {0x87, 0x03}, .regs_in = {{R::Rax, 0x11}, {R::Rbx, 0x2000}},
         .regs_out = {{R::Rax, 0x22}}, .mem_in = {{0x2000, 4, 0x22}}, .mem_out = {{0x2000, 4, 0x11}}},
        {.name = "XaddRegisters", .code = {0x0f, 0xc1, 0xd8}, .regs_in = {{R::Rax, 1}, {R::Rbx, 2}},
         .regs_out = {{R::Rax, 3}, {R::Rbx, 1}}},
        {.name = "XaddSameRegister_SumWins", .code = {0x0f, 0xc1, 0xc0}, .regs_in = {{R::Rax, 4}},
         .regs_out = {{R::Rax, 8}}},
        {.name = "XaddMemory", .code = {0x0f, 0xc1, 0x03}, .regs_in = {{R::Rax, 5}, {R::Rbx, 0x2000}},
         .regs_out = {{R::Rax, 10}}, .mem_in = {{0x2000, 4, 10}}, .mem_out = {{0x2000, 4, 15}}},
        {.name = "CmpxchgEqual_Stores", .code = {0x0f, 0xb1, 0x0b},
         .regs_in = {{R::Rax, 5}, {R::Rbx, 0x2000}, {R::Rcx, 9}}, .regs_out = {{R::Rax, 5}},
         .flags_mask = ZF, .flags_out = ZF, .mem_in = {{0x2000, 4, 5}}, .mem_out = {{0x2000, 4, 9}}},
        {.name = "CmpxchgNotEqual_Loads", .code = {0x0f, 0xb1, 0x0b},
         .regs_in = {{R::Rax, 5}, {R::Rbx, 0x2000}, {R::Rcx, 9}}, .regs_out = {{R::Rax, 6}},
         .flags_mask = ZF, .flags_out = 0, .mem_in = {{0x2000, 4, 6}}, .mem_out = {{0x2000, 4, 6}}},
        {.name = "Cmpxchg8bEqual_Stores", .code = {0x0f, 0xc7, 0x0f},
         .regs_in = {{R::Rax, 1}, {R::Rdx, 2}, {R::Rbx, 0x33}, {R::Rcx, 0x44}, {R::Rdi, 0x2000}},
         .flags_mask = ZF, .flags_out = ZF, .mem_in = {{0x2000, 8, 0x0000000200000001}},
         .mem_out = {{0x2000, 8, 0x0000004400000033}}},
        {.name = "Cmpxchg8bNotEqual_Loads", .code = {0x0f, 0xc7, 0x0f},
         .regs_in = {{R::Rax, 1}, {R::Rdx, 3}, {R::Rdi, 0x2000}}, .regs_out = {{R::Rax, 7}, {R::Rdx, 8}},
         .flags_in = ZF, .flags_mask = ZF, .flags_out = 0, .mem_in = {{0x2000, 8, 0x0000000800000007}}},
        {.name = "Cmpxchg16bNotEqual_Loads", .code = {0x48, 0x0f, 0xc7, 0x0f},
         .regs_in = {{R::Rax, 1}, {R::Rdx, 3}, {R::Rdi, 0x2000}}, .regs_out = {{R::Rax, 1}, {R::Rdx, 2}},
         .flags_mask = ZF, .flags_out = 0, .mem_in = {{0x2000, 8, 1}, {0x2008, 8, 2}}},
        {.name = "Cmpxchg16bEqual_Stores", .code = {0x48, 0x0f, 0xc7, 0x0f},
         .regs_in = {{R::Rax, 1}, {R::Rdx, 2}, {R::Rbx, 5}, {R::Rcx, 6}, {R::Rdi, 0x2000}},
         .flags_mask = ZF, .flags_out = ZF, .mem_in = {{0x2000, 8, 1}, {0x2008, 8, 2}},
         .mem_out = {{0x2000, 8, 5}, {0x2008, 8, 6}}},
        {.name = "Add16InRealMode", .code = {0x01, 0xc8}, .regs_in = {{R::Rax, 0xffff}, {R::Rcx, 1}},
         .regs_out = {{R::Rax, 0}}, .flags_mask = CF | ZF, .flags_out = CF | ZF, .mode = CpuMode::Real},
    };
}

class AluTable : public testing::TestWithParam<ExecCase> {};
TEST_P(AluTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Alu, AluTable, testing::ValuesIn(alu_cases()), case_name);

TEST(X86Alu, Cmpxchg16bMisaligned_RaisesGp) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x0f, 0xc7, 0x0f});
    m.reg(R::Rdi) = 0x2008;
    const Event e = m.run();
    EXPECT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

// The lazy flags must agree with a direct computation for every condition code after
// a subtraction, over a spread of operands and all widths.
TEST(X86Alu, LazyFlagsAfterSub_MatchDirectConditions) {
    const u64 values[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffffff, 0x80000000, 0xffffffff,
                          0x7fffffffffffffff, 0x8000000000000000, ~u64{0}};
    for (unsigned size : {1u, 2u, 4u, 8u})
        for (u64 a : values)
            for (u64 b : values) {
                const u64 m = Cpu::size_mask(size);
                const u64 x = a & m, y = b & m, r = (x - y) & m;
                LazyFlags f;
                f.set_sub(size, x, y, r);
                const unsigned bits = size * 8;
                auto sx = [&](u64 v) { return static_cast<i64>(v << (64 - bits)) >> (64 - bits); };
                EXPECT_EQ(f.cf(), x < y);
                EXPECT_EQ(f.zf(), x == y);
                EXPECT_EQ(f.sf(), sx(r) < 0);
                EXPECT_EQ(f.cond(0xc), sx(x) < sx(y)) << size << " " << a << " " << b;   // L
                EXPECT_EQ(f.cond(0xf), sx(x) > sx(y)) << size << " " << a << " " << b;   // G
                EXPECT_EQ(f.cond(0x7), x > y);                                          // A
                EXPECT_EQ(f.cond(0x6), x <= y);                                         // BE
            }
}

}  // namespace
}  // namespace flint::x86::test
