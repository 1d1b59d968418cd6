// String family: MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS with and without REP/REPE/REPNE, both
// directions, every address size (and its wrap), segment override on the source, the bulk
// paths, faults mid-way that leave the registers ready for a restart, and the periodic
// return to the run loop.
#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u8 kRep = 0xf3, kRepne = 0xf2;

std::vector<ExecCase> string_cases() {
    return {
        {.name = "Movsb_AdvancesBoth", .code = {0xa4}, .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}},
         .regs_out = {{R::Rsi, 0x2001}, {R::Rdi, 0x3001}}, .mem_in = {{0x2000, 1, 0x5a}},
         .mem_out = {{0x3000, 1, 0x5a}}},
        {.name = "Movsd_Df1_GoesDown", .code = {0xa5}, .regs_in = {{R::Rsi, 0x2004}, {R::Rdi, 0x3004}},
         .regs_out = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}}, .flags_in = DF, .mem_in = {{0x2004, 4, 0x11223344}},
         .mem_out = {{0x3004, 4, 0x11223344}}},
        {.name = "RepMovsbCountZero_ChangesNothing", .code = {kRep, 0xa4},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}, {R::Rcx, 0}},
         .regs_out = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}, {R::Rcx, 0}}, .mem_in = {{0x2000, 1, 0x5a}},
         .mem_out = {{0x3000, 1, 0}}},
        {.name = "RepMovsq_CopiesRun", .code = {kRep, 0x48, 0xa5},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}, {R::Rcx, 3}},
         .regs_out = {{R::Rsi, 0x2018}, {R::Rdi, 0x3018}, {R::Rcx, 0}},
         .mem_in = {{0x2000, 8, 1}, {0x2008, 8, 2}, {0x2010, 8, 3}, {0x2018, 8, 4}},
         .mem_out = {{0x3000, 8, 1}, {0x3008, 8, 2}, {0x3010, 8, 3}, {0x3018, 8, 0}}},
        {.name = "RepMovsbAcrossPages", .code = {kRep, 0xa4},
         .regs_in = {{R::Rsi, 0x4ffc}, {R::Rdi, 0x6ffe}, {R::Rcx, 8}},
         .regs_out = {{R::Rsi, 0x5004}, {R::Rdi, 0x7006}, {R::Rcx, 0}},
         .mem_in = {{0x4ffc, 8, 0x0807060504030201}}, .mem_out = {{0x6ffe, 8, 0x0807060504030201}}},
        {.name = "RepMovsbOverlapping_ReplicatesPattern", .code = {kRep, 0xa4},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x2001}, {R::Rcx, 7}}, .mem_in = {{0x2000, 8, 0xab}},
         .mem_out = {{0x2000, 8, 0xabababababababab}}},
        {.name = "RepMovsdOverlappingWithinElement", .code = {kRep, 0xa5},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x2002}, {R::Rcx, 2}},
         .mem_in = {{0x2000, 8, 0x8877665544332211}},
         .mem_out = {{0x2000, 8, 0x4433443322112211}, {0x2008, 2, 0x8877}}},
        {.name = "RepMovswDf1", .code = {kRep, 0x66, 0xa5}, .regs_in = {{R::Rsi, 0x2002}, {R::Rdi, 0x3002}, {R::Rcx, 2}},
         .regs_out = {{R::Rsi, 0x1ffe}, {R::Rdi, 0x2ffe}, {R::Rcx, 0}}, .flags_in = DF,
         .mem_in = {{0x2000, 4, 0xaaaabbbb}}, .mem_out = {{0x3000, 4, 0xaaaabbbb}}},
        {.name = "RepneMovsb_ActsAsRep", .code = {kRepne, 0xa4}, .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}, {R::Rcx, 2}},
         .regs_out = {{R::Rcx, 0}}, .flags_in = ZF, .mem_in = {{0x2000, 2, 0x0101}}, .mem_out = {{0x3000, 2, 0x0101}}},
        {.name = "RepStosbAcrossPages", .code = {kRep, 0xaa}, .regs_in = {{R::Rax, 0xcc}, {R::Rdi, 0x2ff0}, {R::Rcx, 0x20}},
         .regs_out = {{R::Rdi, 0x3010}, {R::Rcx, 0}},
         .mem_out = {{0x2ff0, 8, 0xcccccccccccccccc}, {0x3008, 8, 0xcccccccccccccccc}, {0x3010, 1, 0}}},
        {.name = "RepStosqDf1", .code = {kRep, 0x48, 0xab},
         .regs_in = {{R::Rax, 0x1122334455667788}, {R::Rdi, 0x2010}, {R::Rcx, 3}},
         .regs_out = {{R::Rdi, 0x1ff8}, {R::Rcx, 0}}, .flags_in = DF,
         .mem_out = {{0x2000, 8, 0x1122334455667788}, {0x2010, 8, 0x1122334455667788}, {0x2018, 8, 0}}},
        {.name = "RepStosw", .code = {kRep, 0x66, 0xab}, .regs_in = {{R::Rax, 0xbeef}, {R::Rdi, 0x2000}, {R::Rcx, 3}},
         .regs_out = {{R::Rdi, 0x2006}}, .mem_out = {{0x2000, 8, 0x0000beefbeefbeef}}},
        {.name = "Lodsd_ZeroExtends", .code = {0xad}, .regs_in = {{R::Rax, ~u64{0}}, {R::Rsi, 0x2000}},
         .regs_out = {{R::Rax, 0x80000001}, {R::Rsi, 0x2004}}, .mem_in = {{0x2000, 4, 0x80000001}}},
        {.name = "RepLodsb_LastWins", .code = {kRep, 0xac}, .regs_in = {{R::Rax, 0x1200}, {R::Rsi, 0x2000}, {R::Rcx, 3}},
         .regs_out = {{R::Rax, 0x1244}, {R::Rsi, 0x2003}, {R::Rcx, 0}}, .mem_in = {{0x2000, 4, 0x443322}}},
        {.name = "Cmpsb_FlagsOfSourceMinusDestination", .code = {0xa6},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}}, .regs_out = {{R::Rsi, 0x2001}, {R::Rdi, 0x3001}},
         .flags_mask = kStatus, .flags_out = CF | SF | PF | AF, .mem_in = {{0x2000, 1, 1}, {0x3000, 1, 2}}},
        {.name = "RepeCmpsb_StopsAtFirstDifference", .code = {kRep, 0xa6},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}, {R::Rcx, 10}},
         .regs_out = {{R::Rsi, 0x2004}, {R::Rdi, 0x3004}, {R::Rcx, 6}}, .flags_mask = ZF | CF, .flags_out = CF,
         .mem_in = {{0x2000, 4, 0x78636261}, {0x3000, 4, 0x79636261}}},
        {.name = "RepeCmpsd_AllEqualRunsOut", .code = {kRep, 0xa7},
         .regs_in = {{R::Rsi, 0x2000}, {R::Rdi, 0x3000}, {R::Rcx, 2}},
         .regs_out = {{R::Rsi, 0x2008}, {R::Rdi, 0x3008}, {R::Rcx, 0}}, .flags_mask = ZF, .flags_out = ZF,
         .mem_in = {{0x2000, 8, 0x1234}, {0x3000, 8, 0x1234}}},
        {.name = "RepeCmpsCountZero_KeepsFlags", .code = {kRep, 0xa6}, .regs_in = {{R::Rcx, 0}, {R::Rsi, 0x2000}},
         .regs_out = {{R::Rsi, 0x2000}}, .flags_in = CF | OF, .flags_mask = kStatus, .flags_out = CF | OF},
        {.name = "RepneScasb_FindsTerminator", .code = {kRepne, 0xae},
         .regs_in = {{R::Rax, 0}, {R::Rdi, 0x2000}, {R::Rcx, 100}},
         .regs_out = {{R::Rdi, 0x2003}, {R::Rcx, 97}}, .flags_mask = ZF, .flags_out = ZF,
         .mem_in = {{0x2000, 4, 0x00006968}}},
        {.name = "RepeScasw_StopsOnMismatch", .code = {kRep, 0x66, 0xaf},
         .regs_in = {{R::Rax, 0x4141}, {R::Rdi, 0x2000}, {R::Rcx, 5}},
         .regs_out = {{R::Rdi, 0x2004}, {R::Rcx, 3}}, .flags_mask = ZF, .flags_out = 0,
         .mem_in = {{0x2000, 4, 0x42424141}}},
        {.name = "ScasqDf1", .code = {0x48, 0xaf}, .regs_in = {{R::Rax, 5}, {R::Rdi, 0x2008}},
         .regs_out = {{R::Rdi, 0x2000}}, .flags_in = DF, .flags_mask = ZF | CF, .flags_out = ZF,
         .mem_in = {{0x2008, 8, 5}}},
        // 32-bit addressing in 64-bit mode: ECX/ESI/EDI count and wrap, and the registers
        // are written as 32-bit registers (upper halves cleared) once an iteration ran.
        {.name = "Addr32RepMovsb_ZeroExtends", .code = {0x67, kRep, 0xa4},
         .regs_in = {{R::Rsi, 0xaaaa000000002000}, {R::Rdi, 0xbbbb000000003000}, {R::Rcx, 0xcccc000000000002}},
         .regs_out = {{R::Rsi, 0x2002}, {R::Rdi, 0x3002}, {R::Rcx, 0}}, .mem_in = {{0x2000, 2, 0x0201}},
         .mem_out = {{0x3000, 2, 0x0201}}},
        {.name = "Addr32RepCountZero_KeepsUpperHalves", .code = {0x67, kRep, 0xa4},
         .regs_in = {{R::Rsi, 0xaaaa000000002000}, {R::Rdi, 0xbbbb000000003000}, {R::Rcx, 0xcccc000000000000}},
         .regs_out = {{R::Rsi, 0xaaaa000000002000}, {R::Rdi, 0xbbbb000000003000}, {R::Rcx, 0xcccc000000000000}}},
        {.name = "Addr32StosbDf1_EdiWrapsDown", .code = {0x67, 0xaa},
         .regs_in = {{R::Rax, 0x77}, {R::Rdi, 0xffffffff00000000}}, .regs_out = {{R::Rdi, 0xffffffff}},
         .flags_in = DF, .mem_out = {{0, 1, 0x77}}},
        // 16-bit addressing: SI/DI/CX wrap at 64 KiB and the upper bits stay.
        {.name = "Real_MovsbSiWraps", .code = {0xa4}, .regs_in = {{R::Rsi, 0xabcd0000ffff}, {R::Rdi, 0x3000}},
         .regs_out = {{R::Rsi, 0xabcd00000000}, {R::Rdi, 0x3001}}, .mem_in = {{0xffff, 1, 0x42}},
         .mem_out = {{0x3000, 1, 0x42}}, .mode = CpuMode::Real},
        {.name = "Real_RepStosbDiWrapsMidRun", .code = {kRep, 0xaa},
         .regs_in = {{R::Rax, 0x99}, {R::Rdi, 0x5fffe}, {R::Rcx, 0x70003}},
         .regs_out = {{R::Rdi, 0x50001}, {R::Rcx, 0x70000}},
         .mem_out = {{0xfffe, 2, 0x9999}, {0x0000, 1, 0x99}, {0x10000, 1, 0}}, .mode = CpuMode::Real},
        {.name = "Prot32_Addr16RepMovsb", .code = {0x67, kRep, 0xa4},
         .regs_in = {{R::Rsi, 0x12342000}, {R::Rdi, 0x56783000}, {R::Rcx, 0x9abc0001}},
         .regs_out = {{R::Rsi, 0x12342001}, {R::Rdi, 0x56783001}, {R::Rcx, 0x9abc0000}},
         .mem_in = {{0x2000, 1, 0x33}}, .mem_out = {{0x3000, 1, 0x33}}, .mode = CpuMode::Protected32},
    };
}

class StringTable : public testing::TestWithParam<ExecCase> {};
TEST_P(StringTable, Run_MatchesAfterState) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86String, StringTable, testing::ValuesIn(string_cases()), case_name);

TEST(X86String, LodsbWithFsOverride_ReadsThroughFs) {
    Machine m;
    m.load(kCodeAddr, {0x64, 0xac, 0xf4});
    m.cpu.state().seg[static_cast<unsigned>(Seg::Fs)].base = 0x10000;
    m.reg(R::Rsi) = 0x2000;
    m.poke(0x12000, 1, 0x5c);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax) & 0xff, 0x5cu);
    EXPECT_EQ(m.reg(R::Rsi), 0x2001u);
}

TEST(X86String, MovsbWithFsOverride_DestinationStaysEs) {
    Machine m;
    m.load(kCodeAddr, {0x64, 0xf3, 0xa4, 0xf4});
    m.cpu.state().seg[static_cast<unsigned>(Seg::Fs)].base = 0x10000;
    m.reg(R::Rsi) = 0x2000;
    m.reg(R::Rdi) = 0x3000;
    m.reg(R::Rcx) = 2;
    m.poke(0x12000, 2, 0xbeef);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x3000, 2), 0xbeefu);
    EXPECT_EQ(m.peek(0x13000, 2), 0u);
}

// The destination runs off the end of RAM after 8 bytes: the fault reports the first byte
// that could not be written, RIP stays on the instruction, and RCX/RSI/RDI describe exactly
// the 12 iterations left, so the restarted instruction finishes the job.
TEST(X86String, RepMovsbFaultHalfway_LeavesStateForRestart) {
    Machine m;
    m.load(kCodeAddr, {0xf3, 0xa4, 0xf4});
    for (unsigned i = 0; i < 20; ++i) m.poke(0x2000 + i, 1, 0x40 + i);
    m.reg(R::Rsi) = 0x2000;
    m.reg(R::Rdi) = kMemSize - 8;
    m.reg(R::Rcx) = 20;
    const Event e = m.run();
    ASSERT_EQ(e.vector, Vector::PF);
    EXPECT_NE(e.error_code & pf_error::Write, 0u);
    EXPECT_EQ(e.address, kMemSize);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.reg(R::Rcx), 12u);
    EXPECT_EQ(m.reg(R::Rsi), 0x2008u);
    EXPECT_EQ(m.reg(R::Rdi), kMemSize);
    EXPECT_EQ(m.peek(kMemSize - 8, 8), 0x4746454443424140u);

    // The "handler" moves the destination somewhere mapped; the rest completes.
    m.reg(R::Rdi) = 0x3000;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rcx), 0u);
    EXPECT_EQ(m.peek(0x3000, 4), 0x4b4a4948u);
    EXPECT_EQ(m.peek(0x3008, 4), 0x53525150u);
}

TEST(X86String, RepMovsqElementStraddlingUnmapped_WritesNothingOfIt) {
    Machine m;
    m.load(kCodeAddr, {0xf3, 0x48, 0xa5});
    m.reg(R::Rsi) = 0x2000;
    m.reg(R::Rdi) = kMemSize - 12;
    m.reg(R::Rcx) = 3;
    m.poke(0x2000, 8, 0x1111111111111111);
    m.poke(0x2008, 8, 0x2222222222222222);
    const Event e = m.run();
    ASSERT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(m.reg(R::Rcx), 2u);
    EXPECT_EQ(m.reg(R::Rdi), kMemSize - 4);
    EXPECT_EQ(m.peek(kMemSize - 12, 8), 0x1111111111111111u);
    EXPECT_EQ(m.peek(kMemSize - 4, 4), 0u);
}

TEST(X86String, RepeCmpsFaultOnSource_KeepsLastFlags) {
    Machine m;
    m.load(kCodeAddr, {0xf3, 0xa6});
    m.reg(R::Rsi) = kMemSize - 2;
    m.reg(R::Rdi) = 0x3000;
    m.reg(R::Rcx) = 5;
    m.poke(kMemSize - 2, 2, 0x0909);
    m.poke(0x3000, 2, 0x0909);
    const Event e = m.run();
    ASSERT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.error_code & pf_error::Write, 0u);
    EXPECT_EQ(m.reg(R::Rcx), 3u);
    EXPECT_EQ(m.reg(R::Rsi), kMemSize);
    EXPECT_EQ(m.cpu.rflags() & ZF, ZF);
}

// A long REP hands control back to the run loop every 4096 iterations with RIP on itself,
// so that one step never runs unbounded and interrupts can be taken in between.
TEST(X86String, LongRepStos_ReturnsToRunLoopPeriodically) {
    Machine m;
    m.load(kCodeAddr, {0xf3, 0xaa, 0xf4});
    m.reg(R::Rax) = 0x5a;
    m.reg(R::Rdi) = 0x10000;
    m.reg(R::Rcx) = 10000;
    ASSERT_EQ(m.cpu.step().kind, EventKind::None);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.reg(R::Rcx), 10000u - 4096);
    EXPECT_EQ(m.reg(R::Rdi), 0x10000u + 4096);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rcx), 0u);
    EXPECT_EQ(m.peek(0x10000 + 9999, 1), 0x5au);
    EXPECT_EQ(m.peek(0x10000 + 10000, 1), 0u);
}

// REP STOS over already-decoded code must drop it, bulk path or not.
TEST(X86String, RepStosOverDecodedCode_IsSeenByTheNextFetch) {
    Machine m;
    m.load(kCodeAddr, {0x31, 0xc0, 0xf4});          // xor eax, eax; hlt
    m.load(kCodeAddr + 0x100, {0xf3, 0xaa, 0xf4});  // rep stosb; hlt
    ASSERT_EQ(m.run().kind, EventKind::Halt);       // decodes the xor
    m.cpu.state().rip = kCodeAddr + 0x100;
    m.reg(R::Rax) = 0x90;
    m.reg(R::Rdi) = kCodeAddr;
    m.reg(R::Rcx) = 2;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    m.cpu.state().rip = kCodeAddr;
    m.reg(R::Rax) = 0x1234;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x1234u);  // NOP NOP ran, not the stale XOR
}

TEST(X86String, RepOutsb_WritesEachByteToThePort) {
    Machine m;
    m.load(kCodeAddr, {0xf3, 0x6e, 0xf4});
    m.reg(R::Rdx) = 0x3f8;
    m.reg(R::Rsi) = 0x2000;
    m.reg(R::Rcx) = 3;
    m.poke(0x2000, 4, 0x00636261);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.mem.last_port_out(), 0x63u);
    EXPECT_EQ(m.reg(R::Rsi), 0x2003u);
    EXPECT_EQ(m.reg(R::Rcx), 0u);
}

TEST(X86String, RepInsd_StoresPortDataAtEsDi) {
    Machine m;
    m.load(kCodeAddr, {0xf3, 0x6d, 0xf4});
    m.mem.set_port_in_value(0xa5a5a5a5);
    m.reg(R::Rdx) = 0x60;
    m.reg(R::Rdi) = 0x2000;
    m.reg(R::Rcx) = 2;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2000, 8), 0xa5a5a5a5a5a5a5a5u);
    EXPECT_EQ(m.reg(R::Rdi), 0x2008u);
}

TEST(X86String, InsbToUnmapped_FaultsBeforeReadingThePort) {
    class CountingPorts : public FlatMemory {
    public:
        CountingPorts() : FlatMemory(0, kMemSize) {}
        u32 port_in(u16, unsigned) override {
            ++reads;
            return 0;
        }
        unsigned reads = 0;
    } bus;
    Cpu cpu(bus, CpuModel::flint_default());
    const u8 code[] = {0x6c};
    std::copy(std::begin(code), std::end(code), bus.at(kCodeAddr));
    cpu.state().rip = kCodeAddr;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rdi)] = kMemSize;
    EXPECT_EQ(cpu.step().vector, Vector::PF);
    EXPECT_EQ(bus.reads, 0u);
}

}  // namespace
}  // namespace flint::x86::test
