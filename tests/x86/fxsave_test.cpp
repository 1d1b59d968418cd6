// FXSAVE/FXRSTOR layouts (64-bit and legacy), round trip, faults; LDMXCSR/STMXCSR;
// the fences.
#include "sse_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kArea = 0x3000;

// A state with every field distinct. TOP = 7, so ST(0) is physical register 7.
void fill_state(FpuState& f) {
    f.fcw = 0x1274;  // a control word FXRSTOR keeps as it is (bit 6 set, reserved bits clear)
    f.fsw = 0x3800;
    f.ftw = 0x81;
    f.fop = 0x7ff;
    f.fip = 0x1122334455667788;
    f.fdp = 0x99aabbccddeeff00;
    f.fcs = 0x0023;
    f.fds = 0x002b;
    f.mxcsr = 0x3fbf;
    for (unsigned i = 0; i < 8; ++i) f.st[i] = X87Reg{0x8000000000000000 | i, static_cast<u16>(0x4000 + i)};
    for (unsigned i = 0; i < 16; ++i) f.xmm[i].q = {0x0101010101010101u * i, ~(0x0101010101010101u * i)};
}

struct FxMachine : Machine {
    FxMachine(std::vector<u8> code) {
        code.push_back(0xf4);
        load(kCodeAddr, code);
        cpu.state().cr4 |= cr4::OSFXSR | cr4::OSXMMEXCPT;
        reg(R::Rbx) = kArea;
        for (u64 off = 0; off < 512; off += 8) poke(kArea + off, 8, 0xabababababababab);
    }
    FpuState& fpu() { return cpu.state().fpu; }
};

TEST(X86Fxsave, Fxsave64_LayoutOffsets) {
    FxMachine m({0x48, 0x0f, 0xae, 0x03});  // fxsave64 [rbx]
    fill_state(m.fpu());
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(kArea + 0, 2), 0x1274u);   // FCW
    EXPECT_EQ(m.peek(kArea + 2, 2), 0x3800u);   // FSW
    EXPECT_EQ(m.peek(kArea + 4, 1), 0x81u);     // abridged FTW
    EXPECT_EQ(m.peek(kArea + 5, 1), 0u);        // reserved
    EXPECT_EQ(m.peek(kArea + 6, 2), 0x7ffu);    // FOP
    EXPECT_EQ(m.peek(kArea + 8, 8), 0x1122334455667788u);   // FIP, 64 bits
    EXPECT_EQ(m.peek(kArea + 16, 8), 0x99aabbccddeeff00u);  // FDP, 64 bits
    EXPECT_EQ(m.peek(kArea + 24, 4), 0x3fbfu);  // MXCSR
    EXPECT_EQ(m.peek(kArea + 28, 4), 0xffffu);  // MXCSR_MASK
    EXPECT_EQ(m.peek(kArea + 32, 8), 0x8000000000000007u);  // ST(0) = R7
    EXPECT_EQ(m.peek(kArea + 40, 2), 0x4007u);
    EXPECT_EQ(m.peek(kArea + 42, 6), 0u);  // reserved tail of the slot
    EXPECT_EQ(m.peek(kArea + 48, 8), 0x8000000000000000u);  // ST(1) = R0
    EXPECT_EQ(m.peek(kArea + 160, 8), 0u);                   // XMM0
    EXPECT_EQ(m.peek(kArea + 160 + 16 * 15, 8), 0x0f0f0f0f0f0f0f0fu);  // XMM15
    EXPECT_EQ(m.peek(kArea + 160 + 16 * 15 + 8, 8), ~0x0f0f0f0f0f0f0f0fu);
    EXPECT_EQ(m.peek(kArea + 416, 8), 0xabababababababab) << "reserved and available bytes are left alone";
    EXPECT_EQ(m.peek(kArea + 504, 8), 0xabababababababab);
}

TEST(X86Fxsave, FxsaveLegacy_SplitsPointersIntoOffsetAndSelector) {
    FxMachine m({0x0f, 0xae, 0x03});  // fxsave [rbx]
    fill_state(m.fpu());
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(kArea + 8, 4), 0x55667788u);
    EXPECT_EQ(m.peek(kArea + 12, 2), 0x0023u);
    EXPECT_EQ(m.peek(kArea + 14, 2), 0u);
    EXPECT_EQ(m.peek(kArea + 16, 4), 0xddeeff00u);
    EXPECT_EQ(m.peek(kArea + 20, 2), 0x002bu);
    EXPECT_EQ(m.peek(kArea + 160 + 16 * 8, 8), 0x0808080808080808u) << "64-bit mode saves XMM8-15";
}

TEST(X86Fxsave, SaveThenRestore_RoundTripsEveryField) {
    for (const bool wide : {true, false}) {
        // fxsave [rbx]; then, after the state is scrambled, fxrstor [rbx].
        std::vector<u8> save = {0x0f, 0xae, 0x03}, restore = {0x0f, 0xae, 0x0b};
        if (wide) save.insert(save.begin(), 0x48), restore.insert(restore.begin(), 0x48);
        FxMachine m(save);
        fill_state(m.fpu());
        if (!wide) m.fpu().fip &= 0xffffffff, m.fpu().fdp &= 0xffffffff;
        const FpuState before = m.fpu();
        ASSERT_EQ(m.run().kind, EventKind::Halt);
        m.fpu() = FpuState{};
        m.fpu().fcs = before.fcs, m.fpu().fds = before.fds;  // the 64-bit layout has no selectors
        m.load(kCodeAddr, restore);
        m.poke(kCodeAddr + restore.size(), 1, 0xf4);
        m.cpu.invalidate_code(kCodeAddr, 16);
        m.cpu.state().rip = kCodeAddr;
        ASSERT_EQ(m.run().kind, EventKind::Halt);
        EXPECT_TRUE(m.fpu() == before) << (wide ? "fxrstor64" : "fxrstor");
    }
}

TEST(X86Fxsave, FxrstorReservedMxcsrBit_GeneralProtectionStateKept) {
    FxMachine m({0x0f, 0xae, 0x0b});  // fxrstor [rbx]
    m.poke(kArea + 24, 4, 0x10000);
    const FpuState before = m.fpu();
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_TRUE(m.fpu() == before);
}

TEST(X86Fxsave, Misaligned_GeneralProtection) {
    FxMachine m({0x0f, 0xae, 0x03});
    m.reg(R::Rbx) = kArea + 8;
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(m.peek(kArea + 8, 8), 0xabababababababab);
}

TEST(X86Fxsave, TaskSwitchedOrEmulation_DeviceNotAvailable) {
    for (const u64 bit : {cr0::TS, cr0::EM}) {
        FxMachine m({0x0f, 0xae, 0x03});
        m.cpu.state().cr0 |= bit;
        m.cpu.set_mode(CpuMode::Long64);
        const Event e = m.run();
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(e.vector, Vector::NM);
    }
}

TEST(X86Fxsave, WithoutOsfxsr_StillSaves) {
    FxMachine m({0x0f, 0xae, 0x03});
    m.cpu.state().cr4 &= ~cr4::OSFXSR;
    EXPECT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(kArea + 24, 4), mxcsr::Default);
}

std::vector<SseCase> mxcsr_cases() {
    return {
        {.name = "Ldmxcsr", .code = {0x0f, 0xae, 0x13}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 4, 0xffff}}, .mxcsr_out = 0xffff},
        {.name = "LdmxcsrReservedBit_GeneralProtection", .code = {0x0f, 0xae, 0x13}, .regs_in = {{R::Rbx, 0x2000}},
         .mem_in = {{0x2000, 4, 0x20000}}, .vector = kGP},
        {.name = "LdmxcsrWithoutOsfxsr_Undefined", .code = {0x0f, 0xae, 0x13}, .regs_in = {{R::Rbx, 0x2000}},
         .vector = kUD, .cr4 = 0},
        {.name = "Stmxcsr", .code = {0x0f, 0xae, 0x1b}, .regs_in = {{R::Rbx, 0x2001}}, .mem_out = {{0x2001, 4, 0x7fa0}},
         .mxcsr_in = 0x7fa0, .mxcsr_out = 0x7fa0},
        {.name = "StmxcsrTaskSwitched_DeviceNotAvailable", .code = {0x0f, 0xae, 0x1b}, .regs_in = {{R::Rbx, 0x2000}},
         .vector = kNM, .cr0 = cr0::TS},
        {.name = "Fences", .code = {0x0f, 0xae, 0xe8, 0x0f, 0xae, 0xf0, 0x0f, 0xae, 0xf8}},
        {.name = "FxsaveRegisterForm_Undefined", .code = {0x0f, 0xae, 0xc0}, .vector = kUD},
    };
}

class MxcsrTable : public testing::TestWithParam<SseCase> {};
TEST_P(MxcsrTable, Run_MatchesExpectedState) { run_sse_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(X86Fxsave, MxcsrTable, testing::ValuesIn(mxcsr_cases()), sse_case_name);

}  // namespace
}  // namespace flint::x86::test
