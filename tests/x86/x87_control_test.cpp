// The x87 control instructions (exec_x87.cpp, exec_x87_env.cpp): what an OS runs to
// initialise and inspect the FPU, and the #NM rules of CR0.EM/TS/MP.
#include "x87_test_util.h"

namespace flint::x86::test {
namespace {

TEST(X86X87Control, Fninit_ResetsControlStatusAndTags) {
    X87Fixture m;
    m.fpu().fcw = 0x0000;
    m.fpu().fsw = 0x38ff;
    m.fpu().ftw = 0xff;
    ASSERT_EQ(m.run_code({0xdb, 0xe3}).kind, EventKind::Halt);  // fninit
    EXPECT_EQ(m.fpu().fcw, 0x037f);
    EXPECT_EQ(m.fpu().fsw, 0);
    EXPECT_EQ(m.fpu().ftw, 0);
}

TEST(X86X87Control, FldcwFnstcw_RoundTripWithReservedBits) {
    X87Fixture m;
    m.poke(0x2000, 2, 0xffff);
    m.reg(Reg::Rbx) = 0x2000;
    // fldcw [rbx]; fnstcw [rbx+2]
    ASSERT_EQ(m.run_code({0xd9, 0x2b, 0xd9, 0x7b, 0x02}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().fcw, 0x1f7f);
    EXPECT_EQ(m.peek(0x2002, 2), 0x1f7fu);
}

TEST(X86X87Control, FnstswAx_ReportsTopAndFlags) {
    X87Fixture m;
    // fninit; fld1; fldz; fnstsw ax
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xee, 0xdf, 0xe0}).kind, EventKind::Halt);
    EXPECT_EQ(m.reg(Reg::Rax) & 0xffff, 6u << 11);  // TOP = 6 after two pushes
    EXPECT_EQ(m.fpu().ftw, 0xc0);                       // R6 and R7 in use
    EXPECT_EQ(m.fpu().st[7].sign_exp, 0x3fff);          // 1.0
    EXPECT_EQ(m.fpu().st[7].mantissa, u64{1} << 63);
    EXPECT_EQ(m.fpu().st[6].mantissa, 0u);              // +0.0
}

TEST(X86X87Control, FstpToSelf_PopsTheStack) {
    X87Fixture m;
    // fninit; fld1; fstp st(0); fnstsw [rbx]
    m.reg(Reg::Rbx) = 0x2000;
    ASSERT_EQ(m.run_code({0xdb, 0xe3, 0xd9, 0xe8, 0xdd, 0xd8, 0xdd, 0x3b}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().ftw, 0);
    EXPECT_EQ(m.peek(0x2000, 2), 0u);
}

TEST(X86X87Control, Fnclex_ClearsExceptionFlagsOnly) {
    X87Fixture m;
    m.fpu().fsw = static_cast<u16>(0x3800 | 0x00bf);
    ASSERT_EQ(m.run_code({0xdb, 0xe2}).kind, EventKind::Halt);
    EXPECT_EQ(m.fpu().fsw, 0x3800);
}

TEST(X86X87Control, EmulationOrTaskSwitched_DeviceNotAvailable) {
    for (const u64 bit : {cr0::EM, cr0::TS}) {
        X87Fixture m;
        m.cpu.state().cr0 |= bit;
        const Event e = m.run_code({0xdb, 0xe3});
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(e.vector, Vector::NM);
        EXPECT_FALSE(e.has_error_code);
    }
}

TEST(X86X87Control, Fwait_FaultsOnlyWithMonitorAndTaskSwitched) {
    X87Fixture ts_only;
    ts_only.cpu.state().cr0 |= cr0::TS;
    EXPECT_EQ(ts_only.run_code({0x9b}).kind, EventKind::Halt);
    X87Fixture both;
    both.cpu.state().cr0 |= cr0::TS | cr0::MP;
    const Event e = both.run_code({0x9b});
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::NM);
}

TEST(X86X87Control, ReservedEncodings_Undefined) {
    for (const u8 modrm : {u8{0xd1}, u8{0xe2}, u8{0xef}}) {
        X87Fixture m;
        const Event e = m.run_code({0xd9, modrm});
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(e.vector, Vector::UD);
    }
}

}  // namespace
}  // namespace flint::x86::test
