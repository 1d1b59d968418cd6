// System instructions: RDMSR/WRMSR round trips and #GP on unknown MSRs, the MSR
// delegate, SYSCALL/SYSRET round trip, privileged instructions at CPL 3, control-register
// checks, SWAPGS, LGDT/SGDT.
#include "long_mode_util.h"
#include "x86/msr.h"

namespace flint::x86::test {
namespace {

// mov ecx, imm32; mov eax, imm32; mov edx, imm32; wrmsr; xor eax, eax; xor edx, edx; rdmsr
std::vector<u8> msr_round_trip(u32 index, u64 v) {
    auto le = [](std::vector<u8>& b, u32 x) {
        for (int i = 0; i < 4; ++i) b.push_back(static_cast<u8>(x >> (8 * i)));
    };
    std::vector<u8> b{0xb9};
    le(b, index);
    b.push_back(0xb8);
    le(b, static_cast<u32>(v));
    b.push_back(0xba);
    le(b, static_cast<u32>(v >> 32));
    for (int x : {0x0f, 0x30, 0x31, 0xc0, 0x31, 0xd2, 0x0f, 0x32, 0xf4}) b.push_back(static_cast<u8>(x));
    return b;
}

struct MsrCase {
    std::string name;
    u32 index;
    u64 value;
};

class MsrTable : public testing::TestWithParam<MsrCase> {};

TEST_P(MsrTable, WriteThenRead_ReturnsValue) {
    const MsrCase& c = GetParam();
    PagedMachine m;
    m.load(kCodeAddr, msr_round_trip(c.index, c.value));
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ((m.reg(R::Rdx) << 32) | m.reg(R::Rax), c.value);
}

INSTANTIATE_TEST_SUITE_P(X86System, MsrTable,
                         testing::Values(MsrCase{"Star", msr::Star, 0x0023001000080000},
                                         MsrCase{"Lstar", msr::Lstar, 0xffffffff81000000},
                                         MsrCase{"Sfmask", msr::Sfmask, 0x47700},
                                         MsrCase{"KernelGsBase", msr::KernelGsBase, 0xffff888000000000},
                                         MsrCase{"FsBase", msr::FsBase, 0x7f0012345000},
                                         MsrCase{"Pat", msr::Pat, 0x0007010600070106},
                                         MsrCase{"MtrrDefType", msr::MtrrDefType, 0xc06},
                                         MsrCase{"MtrrPhysBase0", msr::MtrrVarFirst, 0x6},
                                         MsrCase{"SysenterEip", msr::SysenterEip, 0xffffffff81234567},
                                         MsrCase{"TscAux", msr::TscAux, 7}),
                         [](const testing::TestParamInfo<MsrCase>& i) { return i.param.name; });

TEST(X86System, ArchCapabilities_SaysNotAffectedAndIsReadOnly) {
    PagedMachine m;
    m.load(kCodeAddr, {0xb9, 0x0a, 0x01, 0x00, 0x00, 0x0f, 0x32, 0xf4});  // mov ecx, 0x10a; rdmsr; hlt
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    const u64 caps = (m.reg(R::Rdx) << 32) | m.reg(R::Rax);
    EXPECT_NE(caps & (1u << 0), 0u) << "RDCL_NO: Linux would turn on page-table isolation";
    EXPECT_NE(caps & (1u << 5), 0u) << "MDS_NO";
    EXPECT_EQ(caps & (1u << 7), 0u) << "no TSX_CTRL MSR to go with it";

    PagedMachine w;  // mov ecx, 0x10a; xor eax, eax; xor edx, edx; wrmsr; hlt
    w.load(kCodeAddr, {0xb9, 0x0a, 0x01, 0x00, 0x00, 0x31, 0xc0, 0x31, 0xd2, 0x0f, 0x30, 0xf4});
    const Event e = w.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
}

TEST(X86System, UnknownMsr_GeneralProtection) {
    PagedMachine m;
    m.load(kCodeAddr, msr_round_trip(0x12345, 1));
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(e.error_code, 0u);
}

struct RecordingDelegate : MsrDelegate {
    u32 last = 0;
    u64 value = 0;
    bool read_msr(u32 index, u64& v) override {
        if (index != msr::X2ApicFirst + 0x30) return false;
        v = value;
        return true;
    }
    bool write_msr(u32 index, u64 v) override {
        last = index;
        value = v;
        return index == msr::X2ApicFirst + 0x30;
    }
};

TEST(X86System, X2ApicMsr_GoesToDelegate) {
    PagedMachine m;
    RecordingDelegate d;
    m.cpu.set_msr_delegate(&d);
    m.load(kCodeAddr, msr_round_trip(msr::X2ApicFirst + 0x30, 0x4000000fd));
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(d.last, msr::X2ApicFirst + 0x30);
    EXPECT_EQ((m.reg(R::Rdx) << 32) | m.reg(R::Rax), 0x4000000fdu);
}

// A machine's local APIC owns IA32_APIC_BASE: with a delegate, the CPU stores nothing
// itself, and a value the APIC refuses raises #GP.
struct ApicBaseDelegate : MsrDelegate {
    u64 base = 0xfee00900;
    bool read_msr(u32 index, u64& v) override {
        if (index != msr::ApicBase) return false;
        v = base;
        return true;
    }
    bool write_msr(u32 index, u64 v) override {
        if (index != msr::ApicBase || (v & (1u << 10))) return false;  // refuses x2APIC mode
        base = v;
        return true;
    }
};

TEST(X86System, ApicBase_GoesToDelegate) {
    PagedMachine m;
    ApicBaseDelegate d;
    m.cpu.set_msr_delegate(&d);
    m.load(kCodeAddr, msr_round_trip(msr::ApicBase, 0xfee00100));
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(d.base, 0xfee00100u);
    EXPECT_EQ((m.reg(R::Rdx) << 32) | m.reg(R::Rax), 0xfee00100u);
    EXPECT_EQ(m.cpu.state().msr.apic_base, 0xfee00900u);  // untouched
}

TEST(X86System, ApicBaseRefusedByDelegate_GeneralProtection) {
    PagedMachine m;
    ApicBaseDelegate d;
    m.cpu.set_msr_delegate(&d);
    m.load(kCodeAddr, msr_round_trip(msr::ApicBase, 0xfee00d00));
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(d.base, 0xfee00900u);
}

TEST(X86System, SyscallSysret_RoundTripThroughCpl0) {
    PagedMachine m;
    constexpr u64 kEntry = 0x3000;
    m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    m.cpu.state().msr.star = (u64{0x10} << 48) | (u64{kKernelCs} << 32);  // SYSRET base 0x10: SS 0x1b, CS 0x23
    m.cpu.state().msr.lstar = kEntry;
    m.cpu.state().msr.sfmask = rflags::IF;
    // Kernel: mov rbx, cr0 (CPL 0 only); sysretq.
    m.load(kEntry, {0x0f, 0x20, 0xc3, 0x48, 0x0f, 0x07});
    // User: syscall; mov eax, 7; hlt (at CPL 3: #GP).
    m.load(kCodeAddr, {0x0f, 0x05, 0xb8, 7, 0, 0, 0, 0xf4});
    m.set_cpl(3);
    m.cpu.set_rflags(rflags::Fixed1 | IF);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);  // the HLT, back at CPL 3
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 7);
    EXPECT_EQ(m.reg(R::Rax), 7u);
    EXPECT_EQ(m.reg(R::Rbx), m.cpu.state().cr0);
    EXPECT_EQ(m.reg(R::Rcx), kCodeAddr + 2);
    EXPECT_EQ(m.reg(R::R11) & IF, IF);
    EXPECT_EQ(m.cpu.cpl(), 3u);
    EXPECT_EQ(m.cpu.state().seg[static_cast<unsigned>(Seg::Cs)].selector, kUserCs);
    EXPECT_EQ(m.cpu.state().seg[static_cast<unsigned>(Seg::Ss)].selector, kUserSs);
    EXPECT_EQ(m.cpu.rflags() & IF, IF);
}

struct PrivCase {
    std::string name;
    std::vector<u8> code;
};

class PrivilegedAtCpl3 : public testing::TestWithParam<PrivCase> {};

TEST_P(PrivilegedAtCpl3, Executes_GeneralProtection) {
    PagedMachine m;
    m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    m.load(kCodeAddr, GetParam().code);
    m.set_cpl(3);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(e.error_code, 0u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

INSTANTIATE_TEST_SUITE_P(X86System, PrivilegedAtCpl3,
                         testing::Values(PrivCase{"MovToCr3", {0x0f, 0x22, 0xd8}},
                                         PrivCase{"MovFromCr0", {0x0f, 0x20, 0xc0}},
                                         PrivCase{"Hlt", {0xf4}},
                                         PrivCase{"Wrmsr", {0x0f, 0x30}},
                                         PrivCase{"Rdmsr", {0x0f, 0x32}},
                                         PrivCase{"Cli", {0xfa}},
                                         PrivCase{"OutWithIopl0", {0xe6, 0x80}},
                                         PrivCase{"Lgdt", {0x0f, 0x01, 0x10}},
                                         PrivCase{"Invlpg", {0x0f, 0x01, 0x38}},
                                         PrivCase{"Swapgs", {0x0f, 0x01, 0xf8}},
                                         PrivCase{"Wbinvd", {0x0f, 0x09}}),
                         [](const testing::TestParamInfo<PrivCase>& i) { return i.param.name; });

TEST(X86System, ControlRegisterReservedBits_GeneralProtection) {
    for (const u64 bad : {u64{1} << 32 /* CR0 high half */, cr0::NW /* NW without CD */}) {
        PagedMachine m;
        m.load(kCodeAddr, {0x0f, 0x20, 0xc0, 0x48, 0x09, 0xd8, 0x0f, 0x22, 0xc0, 0xf4});  // rax=cr0|rbx; cr0=rax
        m.reg(R::Rbx) = bad;
        const Event e = m.run();
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(e.vector, Vector::GP);
    }
    PagedMachine m;
    m.load(kCodeAddr, {0x0f, 0x22, 0xe0, 0xf4});  // mov cr4, rax
    m.reg(R::Rax) = 0;                            // clearing PAE in long mode
    EXPECT_EQ(m.run().vector, Vector::GP);
}

TEST(X86System, Swapgs_ExchangesGsBaseWithKernelGsBase) {
    PagedMachine m;
    m.cpu.state().seg[static_cast<unsigned>(Seg::Gs)].base = 0x1111;
    m.cpu.state().msr.kernel_gs_base = 0x2222;
    m.load(kCodeAddr, {0x0f, 0x01, 0xf8, 0x65, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, 0xf4});
    m.poke(0x2222, 8, 0x77);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x77u);
    EXPECT_EQ(m.cpu.state().msr.kernel_gs_base, 0x1111u);
}

TEST(X86System, LgdtSgdt_RoundTrip) {
    PagedMachine m;
    m.poke(0x4000, 2, 0x1234);
    m.poke(0x4002, 8, 0xffff888000001000);
    m.load(kCodeAddr, {0x0f, 0x01, 0x13, 0x0f, 0x01, 0x06, 0xf4});  // lgdt [rbx]; sgdt [rsi]
    m.reg(R::Rbx) = 0x4000;
    m.reg(R::Rsi) = 0x4100;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().gdtr.limit, 0x1234u);
    EXPECT_EQ(m.cpu.state().gdtr.base, 0xffff888000001000u);
    EXPECT_EQ(m.peek(0x4100, 2), 0x1234u);
    EXPECT_EQ(m.peek(0x4102, 8), 0xffff888000001000u);
}

// A 64-bit TSS with an I/O bitmap at 0x68 that opens ports 0x80-0x87 to CPL 3.
TEST(X86System, IoBitmapIn64BitTss_OpensOnlyItsPorts) {
    PagedMachine m;
    m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    m.poke(kTss + 0x66, 2, 0x68);
    for (u64 i = 0; i < 0x20; ++i) m.poke(kTss + 0x68 + i, 1, i == 0x10 ? 0x00 : 0xff);
    m.cpu.state().tr.limit = 0x68 + 0x20;
    m.load(kCodeAddr, {0xe6, 0x87, 0xe6, 0x88});  // out 0x87, al; out 0x88, al
    m.set_cpl(3);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(e.error_code, 0u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 2);  // the first OUT went through
}

}  // namespace
}  // namespace flint::x86::test
