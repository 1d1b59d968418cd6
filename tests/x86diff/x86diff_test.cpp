// Tests of the harness itself: a differential tester that cannot fail proves nothing, so
// these check that it sees faults, lands branches where they went, masks only what is
// undefined, and reports a deliberately wrong emulator result.
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>

#include "compare.h"
#include "encoder.h"
#include "generator.h"
#include "layout.h"
#include "native_runner.h"
#include "stub.h"
#include "undefined_flags.h"

namespace flint::x86diff {
namespace {

Case make_case(std::initializer_list<u8> bytes) {
    Case c;
    for (u8 b : bytes) c.bytes[c.len++] = b;
    c.gpr[4] = kDataBase + 0x800;  // a usable stack
    c.data_seed = 42;
    return c;
}

Outcome run_native(const Case& c) {
    auto runner = NativeRunner::create();
    EXPECT_TRUE(runner.has_value());
    Outcome o;
    EXPECT_TRUE((*runner)->run({&c, 1}, {&o, 1}).has_value());
    return o;
}

TEST(NativeRunner, Add_ComputesResultFlagsAndLandsAfterTheInstruction) {
    Case c = make_case({0x01, 0xc8});  // add eax, ecx
    c.gpr[0] = 0xffffffff00000001;
    c.gpr[1] = 0xffffffff;
    const Outcome o = run_native(c);
    ASSERT_EQ(o.end, EndKind::Completed);
    EXPECT_EQ(o.rip_offset, 2);
    EXPECT_EQ(o.gpr[0], 0u);  // 32-bit result, upper half cleared
    EXPECT_EQ(o.rflags & (kFlagCF | kFlagZF), kFlagCF | kFlagZF);
}

TEST(NativeRunner, VectorRegistersAndMxcsr_AreLoadedAndStored) {
    Case c = make_case({0x66, 0x45, 0x0f, 0xfe, 0xf9});  // paddd xmm15, xmm9
    for (unsigned x = 0; x < kXmms; ++x) c.xmm[x] = {0x0101010101010101u * x, ~u64{x}};
    c.mxcsr = 0x7f80;  // round toward zero
    const Outcome o = run_native(c);
    ASSERT_EQ(o.end, EndKind::Completed);
    EXPECT_EQ(o.xmm[15][0], 0x0101010101010101u * 15 + 0x0101010101010101u * 9) << "dword lanes, no carries";
    EXPECT_EQ(o.xmm[3], c.xmm[3]);
    EXPECT_EQ(o.mxcsr, 0x7f80u);
}

TEST(NativeRunner, UnmaskedSimdException_IsReportedAsXmWithTheFlag) {
    Case c = make_case({0xf3, 0x0f, 0x5e, 0xc1});  // divss xmm0, xmm1
    c.xmm[0] = {0x3f800000, 0};  // 1.0f
    c.xmm[1] = {0, 0};
    c.mxcsr = 0x1f80 & ~(1u << 9);  // divide-by-zero unmasked
    const Outcome o = run_native(c);
    ASSERT_EQ(o.end, EndKind::Fault);
    EXPECT_EQ(o.fault, FaultClass::SimdFp);
    EXPECT_EQ(o.xmm[0][0], 0x3f800000u) << "the destination is not written";
    EXPECT_EQ(o.mxcsr & 0x3f, 1u << 2);
}

TEST(NativeRunner, X87State_IsLoadedAndStored) {
    Case c = make_case({0xde, 0xc1});  // faddp st(1), st
    c.x87.fsw = 6u << 11;              // TOP = 6: ST(0) = R6, ST(1) = R7
    c.x87.ftw = 0xc0;
    c.x87.st[0] = {u64{1} << 63, 0x3fff};  // 1.0
    c.x87.st[1] = {u64{3} << 62, 0x4000};  // 3.0
    c.x87.fcw = 0x0c7f;                    // round toward zero
    const Outcome o = run_native(c);
    ASSERT_EQ(o.end, EndKind::Completed);
    EXPECT_EQ(o.x87.fsw & 0x3800, 7u << 11);
    EXPECT_EQ(o.x87.ftw, 0x80);
    EXPECT_EQ(o.x87.st[0], (X87Reg80{u64{1} << 63, 0x4001}));  // 4.0
    EXPECT_EQ(o.x87.fcw, 0x0c7f);
}

TEST(NativeRunner, PendingX87Exception_IsReportedAsMfBeforeTheInstruction) {
    Case c = make_case({0xd9, 0xe8});  // fld1
    c.x87.fcw = 0x037b;                 // divide-by-zero unmasked
    c.x87.fsw = 0x8084;                 // ... and pending: ZE, ES, B
    const Outcome o = run_native(c);
    ASSERT_EQ(o.end, EndKind::Fault);
    EXPECT_EQ(o.fault, FaultClass::X87Fp);
    EXPECT_EQ(o.rip_offset, 0);
    EXPECT_EQ(o.x87.ftw, 0) << "nothing was loaded";
}

TEST(NativeRunner, DivideByZero_IsReportedAsDivideFaultAtTheInstruction) {
    Case c = make_case({0xf7, 0xf1});  // div ecx
    c.gpr[1] = 0;
    const Outcome o = run_native(c);
    EXPECT_EQ(o.end, EndKind::Fault);
    EXPECT_EQ(o.fault, FaultClass::Divide);
    EXPECT_EQ(o.vector, 0);
    EXPECT_EQ(o.rip_offset, 0);
}

TEST(NativeRunner, Ud2AndGuardPageStore_FaultWithTheirClasses) {
    EXPECT_EQ(run_native(make_case({0x0f, 0x0b})).fault, FaultClass::Invalid);
    Case c = make_case({0x89, 0x08});  // mov [rax], ecx
    c.gpr[0] = kDataBase + kDataSize + 16;
    const Outcome o = run_native(c);
    EXPECT_EQ(o.fault, FaultClass::Memory);
    EXPECT_EQ(o.data.changed, 0u);
}

TEST(NativeRunner, HarnessSurvivesAFaultAndRunsTheNextCase) {
    auto runner = NativeRunner::create();
    ASSERT_TRUE(runner.has_value());
    Case cases[2] = {make_case({0x0f, 0x0b}), make_case({0x90})};
    Outcome out[2];
    ASSERT_TRUE((*runner)->run(cases, out).has_value());
    EXPECT_EQ(out[0].fault, FaultClass::Invalid);
    EXPECT_EQ(out[1].end, EndKind::Completed);
    EXPECT_EQ(out[1].rip_offset, 1);
}

TEST(NativeRunner, CaseThatBreaksTheStub_IsAHarnessErrorAndTheChildRestarts) {
    auto runner = NativeRunner::create();
    ASSERT_TRUE(runner.has_value());
    // mov [rax], rcx with rax at the saved host stack pointer: the epilogue cannot return.
    Case breaker = make_case({0x48, 0x89, 0x08});
    breaker.gpr[0] = kStateAddr + offsetof(StateBlock, host_rsp);
    breaker.gpr[1] = 0;
    Case cases[3] = {make_case({0x90}), breaker, make_case({0x90})};
    Outcome out[3];
    ASSERT_TRUE((*runner)->run(cases, out).has_value());
    EXPECT_EQ(out[0].end, EndKind::Completed);
    EXPECT_EQ(out[1].end, EndKind::HarnessError);
    EXPECT_EQ(out[2].end, EndKind::Completed);
    EXPECT_EQ((*runner)->restarts(), 1u);
}

TEST(NativeRunner, Branches_LandOnTheChosenPad) {
    EXPECT_EQ(run_native(make_case({0xeb, 0x20})).rip_offset, 2 + 0x20);  // jmp forward
    const i8 back = static_cast<i8>(-16 - 2);
    EXPECT_EQ(run_native(make_case({0xeb, static_cast<u8>(back)})).rip_offset, -16);
    Case jz = make_case({0x74, 0x10});  // jz +16
    jz.flags = 0;
    EXPECT_EQ(run_native(jz).rip_offset, 2);
    jz.flags = kFlagZF;
    EXPECT_EQ(run_native(jz).rip_offset, 2 + 0x10);
}

TEST(NativeRunner, StoreIntoDataArea_ShowsInTheDataDelta) {
    Case c = make_case({0x89, 0x08});  // mov [rax], ecx
    c.gpr[0] = kDataBase + 0x100;
    c.gpr[1] = 0x11223344;
    c.pokes[0] = Poke{0x100, 4, 0};
    c.poke_count = 1;
    const Outcome o = run_native(c);
    ASSERT_EQ(o.end, EndKind::Completed);
    ASSERT_EQ(o.data.changed, 4u);
    EXPECT_EQ(o.data.offset[0], 0x100);
    EXPECT_EQ(o.data.value[0], 0x44);
}

TEST(UndefinedFlags, Table_MasksWhatTheManualLeavesUndefined) {
    EXPECT_EQ(undefined_effects("MUL", 4, 0).flags, kFlagSF | kFlagZF | kFlagAF | kFlagPF);
    EXPECT_EQ(undefined_effects("DIV", 8, 0).flags, kStatusFlags);
    EXPECT_EQ(undefined_effects("BSF", 4, 0).flags, kStatusFlags & ~kFlagZF);
    EXPECT_EQ(undefined_effects("BT", 2, 0).flags, kFlagOF | kFlagSF | kFlagAF | kFlagPF);
    EXPECT_EQ(undefined_effects("SHL", 4, 0).flags, 0u);      // count 0: nothing changes
    EXPECT_EQ(undefined_effects("SHL", 4, 32).flags, 0u);     // masked to 0
    EXPECT_EQ(undefined_effects("SHL", 4, 1).flags, kFlagAF);
    EXPECT_EQ(undefined_effects("SHR", 4, 2).flags, kFlagAF | kFlagOF);
    EXPECT_EQ(undefined_effects("SHL", 1, 9).flags, kFlagAF | kFlagOF | kFlagCF);
    EXPECT_EQ(undefined_effects("ROL", 8, 1).flags, 0u);
    EXPECT_EQ(undefined_effects("RCR", 8, 3).flags, kFlagOF);
    EXPECT_TRUE(undefined_effects("SHLD", 2, 17).destination);
    EXPECT_FALSE(undefined_effects("SHLD", 4, 17).destination);
    EXPECT_EQ(undefined_effects("ADD", 4, 0).flags, 0u);
}

TEST(Compare, PlantedDifferences_AreReportedAndUndefinedOnesAreNot) {
    Case c = make_case({0xf7, 0xe1});  // mul ecx
    c.gpr[0] = 3, c.gpr[1] = 5;
    c.undef_flags = undefined_effects("MUL", 4, 0).flags;
    const Outcome host = run_native(c);
    ASSERT_EQ(host.end, EndKind::Completed);
    ASSERT_EQ(host.gpr[0], 15u);

    EXPECT_EQ(judge(c, host, host, false), Verdict::Pass);
    Outcome emu = host;
    emu.gpr[2] ^= 1;  // rdx
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Fail);
    EXPECT_NE(describe(c, host, emu, "MUL").find("rdx"), std::string::npos);
    emu = host;
    emu.rflags ^= kFlagZF;  // undefined after MUL
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Pass);
    emu.rflags ^= kFlagCF;  // defined
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Fail);
    emu = host;
    emu.data.changed = 1, emu.data.hash = 7;
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Fail);
    emu = host;
    emu.rip_offset += 1;
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Fail);
    for (auto plant : {+[](X87State& x) { x.fsw ^= 0x4000; }, +[](X87State& x) { x.ftw ^= 1; },
                       +[](X87State& x) { x.st[7].mantissa ^= 1; }, +[](X87State& x) { x.fcw ^= 0x400; }}) {
        emu = host;
        plant(emu.x87);  // C3, a tag, an empty register's bits, the rounding control
        EXPECT_EQ(judge(c, host, emu, false), Verdict::Fail);
    }
}

TEST(Compare, EmulatorUd_FailsUnlessListedAsUnimplemented) {
    const Case c = make_case({0x90});
    Outcome host;
    host.end = EndKind::Completed;
    host.rip_offset = 1;
    Outcome emu;
    emu.end = EndKind::Fault;
    emu.fault = FaultClass::Invalid;
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Fail);
    EXPECT_EQ(judge(c, host, emu, true), Verdict::Unimplemented);
    host = emu;  // both #UD: a match, listed or not
    EXPECT_EQ(judge(c, host, emu, false), Verdict::Pass);
}

TEST(Encoder, SpecialBaseRegisters_GetTheirSibAndDisplacement) {
    std::array<u8, 15> out{};
    Encoding e;
    e.has_modrm = true, e.opcode = 0x8b, e.reg = 0, e.kind = AddrKind::Base, e.base = 12;
    ASSERT_EQ(e.layout(), 4u);  // 41 8b 04 24: mov eax, [r12]
    e.emit(out);
    EXPECT_EQ(out[0], 0x41);
    EXPECT_EQ(out[2], 0x04);
    EXPECT_EQ(out[3], 0x24);
    e.base = 13;  // [r13] has no mod-0 form: 41 8b 45 00
    ASSERT_EQ(e.layout(), 4u);
    e.emit(out);
    EXPECT_EQ(out[2], 0x45);
    EXPECT_EQ(out[3], 0x00);
    e.kind = AddrKind::RipRel, e.disp = 0x10;  // 8b 05 10 00 00 00
    ASSERT_EQ(e.layout(), 6u);
    e.emit(out);
    EXPECT_EQ(out[0], 0x8b);
    EXPECT_EQ(out[1], 0x05);
    EXPECT_EQ(out[2], 0x10);
}

TEST(Generator, Cases_AreReproducibleAndRunWithoutHarnessErrors) {
    const Generator gen(7, "");
    std::vector<Case> cases;
    for (u64 i = 0; i < 4000; ++i) {
        const Case a = gen.make(i), b = gen.make(i);
        ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "index " << i;
        ASSERT_GT(a.len, 0u);
        cases.push_back(a);
    }
    auto runner = NativeRunner::create();
    ASSERT_TRUE(runner.has_value());
    std::vector<Outcome> out(cases.size());
    ASSERT_TRUE((*runner)->run(cases, out).has_value());
    unsigned completed = 0;
    for (const Outcome& o : out) {
        EXPECT_NE(o.end, EndKind::HarnessError);
        completed += o.end == EndKind::Completed;
    }
    EXPECT_GT(completed, cases.size() / 2);  // most generated cases must really execute
}

TEST(Generator, Filter_SelectsMnemonicsCaseInsensitively) {
    EXPECT_TRUE(mnemonic_matches("add,shl", "SHL"));
    EXPECT_FALSE(mnemonic_matches("add", "ADC"));
    EXPECT_GT(Generator(1, "jne").row_count(), 1u);  // rel8 and rel32
}

}  // namespace
}  // namespace flint::x86diff
