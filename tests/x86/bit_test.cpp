// Bit family: BT/BTS/BTR/BTC (register, immediate and memory forms, bit offsets that leave
// the operand in both directions, LOCK), BSF/BSR, POPCNT, LZCNT, TZCNT, BSWAP.
#include "exec_test_util.h"
#include "x86/cpuid.h"

namespace flint::x86::test {
namespace {

// BT's undefined flags (OF/SF/AF/PF) are not checked; ZF must be preserved.
constexpr u64 kBtFlags = CF | ZF;

std::vector<ExecCase> bt_cases() {
    return {
        {.name = "BtImm_SetsCf", .code = {0x0f, 0xba, 0xe0, 0x05}, .regs_in = {{R::Rax, 0x20}},
         .regs_out = {{R::Rax, 0x20}}, .flags_mask = kBtFlags, .flags_out = CF},
        {.name = "BtImm_PreservesZf", .code = {0x0f, 0xba, 0xe0, 0x04}, .regs_in = {{R::Rax, 0x20}},
         .flags_in = ZF | CF, .flags_mask = kBtFlags, .flags_out = ZF},
        {.name = "BtImm_MaskedTo32Bits", .code = {0x0f, 0xba, 0xe0, 0x25}, .regs_in = {{R::Rax, 0x20}},
         .flags_mask = CF, .flags_out = CF},
        {.name = "BtImm16_MaskedTo16Bits", .code = {0x66, 0x0f, 0xba, 0xe0, 0x15}, .regs_in = {{R::Rax, 0x20}},
         .flags_mask = CF, .flags_out = CF},
        {.name = "BtsReg_OffsetMaskedAndWrites", .code = {0x0f, 0xab, 0xc8},
         .regs_in = {{R::Rax, 0xffffffff00000000}, {R::Rcx, 33}}, .regs_out = {{R::Rax, 2}},
         .flags_in = CF, .flags_mask = CF, .flags_out = 0},
        {.name = "BtrReg64_ClearsTopBit", .code = {0x48, 0x0f, 0xb3, 0xc8},
         .regs_in = {{R::Rax, ~u64{0}}, {R::Rcx, 63}}, .regs_out = {{R::Rax, 0x7fffffffffffffff}},
         .flags_mask = CF, .flags_out = CF},
        {.name = "Btc16Reg_MergesWord", .code = {0x66, 0x0f, 0xbb, 0xc8},
         .regs_in = {{R::Rax, 0x1111222233334444}, {R::Rcx, 0x10}}, .regs_out = {{R::Rax, 0x1111222233334445}},
         .flags_mask = CF, .flags_out = 0},
        {.name = "BtcImmMemory", .code = {0x0f, 0xba, 0x3b, 0x03}, .regs_in = {{R::Rbx, 0x2000}},
         .flags_mask = CF, .flags_out = 0, .mem_in = {{0x2000, 4, 0}}, .mem_out = {{0x2000, 4, 8}}},
        {.name = "BtImmMemory_StaysInOperand", .code = {0x0f, 0xba, 0x23, 0x27}, .regs_in = {{R::Rbx, 0x2000}},
         .flags_mask = CF, .flags_out = CF, .mem_in = {{0x2000, 4, 0x80}, {0x2004, 4, 0}}},
        {.name = "BtMemory_PositiveOffsetBeyondOperand", .code = {0x0f, 0xa3, 0x0b},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 100}}, .flags_mask = CF, .flags_out = CF,
         .mem_in = {{0x2000, 4, 0}, {0x200c, 4, 0x10}}},
        {.name = "BtsMemory_NegativeOffsetBelowOperand", .code = {0x0f, 0xab, 0x0b},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 0xffffffff}}, .flags_mask = CF, .flags_out = 0,
         .mem_in = {{0x1ffc, 4, 0}}, .mem_out = {{0x1ffc, 4, 0x80000000}, {0x2000, 4, 0}}},
        {.name = "Btr16Memory_NegativeWordOffset", .code = {0x66, 0x0f, 0xb3, 0x0b},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 0x1234fff0}}, .flags_mask = CF, .flags_out = CF,
         .mem_in = {{0x1ffe, 2, 0xffff}}, .mem_out = {{0x1ffe, 2, 0xfffe}}},
        {.name = "Btc64Memory_NegativeOffset", .code = {0x48, 0x0f, 0xbb, 0x0b},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, static_cast<u64>(-65)}}, .flags_mask = CF, .flags_out = 0,
         .mem_in = {{0x1ff0, 8, 0}}, .mem_out = {{0x1ff0, 8, 0x8000000000000000}}},
        {.name = "Bt32Memory_OffsetSignExtendedFrom32", .code = {0x0f, 0xa3, 0x0b},
         .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 0x00000001ffffffe0}}, .flags_mask = CF, .flags_out = CF,
         .mem_in = {{0x1ffc, 4, 1}}},
        {.name = "LockBtsMemory", .code = {0xf0, 0x0f, 0xab, 0x0b}, .regs_in = {{R::Rbx, 0x2000}, {R::Rcx, 9}},
         .flags_mask = CF, .flags_out = 0, .mem_in = {{0x2000, 4, 0}}, .mem_out = {{0x2000, 4, 0x200}}},
        {.name = "LockBtrImmMemory", .code = {0xf0, 0x48, 0x0f, 0xba, 0x33, 0x3f}, .regs_in = {{R::Rbx, 0x2000}},
         .flags_mask = CF, .flags_out = CF, .mem_in = {{0x2000, 8, ~u64{0}}},
         .mem_out = {{0x2000, 8, 0x7fffffffffffffff}}},
        {.name = "BtRealMode_WordStride", .code = {0x0f, 0xa3, 0x07}, .regs_in = {{R::Rbx, 0x2000}, {R::Rax, 0x21}},
         .flags_mask = CF, .flags_out = CF, .mem_in = {{0x2004, 2, 2}}, .mode = CpuMode::Real},
    };
}

std::vector<ExecCase> scan_cases() {
    constexpr u64 kJunk = 0xdeadbeefcafebabe;
    return {
        {.name = "Bsf32", .code = {0x0f, 0xbc, 0xc1}, .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0x80}},
         .regs_out = {{R::Rax, 7}}, .flags_in = ZF, .flags_mask = ZF, .flags_out = 0},
        {.name = "Bsf32Zero_DestinationEntirelyUnchanged", .code = {0x0f, 0xbc, 0xc1},
         .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0xffffffff00000000}}, .regs_out = {{R::Rax, kJunk}},
         .flags_mask = ZF, .flags_out = ZF},
        {.name = "Bsr64", .code = {0x48, 0x0f, 0xbd, 0xc1}, .regs_in = {{R::Rcx, 0x8000000000000001}},
         .regs_out = {{R::Rax, 63}}, .flags_mask = ZF, .flags_out = 0},
        {.name = "Bsr16Zero_Unchanged", .code = {0x66, 0x0f, 0xbd, 0xc1},
         .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0xffff0000}}, .regs_out = {{R::Rax, kJunk}},
         .flags_mask = ZF, .flags_out = ZF},
        {.name = "Bsr16_MergesWord", .code = {0x66, 0x0f, 0xbd, 0xc1}, .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0x100}},
         .regs_out = {{R::Rax, 0xdeadbeefcafe0008}}, .flags_mask = ZF, .flags_out = 0},
        {.name = "BsfMemory", .code = {0x0f, 0xbc, 0x03}, .regs_in = {{R::Rbx, 0x2000}},
         .regs_out = {{R::Rax, 31}}, .mem_in = {{0x2000, 4, 0x80000000}}},
        {.name = "Popcnt32", .code = {0xf3, 0x0f, 0xb8, 0xc1}, .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0x00ff00ff}},
         .regs_out = {{R::Rax, 16}}, .flags_in = kStatus, .flags_mask = kStatus, .flags_out = 0},
        {.name = "PopcntZero_SetsOnlyZf", .code = {0xf3, 0x48, 0x0f, 0xb8, 0xc1}, .regs_in = {{R::Rcx, 0}},
         .regs_out = {{R::Rax, 0}}, .flags_in = CF | SF | OF, .flags_mask = kStatus, .flags_out = ZF},
        {.name = "Popcnt16_MergesWord", .code = {0x66, 0xf3, 0x0f, 0xb8, 0xc1},
         .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0xffffffffffff0003}}, .regs_out = {{R::Rax, 0xdeadbeefcafe0002}}},
        {.name = "Lzcnt32OfOne", .code = {0xf3, 0x0f, 0xbd, 0xc1}, .regs_in = {{R::Rcx, 1}},
         .regs_out = {{R::Rax, 31}}, .flags_in = CF | ZF, .flags_mask = CF | ZF, .flags_out = 0},
        {.name = "Lzcnt32Zero_WidthAndCf", .code = {0xf3, 0x0f, 0xbd, 0xc1}, .regs_in = {{R::Rcx, 0}},
         .regs_out = {{R::Rax, 32}}, .flags_mask = CF | ZF, .flags_out = CF},
        {.name = "Lzcnt64TopBit_ZeroResultSetsZf", .code = {0xf3, 0x48, 0x0f, 0xbd, 0xc1},
         .regs_in = {{R::Rcx, 0x8000000000000000}}, .regs_out = {{R::Rax, 0}}, .flags_mask = CF | ZF,
         .flags_out = ZF},
        {.name = "Lzcnt16OfOne", .code = {0x66, 0xf3, 0x0f, 0xbd, 0xc1}, .regs_in = {{R::Rax, kJunk}, {R::Rcx, 1}},
         .regs_out = {{R::Rax, 0xdeadbeefcafe000f}}},
        // Without BMI1 in the model, F3 0F BC is BSF: a zero source leaves the destination.
        {.name = "TzcntWithoutBmi1_IsBsf", .code = {0xf3, 0x0f, 0xbc, 0xc1},
         .regs_in = {{R::Rax, kJunk}, {R::Rcx, 0}}, .regs_out = {{R::Rax, kJunk}}, .flags_mask = ZF, .flags_out = ZF},
        {.name = "TzcntWithoutBmi1_Nonzero", .code = {0xf3, 0x0f, 0xbc, 0xc1}, .regs_in = {{R::Rcx, 8}},
         .regs_out = {{R::Rax, 3}}, .flags_mask = ZF, .flags_out = 0},
        {.name = "Bswap32_ZeroExtends", .code = {0x0f, 0xc8}, .regs_in = {{R::Rax, 0xffffffff11223344}},
         .regs_out = {{R::Rax, 0x44332211}}},
        {.name = "Bswap64", .code = {0x48, 0x0f, 0xc8}, .regs_in = {{R::Rax, 0x0102030405060708}},
         .regs_out = {{R::Rax, 0x0807060504030201}}},
        {.name = "BswapR9", .code = {0x49, 0x0f, 0xc9}, .regs_in = {{R::R9, 0x0102030405060708}},
         .regs_out = {{R::R9, 0x0807060504030201}}},
        {.name = "Bswap16_ClearsLowWordLikeAmd", .code = {0x66, 0x0f, 0xcb}, .regs_in = {{R::Rbx, 0x1122334455667788}},
         .regs_out = {{R::Rbx, 0x1122334455660000}}},
    };
}

class BtTable : public testing::TestWithParam<ExecCase> {};
TEST_P(BtTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Bit, BtTable, testing::ValuesIn(bt_cases()), case_name);

class BitScanTable : public testing::TestWithParam<ExecCase> {};
TEST_P(BitScanTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Bit, BitScanTable, testing::ValuesIn(scan_cases()), case_name);

TEST(X86Bit, LockBtOnMemory_RaisesUd) {
    Machine m;
    m.load(kCodeAddr, {0xf0, 0x0f, 0xa3, 0x0b});  // BT has no LOCK form
    m.reg(R::Rbx) = 0x2000;
    EXPECT_EQ(m.run().vector, Vector::UD);
}

TEST(X86Bit, BtsMemoryOffsetIntoUnmapped_FaultsAtTheAddressedOperand) {
    Machine m;
    m.load(kCodeAddr, {0x0f, 0xab, 0x0b});
    m.reg(R::Rbx) = kMemSize - 4;
    m.reg(R::Rcx) = 32;  // the dword after the operand: the first byte past RAM
    m.cpu.set_rflags(rflags::Fixed1 | CF);
    const Event e = m.run();
    ASSERT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.address, kMemSize);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.cpu.rflags() & CF, CF);
}

// A model that advertises BMI1 gets TZCNT proper (CF for a zero source, the width as the
// result); the default model does not advertise it (the bit would announce the VEX forms).
TEST(X86Bit, TzcntWithBmi1Model_CountsTrailingZeros) {
    FlatMemory mem{0, kMemSize};
    CpuModel model = CpuModel::flint_default();
    model.f7_ebx |= cpuid_bits::BMI1;
    Cpu cpu{mem, model};
    const u8 code[] = {0xf3, 0x0f, 0xbc, 0xc1, 0xf3, 0x48, 0x0f, 0xbc, 0xd3, 0xf4};  // tzcnt eax,ecx; tzcnt rdx,rbx
    std::copy(std::begin(code), std::end(code), mem.at(kCodeAddr));
    cpu.state().rip = kCodeAddr;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rax)] = 0xdeadbeef;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rcx)] = 0;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rbx)] = 1;
    ASSERT_EQ(cpu.step().kind, EventKind::None);
    EXPECT_EQ(cpu.state().gpr[static_cast<unsigned>(Reg::Rax)], 32u);
    EXPECT_EQ(cpu.rflags() & (CF | ZF), CF);
    ASSERT_EQ(cpu.run(10).kind, EventKind::Halt);
    EXPECT_EQ(cpu.state().gpr[static_cast<unsigned>(Reg::Rdx)], 0u);
    EXPECT_EQ(cpu.rflags() & (CF | ZF), ZF);
}

TEST(X86Bit, LzcntWithoutAbmModel_IsBsr) {
    FlatMemory mem{0, kMemSize};
    CpuModel model = CpuModel::flint_default();
    model.e1_ecx &= ~cpuid_bits::ABM;
    Cpu cpu{mem, model};
    const u8 code[] = {0xf3, 0x0f, 0xbd, 0xc1, 0xf4};
    std::copy(std::begin(code), std::end(code), mem.at(kCodeAddr));
    cpu.state().rip = kCodeAddr;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rcx)] = 1;
    ASSERT_EQ(cpu.run(10).kind, EventKind::Halt);
    EXPECT_EQ(cpu.state().gpr[static_cast<unsigned>(Reg::Rax)], 0u);
}

}  // namespace
}  // namespace flint::x86::test
