// MMX (exec_mmx.cpp, exec_mmx_sse.cpp): what the differential test against the host
// cannot reach from user mode: CR0.EM/TS, a pending x87 exception, CR4.OSFXSR, and the
// aliasing of MM0-7 with the x87 registers seen from both sides.
#include <bit>

#include "exec_test_util.h"
#include "x86/system_regs.h"

namespace flint::x86::test {
namespace {

constexpr u64 kData = 0x2000;
constexpr u16 kFswEs = 0x0080;
constexpr u16 kFswTop = 0x3800;

struct MmxFixture : Machine {
    MmxFixture() {
        cpu.state().cr4 |= cr4::OSFXSR | cr4::OSXMMEXCPT;
        set_ne(true);
        reg(Reg::Rbx) = kData;
    }
    FpuState& fpu() { return cpu.state().fpu; }
    // CR0.NE: a pending x87 exception is #MF rather than FERR#. A CR0 change set from
    // outside re-derives the mode, so the 64-bit mode is forced again.
    void set_ne(bool on) {
        if (on) cpu.state().cr0 |= cr0::NE;
        else cpu.state().cr0 &= ~u64{cr0::NE};
        cpu.set_mode(CpuMode::Long64);
    }
    Event run_code(std::vector<u8> code) {
        code.push_back(0xf4);
        load(kCodeAddr, code);
        return run();
    }
    void expect_fault(std::vector<u8> code, Vector v) {
        const FpuState before = fpu();
        const Event e = run_code(std::move(code));
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(e.vector, v);
        EXPECT_EQ(cpu.state().rip, kCodeAddr) << "a fault leaves RIP on the instruction";
        EXPECT_TRUE(fpu() == before) << "a faulting instruction changes no x87/MMX/XMM state";
    }
};

const std::vector<u8> kPaddbMm0Mm1 = {0x0f, 0xfc, 0xc1};
const std::vector<u8> kEmms = {0x0f, 0x77};

TEST(X86Mmx, EmulationBit_InvalidOpcode) {
    for (const auto& code : {kPaddbMm0Mm1, kEmms, std::vector<u8>{0x0f, 0x70, 0xc1, 0x1b} /* pshufw */}) {
        MmxFixture m;
        m.cpu.state().cr0 |= cr0::EM | cr0::TS;  // EM wins over TS
        m.expect_fault(code, Vector::UD);
    }
}

TEST(X86Mmx, TaskSwitched_DeviceNotAvailable) {
    for (const auto& code : {kPaddbMm0Mm1, kEmms, std::vector<u8>{0x0f, 0x2a, 0xc1} /* cvtpi2ps */}) {
        MmxFixture m;
        m.cpu.state().cr0 |= cr0::TS;
        m.expect_fault(code, Vector::NM);
    }
}

TEST(X86Mmx, PendingX87Exception_MathFault) {
    for (const auto& code : {kPaddbMm0Mm1, kEmms, std::vector<u8>{0x66, 0x0f, 0x2a, 0xc1} /* cvtpi2pd xmm0, mm1 */}) {
        MmxFixture m;
        m.fpu().fsw = kFswEs | 0x01;  // invalid operation, unmasked and pending
        m.fpu().fcw = 0x037e;
        m.expect_fault(code, Vector::MF);
    }
}

// FLDCW that unmasks a set flag makes it pending (FSW.ES), so the next MMX instruction
// takes #MF; a masked flag is not pending.
TEST(X86Mmx, FldcwUnmasksFlag_MathFault) {
    const std::vector<u8> code = {0xd9, 0x2b, 0x0f, 0xfc, 0xc1};  // fldcw [rbx]; paddb mm0, mm1
    MmxFixture pending;
    pending.fpu().fsw = 0x04;  // divide by zero, masked so far
    pending.poke(kData, 2, 0x037b);  // ... now unmasked
    const Event e = pending.run_code(code);
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::MF);
    EXPECT_EQ(pending.cpu.state().rip, kCodeAddr + 2);
    EXPECT_EQ(pending.fpu().fsw & kFswEs, kFswEs);
    MmxFixture masked;
    masked.fpu().fsw = 0x04;
    masked.poke(kData, 2, 0x037f);
    EXPECT_EQ(masked.run_code(code).kind, EventKind::Halt);
}

// With CR0.NE clear a pending exception would go to FERR#, which this CPU lacks: no #MF.
TEST(X86Mmx, PendingX87ExceptionWithoutNe_NoFault) {
    MmxFixture m;
    m.set_ne(false);
    m.fpu().fsw = kFswEs | 0x01;
    m.fpu().fcw = 0x037e;
    EXPECT_EQ(m.run_code(kPaddbMm0Mm1).kind, EventKind::Halt);
}

TEST(X86Mmx, PendingX87Exception_ClearedByFnclex) {
    MmxFixture m;
    m.fpu().fsw = kFswEs | 0x01;
    m.fpu().st[0].mantissa = 0x0102030405060708;
    m.fpu().st[1].mantissa = 0x1010101010101010;
    std::vector<u8> code = {0xdb, 0xe2};  // fnclex
    code.insert(code.end(), kPaddbMm0Mm1.begin(), kPaddbMm0Mm1.end());
    ASSERT_EQ(m.run_code(code).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().st[0].mantissa, 0x1112131415161718u);
}

// CVTPI2PD from memory is the one MMX-family form that touches no x87 state.
TEST(X86Mmx, Cvtpi2pdFromMemory_IgnoresX87State) {
    MmxFixture m;
    m.fpu().fsw = kFswEs | 0x01 | (5u << 11);
    m.poke(kData, 8, 0xfffffffe'00000003);  // {3, -2}
    ASSERT_EQ(m.run_code({0x66, 0x0f, 0x2a, 0x03}).kind, EventKind::Halt);  // cvtpi2pd xmm0, [rbx]
    EXPECT_EQ(m.fpu().xmm[0].q[0], std::bit_cast<u64>(3.0));
    EXPECT_EQ(m.fpu().xmm[0].q[1], std::bit_cast<u64>(-2.0));
    EXPECT_EQ(m.fpu().ftw, 0) << "no switch to MMX use";
    EXPECT_EQ(m.fpu().fsw & kFswTop, 5u << 11);
}

// Pure MMX forms do not need the OS's FXSAVE support; those with an XMM operand do.
TEST(X86Mmx, WithoutOsfxsr_MmxRunsXmmFormsFault) {
    MmxFixture ok;
    ok.cpu.state().cr4 &= ~cr4::OSFXSR;
    EXPECT_EQ(ok.run_code({0x0f, 0xfc, 0xc1, 0x0f, 0x70, 0xc1, 0x1b, 0x0f, 0xe0, 0xc1}).kind, EventKind::Halt);
    for (const auto& code : {std::vector<u8>{0x0f, 0x2a, 0xc1}, std::vector<u8>{0xf3, 0x0f, 0xd6, 0xc1}}) {
        MmxFixture m;
        m.cpu.state().cr4 &= ~cr4::OSFXSR;
        m.expect_fault(code, Vector::UD);
    }
}

// An MMX write sets TOP to 0, tags everything valid and the written register's exponent
// to all ones; the other registers keep their x87 contents. EMMS empties the tags only.
TEST(X86Mmx, Write_SetsTopTagsAndExponent) {
    MmxFixture m;
    m.reg(Reg::Rax) = 0x1234'5678;
    // fninit; fld1 (R7 = 1.0, TOP = 7); movd mm2, eax
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0xe8, 0x0f, 0x6e, 0xd0}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().fsw & kFswTop, 0u);
    EXPECT_EQ(m.fpu().ftw, 0xff);
    EXPECT_EQ(m.fpu().st[2].mantissa, 0x1234'5678u);
    EXPECT_EQ(m.fpu().st[2].sign_exp, 0xffff);
    EXPECT_EQ(m.fpu().st[7].mantissa, u64{1} << 63) << "R7 still holds 1.0";
    EXPECT_EQ(m.fpu().st[7].sign_exp, 0x3fff);
}

TEST(X86Mmx, Emms_EmptiesTagsOnly) {
    MmxFixture m;
    m.reg(Reg::Rax) = 0x1234'5678;
    // fninit; fld1; movd mm2, eax; emms
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0xe8, 0x0f, 0x6e, 0xd0, 0x0f, 0x77}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().ftw, 0);
    EXPECT_EQ(m.fpu().fsw & kFswTop, 0u) << "EMMS leaves TOP at 0";
    EXPECT_EQ(m.fpu().st[2].mantissa, 0x1234'5678u) << "EMMS leaves the registers";
    EXPECT_EQ(m.fpu().st[2].sign_exp, 0xffff);
}

// The x87 value 1.0 in R7, read as MM7 (the significand, whatever TOP is); a read writes
// no exponent. A store to memory switches to MMX use all the same.
TEST(X86Mmx, ReadsX87Significand) {
    MmxFixture m;
    // fninit; fld1; movq rax, mm7; movq [rbx], mm7
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0xe8, 0x48, 0x0f, 0x7e, 0xf8, 0x0f, 0x7f, 0x3b}).kind, EventKind::Halt);
    EXPECT_EQ(m.reg(Reg::Rax), u64{1} << 63);
    EXPECT_EQ(m.peek(kData, 8), u64{1} << 63);
    EXPECT_EQ(m.fpu().st[7].sign_exp, 0x3fff);
    EXPECT_EQ(m.fpu().ftw, 0xff);
    EXPECT_EQ(m.fpu().fsw & kFswTop, 0u);
}

// FXSAVE after MMX code shows MMi in ST(i) (TOP is 0) with the all-ones exponent.
TEST(X86Mmx, FxsaveAfterMmx_RegistersInStackSlots) {
    MmxFixture m;
    m.reg(Reg::Rax) = 0x8899'aabb'ccdd'eeff;
    m.reg(Reg::Rdi) = 0x3000;
    // fninit; fld1; movq mm3, rax; fxsave [rdi]
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0xe8, 0x48, 0x0f, 0x6e, 0xd8, 0x0f, 0xae, 0x07}).kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x3000 + 2, 2) & kFswTop, 0u);
    EXPECT_EQ(m.peek(0x3000 + 4, 1), 0xffu);
    EXPECT_EQ(m.peek(0x3000 + 32 + 16 * 3, 8), 0x8899'aabb'ccdd'eeffu);
    EXPECT_EQ(m.peek(0x3000 + 40 + 16 * 3, 2), 0xffffu);
    EXPECT_EQ(m.peek(0x3000 + 32 + 16 * 7, 8), u64{1} << 63);
}

// A fault on the memory operand leaves the x87 state as it was (no switch to MMX use).
TEST(X86Mmx, MemoryFault_NoTransition) {
    MmxFixture m;
    m.fpu().fsw = 3u << 11;
    m.reg(Reg::Rbx) = 0x8000'0000'0000'0000;  // non-canonical
    m.expect_fault({0x0f, 0xfc, 0x03}, Vector::GP);  // paddb mm0, [rbx]
}

// 66, F2 and F3 select other instructions (66 0F FC is PADDD xmm) or are reserved with
// MMX ones: #UD, as on AMD processors.
TEST(X86Mmx, StrayMandatoryPrefix_InvalidOpcode) {
    const std::vector<std::vector<u8>> codes = {{0xf2, 0x0f, 0xfc, 0xc1}, {0xf3, 0x0f, 0xfc, 0xc1},
                                                {0x66, 0x0f, 0x77},       {0xf3, 0x0f, 0x77},
                                                {0xf2, 0x0f, 0x6f, 0xc1}, {0xf3, 0x0f, 0x38, 0x00, 0xc1}};
    for (const auto& code : codes) {
        MmxFixture m;
        m.cpu.state().cr0 |= cr0::TS;  // the invalid encoding comes before #NM
        m.expect_fault(code, Vector::UD);
    }
}

// MMX registers have three-bit numbers: REX.R and REX.B do not extend them.
TEST(X86Mmx, RexExtensions_Ignored) {
    MmxFixture m;
    m.fpu().st[0].mantissa = 0x0101;
    m.fpu().st[1].mantissa = 0x0202;
    ASSERT_EQ(m.run_code({0x45, 0x0f, 0xfc, 0xc1}).kind, EventKind::Halt);  // paddb mm0, mm1 with REX.RB
    EXPECT_EQ(m.fpu().st[0].mantissa, 0x0303u);
}

// The operations whose 64-bit form is not the low half of the 128-bit one. mm0 op= mm1.
struct MmxOpCase {
    std::string name;
    std::vector<u8> code;
    u64 mm0, mm1, want;
};

class MmxOpTable : public testing::TestWithParam<MmxOpCase> {};

TEST_P(MmxOpTable, Run_MatchesExpectedValue) {
    const MmxOpCase& c = GetParam();
    MmxFixture m;
    m.fpu().st[0].mantissa = c.mm0;
    m.fpu().st[1].mantissa = c.mm1;
    ASSERT_EQ(m.run_code(c.code).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().st[0].mantissa, c.want) << std::hex << "got 0x" << m.fpu().st[0].mantissa;
}

INSTANTIATE_TEST_SUITE_P(
    X86Mmx, MmxOpTable,
    testing::Values(
        MmxOpCase{"Punpckhbw", {0x0f, 0x68, 0xc1}, 0x7766554433221100, 0xffeeddccbbaa9988, 0xff77ee66dd55cc44},
        MmxOpCase{"Punpckldq", {0x0f, 0x62, 0xc1}, 0x7766554433221100, 0xffeeddccbbaa9988, 0xbbaa998833221100},
        // Words saturate to signed bytes: 0x0100 -> 0x7f, 0xff7f -> 0x80; destination first.
        MmxOpCase{"Packsswb", {0x0f, 0x63, 0xc1}, 0xff80'7fff'0100'0005, 0x8000'0001'ff7f'0080, 0x8001807f'807f7f05},
        MmxOpCase{"Packssdw", {0x0f, 0x6b, 0xc1}, 0x00010000'fffffffe, 0x80000000'00007fff, 0x80007fff'7ffffffe},
        MmxOpCase{"Phaddw", {0x0f, 0x38, 0x01, 0xc1}, 0x0004'0003'0002'0001, 0xffff'0001'8000'8000,
                  0x0000'0000'0007'0003},
        MmxOpCase{"Phsubd", {0x0f, 0x38, 0x06, 0xc1}, 0x00000001'00000005, 0x00000010'00000003, 0xfffffff3'00000004},
        // Index bits 2:0 select (0x0f -> byte 7), bit 7 clears.
        MmxOpCase{"Pshufb", {0x0f, 0x38, 0x00, 0xc1}, 0x8877665544332211, 0x0001020380090f08, 0x1122334400228811},
        MmxOpCase{"Palignr3", {0x0f, 0x3a, 0x0f, 0xc1, 0x03}, 0x8877665544332211, 0xffeeddccbbaa9988,
                  0x332211ffeeddccbb},
        MmxOpCase{"Pshufw", {0x0f, 0x70, 0xc1, 0x1b}, 0, 0x4444'3333'2222'1111, 0x1111'2222'3333'4444},
        MmxOpCase{"PsrlqBy8", {0x0f, 0x73, 0xd0, 0x08}, 0x8877665544332211, 0, 0x0088776655443322}),
    [](const testing::TestParamInfo<MmxOpCase>& i) { return i.param.name; });

}  // namespace
}  // namespace flint::x86::test
