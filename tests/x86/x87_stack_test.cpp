// What the differential test cannot reach: x87 stack faults with their masked and unmasked
// responses, #MF delivery under CR0.NE, #NM, and the FNSTENV/FNSAVE layouts and their
// round trips through FLDENV/FRSTOR (the host harness runs in 64-bit user mode only).
#include "x87_test_util.h"

namespace flint::x86::test {
namespace {

constexpr u16 kIE = 0x01, kSF = 0x40, kES = 0x80, kC1 = 0x200, kB = 0x8000;
constexpr X87Reg kOne{u64{1} << 63, 0x3fff};
constexpr X87Reg kIndefinite{u64{0xc} << 60, 0xffff};

TEST(X86X87Stack, Arithmetic_AddsOnTheHost) {
    X87Fixture m;
    // fld1; fld1; faddp st(1), st; fld1; fcomip st, st(1)  -> 2.0 > 1.0: CF = ZF = 0
    ASSERT_EQ(m.run_code({0xd9, 0xe8, 0xd9, 0xe8, 0xde, 0xc1, 0xd9, 0xe8, 0xdf, 0xf1}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().st_reg(0), (X87Reg{u64{1} << 63, 0x4000}));
    EXPECT_EQ(m.fpu().top(), 7u);
    EXPECT_EQ(m.fpu().ftw, 0x80);
    EXPECT_TRUE(m.cpu.flags().cf());
    EXPECT_FALSE(m.cpu.flags().zf());
}

TEST(X86X87Stack, Overflow_MaskedLoadsIndefinite) {
    X87Fixture m;
    std::vector<u8> code;
    for (int i = 0; i < 9; ++i) code.insert(code.end(), {0xd9, 0xe8});  // nine FLD1
    ASSERT_EQ(m.run_code(code).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().fsw & (kIE | kSF | kC1), kIE | kSF | kC1);
    EXPECT_EQ(m.fpu().fsw & kES, 0);
    EXPECT_EQ(m.fpu().top(), 7u);  // eight pushes wrapped around, the ninth one too
    EXPECT_EQ(m.fpu().st_reg(0), kIndefinite);
    EXPECT_EQ(m.fpu().ftw, 0xff);
}

TEST(X86X87Stack, Underflow_MaskedStoresIndefinite) {
    X87Fixture m;
    m.reg(Reg::Rbx) = 0x2000;
    // fstp dword [rbx] from an empty stack: IE, SF, C1 = 0, the float indefinite stored
    ASSERT_EQ(m.run_code({0xd9, 0x1b}).kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2000, 4), 0xffc00000u);
    EXPECT_EQ(m.fpu().fsw & (kIE | kSF | kC1), kIE | kSF);
}

TEST(X86X87Stack, UnmaskedUnderflow_LeavesStackThenRaisesMf) {
    X87Fixture m;
    m.cpu.state().cr0 |= cr0::NE;
    m.fpu().fcw = 0x037e;  // IE unmasked
    m.fpu().st[7] = kOne;
    m.fpu().ftw = 0x80;  // ST(0) = 1.0, ST(1) empty
    m.fpu().set_top(7);
    // fadd st, st(1): stack underflow, unmasked -> nothing changes but FSW
    m.load(kCodeAddr, {0xd8, 0xc1, 0xd8, 0xc1});
    ASSERT_EQ(m.cpu.step().kind, EventKind::None);
    EXPECT_EQ(m.fpu().fsw & (kIE | kSF | kES | kB | kC1), kIE | kSF | kES | kB);
    EXPECT_EQ(m.fpu().st_reg(0), kOne);
    EXPECT_EQ(m.fpu().top(), 7u);
    // The next waiting instruction takes #MF before doing anything.
    const Event e = m.cpu.step();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::MF);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 2);
}

// The case guest program x87_test checks and QEMU TCG gets wrong (it completes the FDIVP
// and pops): an unmasked divide by zero leaves both operands and TOP as they were.
TEST(X86X87Stack, UnmaskedZeroDivide_PoppingFormNeitherStoresNorPops) {
    X87Fixture m;
    m.cpu.state().cr0 |= cr0::NE;
    constexpr u16 kZE = 0x04;
    // fninit; fldcw [rbx] (ZE unmasked); fldz; fld1; fdivrp st(1), st: ST(0) / 0
    m.reg(Reg::Rbx) = 0x2000;
    m.load(0x2000, {0x7b, 0x03});
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0x2b, 0xd9, 0xee, 0xd9, 0xe8, 0xde, 0xf1}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().fsw & (kZE | kES | kB), kZE | kES | kB);
    EXPECT_EQ(m.fpu().top(), 6u);
    EXPECT_EQ(m.fpu().st_reg(0), kOne);
    EXPECT_EQ(m.fpu().st_reg(1), (X87Reg{0, 0}));
}

TEST(X86X87Stack, PendingException_NoWaitFormsAndLegacyMode) {
    X87Fixture m;
    m.cpu.state().cr0 |= cr0::NE;
    m.fpu().fcw = 0x037e;
    m.fpu().fsw = kIE | kES | kB;
    // fnstsw ax and fnclex never wait; after FNCLEX, FWAIT passes.
    ASSERT_EQ(m.run_code({0xdf, 0xe0, 0xdb, 0xe2, 0x9b}).kind, EventKind::Halt);
    EXPECT_EQ(m.reg(Reg::Rax) & 0xffff, u64{kIE | kES | kB});
    X87Fixture legacy;  // CR0.NE clear: the error would go to FERR#; execution continues
    legacy.fpu().fcw = 0x037e;
    legacy.fpu().fsw = kIE | kES | kB;
    EXPECT_EQ(legacy.run_code({0x9b, 0xd9, 0xe8}).kind, EventKind::Halt);
    X87Fixture wait;
    wait.cpu.state().cr0 |= cr0::NE;
    wait.fpu().fcw = 0x037e;
    wait.fpu().fsw = kIE | kES | kB;
    const Event e = wait.run_code({0x9b});
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::MF);
}

TEST(X86X87Stack, FldcwUnmaskingASetFlag_MakesItPending) {
    X87Fixture m;
    m.cpu.state().cr0 |= cr0::NE;
    m.fpu().fsw = 0x04;  // ZE set while masked: nothing pending
    m.reg(Reg::Rbx) = 0x2000;
    m.poke(0x2000, 2, 0x037b);  // ZM cleared
    m.load(kCodeAddr, {0xd9, 0x2b, 0xd9, 0xd0});  // fldcw [rbx]; fnop
    ASSERT_EQ(m.cpu.step().kind, EventKind::None);
    EXPECT_EQ(m.fpu().fsw, 0x04 | kES | kB);
    const Event e = m.cpu.step();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::MF);
}

TEST(X86X87Stack, EmulationOrTaskSwitched_ArithmeticRaisesNm) {
    for (const u64 bit : {cr0::EM, cr0::TS}) {
        X87Fixture m;
        m.cpu.state().cr0 |= bit;
        const Event e = m.run_code({0xd8, 0xc1});
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(e.vector, Vector::NM);
    }
}

TEST(X86X87Stack, Fnstenv32_ProtectedLayoutThenMasks) {
    X87Fixture m;
    m.reg(Reg::Rbx) = 0x2000;
    // fldcw [rbx+0x100] (0x0360: all unmasked but PM); fld1; fnstenv [rbx]
    m.poke(0x2100, 2, 0x0360);
    ASSERT_EQ(m.run_code({0xd9, 0xab, 0x00, 0x01, 0x00, 0x00, 0xd9, 0xe8, 0xd9, 0x33}).kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2000, 2), 0x0360u);        // FCW as it was
    EXPECT_EQ(m.peek(0x2004, 2), 7u << 11);       // FSW: TOP = 7
    EXPECT_EQ(m.peek(0x2008, 2), 0x3fffu);        // R7 valid (00), the rest empty
    EXPECT_EQ(m.peek(0x200c, 4), kCodeAddr + 6);  // FIP: the FLD1
    EXPECT_EQ(m.peek(0x2010, 4) >> 16, 0x1e8u);   // FOP: D9 E8
    EXPECT_EQ(m.fpu().fcw, 0x037f);               // then every exception masked
}

TEST(X86X87Stack, Fnsave16_LayoutRegistersAndReinit) {
    X87Fixture m;
    m.reg(Reg::Rbx) = 0x2000;
    // fldz; fld1; 66 fnsave [rbx]: 14-byte environment, then ST(0) = 1.0, ST(1) = 0.0
    ASSERT_EQ(m.run_code({0xd9, 0xee, 0xd9, 0xe8, 0x66, 0xdd, 0x33}).kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2002, 2), 6u << 11);
    EXPECT_EQ(m.peek(0x2004, 2), 0x4fffu);  // R6 valid (00), R7 zero (01)
    EXPECT_EQ(m.peek(0x200e, 8), kOne.mantissa);
    EXPECT_EQ(m.peek(0x2016, 2), kOne.sign_exp);
    EXPECT_EQ(m.peek(0x2018, 8), 0u);
    EXPECT_EQ(m.fpu().fcw, 0x037f);
    EXPECT_EQ(m.fpu().fsw, 0);
    EXPECT_EQ(m.fpu().ftw, 0);
}

TEST(X86X87Stack, FnsaveReal_LinearPointersAndOpcode) {
    X87Fixture m(CpuMode::Real);
    m.reg(Reg::Rbx) = 0x2000;
    // In real mode (16-bit code) FNSAVE stores FIP as a linear address with FOP beside it.
    ASSERT_EQ(m.run_code({0xd9, 0xe8, 0xdd, 0x37}).kind, EventKind::Halt);  // fld1; fnsave [bx]
    EXPECT_EQ(m.peek(0x2006, 2), kCodeAddr & 0xffff);
    EXPECT_EQ(m.peek(0x2008, 2), 0x1e8u | ((kCodeAddr >> 16) << 12));
}

TEST(X86X87Stack, FrstorFnsave_RoundTrip) {
    X87Fixture m;
    m.reg(Reg::Rbx) = 0x2000;
    // A 108-byte image: FCW, FSW with TOP = 3 and a pending unmasked ZE, a tag word with
    // R3 and R4 valid, registers ST(0)-ST(7).
    m.poke(0x2000, 2, 0x037b);  // ZE unmasked
    m.poke(0x2004, 2, (3u << 11) | 0x04);
    m.poke(0x2008, 2, 0xfc3f);  // R3 = 00, R4 = 00, the rest 11
    for (unsigned i = 0; i < 8; ++i) {
        m.poke(0x201c + 10 * i, 8, 0x8000000000000000u | i);
        m.poke(0x2024 + 10 * i, 2, 0x3fff + i);
    }
    // frstor [rbx]; fnsave [rbx+0x100]
    ASSERT_EQ(m.run_code({0xdd, 0x23, 0xdd, 0xb3, 0x00, 0x01, 0x00, 0x00}).kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2100, 2), 0x037bu);
    EXPECT_EQ(m.peek(0x2104, 2), (3u << 11) | 0x04u | kES | kB);  // FRSTOR recomputes ES and B
    EXPECT_EQ(m.peek(0x2108, 2), 0xfc3fu);
    for (unsigned i = 0; i < 8; ++i) {
        EXPECT_EQ(m.peek(0x211c + 10 * i, 8), 0x8000000000000000u | i);
        EXPECT_EQ(m.peek(0x2124 + 10 * i, 2), 0x3fffu + i);
    }
}

TEST(X86X87Stack, FldenvFnstenv_RoundTripAndTags) {
    X87Fixture m;
    m.reg(Reg::Rbx) = 0x2000;
    m.fpu().st[0] = X87Reg{0, 0};            // zero: 01
    m.fpu().st[1] = X87Reg{1, 0};            // denormal: 10
    m.fpu().st[2] = X87Reg{u64{1} << 62, 0x3fff};  // unnormal: 10
    m.fpu().st[3] = kOne;                     // valid: 00
    m.fpu().ftw = 0x0f;
    // fnstenv [rbx]; fldenv [rbx]; fnstenv [rbx+0x40]
    ASSERT_EQ(m.run_code({0xd9, 0x33, 0xd9, 0x23, 0xd9, 0x73, 0x40}).kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2008, 2), 0xff29u);
    for (unsigned off = 4; off < 28; off += 4) EXPECT_EQ(m.peek(0x2000 + off, 4), m.peek(0x2040 + off, 4)) << off;
    EXPECT_EQ(m.fpu().ftw, 0x0f);
}

}  // namespace
}  // namespace flint::x86::test
