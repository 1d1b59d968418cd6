// CPUID: leaves are well-formed, and every feature bit with a probe instruction is set
// exactly when that instruction executes (a guest must never see a bit for an
// instruction that raises #UD, and should see the bits for what works).
#include <cstring>

#include "exec_test_util.h"
#include "x86/cpuid.h"

namespace flint::x86::test {
namespace {

enum class Word { F1Ecx, F1Edx, F7Ebx, E1Ecx, E1Edx };

struct FeatureProbe {
    std::string name;
    Word word;
    u32 bit;
    std::vector<u8> code;  // run at 0x1000 with RDI = 0x2000 (16-aligned scratch), RAX = RCX = 1
};

u32 word_of(const CpuModel& m, Word w) {
    switch (w) {
    case Word::F1Ecx: return cpuid_query(m, 1, 0).ecx;
    case Word::F1Edx: return cpuid_query(m, 1, 0).edx;
    case Word::F7Ebx: return cpuid_query(m, 7, 0).ebx;
    case Word::E1Ecx: return cpuid_query(m, 0x80000001, 0).ecx;
    case Word::E1Edx: return cpuid_query(m, 0x80000001, 0).edx;
    }
    return 0;
}

namespace b = cpuid_bits;

class FeatureProbeTable : public testing::TestWithParam<FeatureProbe> {};

TEST_P(FeatureProbeTable, Advertised_IffProbeExecutes) {
    const FeatureProbe& p = GetParam();
    Machine m;
    std::vector<u8> code = p.code;
    code.push_back(0xf4);
    m.load(kCodeAddr, code);
    m.reg(R::Rdi) = 0x2000;
    m.reg(R::Rax) = 1;
    m.reg(R::Rcx) = 0x10;
    m.cpu.state().cr4 |= cr4::OSFXSR;  // as an OS does before it uses SSE
    const Event e = m.run();
    const bool executes = e.kind == EventKind::Halt;
    const bool advertised = (word_of(m.cpu.model(), p.word) & p.bit) != 0;
    EXPECT_EQ(advertised, executes) << p.name << (executes ? " executes but is not advertised"
                                                           : " is advertised but raises an exception");
}

INSTANTIATE_TEST_SUITE_P(
    X86Cpuid, FeatureProbeTable,
    testing::Values(FeatureProbe{"Tsc", Word::F1Edx, b::TSC, {0x0f, 0x31}},
                    FeatureProbe{"Cx8", Word::F1Edx, b::CX8, {0x0f, 0xc7, 0x0f}},
                    FeatureProbe{"Cmov", Word::F1Edx, b::CMOV, {0x0f, 0x44, 0xc0}},
                    FeatureProbe{"Fpu", Word::F1Edx, b::FPU, {0xd9, 0xe8}},
                    FeatureProbe{"Msr", Word::F1Edx, b::MSR, {0x0f, 0x32}},
                    FeatureProbe{"Mmx", Word::F1Edx, b::MMX, {0x0f, 0x77}},
                    FeatureProbe{"Sse", Word::F1Edx, b::SSE, {0x0f, 0x57, 0xc0}},
                    FeatureProbe{"Sse2", Word::F1Edx, b::SSE2, {0x66, 0x0f, 0xef, 0xc0}},
                    FeatureProbe{"Fxsr", Word::F1Edx, b::FXSR, {0x0f, 0xae, 0x07}},
                    FeatureProbe{"Sse3", Word::F1Ecx, b::SSE3, {0xf2, 0x0f, 0x7c, 0xc0}},
                    FeatureProbe{"Ssse3", Word::F1Ecx, b::SSSE3, {0x66, 0x0f, 0x38, 0x00, 0xc0}},
                    FeatureProbe{"Cx16", Word::F1Ecx, b::CX16, {0x48, 0x0f, 0xc7, 0x0f}},
                    FeatureProbe{"Movbe", Word::F1Ecx, b::MOVBE, {0x0f, 0x38, 0xf0, 0x07}},
                    FeatureProbe{"Popcnt", Word::F1Ecx, b::POPCNT, {0xf3, 0x0f, 0xb8, 0xc0}},
                    // WRMSR EFER.SCE, WRMSR LSTAR = the HLT after SYSCALL (0x101c), SYSCALL.
                    FeatureProbe{"Syscall", Word::E1Edx, b::SYSCALL,
                                 {0xb9, 0x80, 0x00, 0x00, 0xc0, 0xb8, 0x01, 0, 0, 0, 0x31, 0xd2, 0x0f, 0x30,
                                  0xb9, 0x82, 0x00, 0x00, 0xc0, 0xb8, 0x1c, 0x10, 0, 0, 0x0f, 0x30, 0x0f, 0x05}},
                    FeatureProbe{"Clflush", Word::F1Edx, b::CLFSH, {0x0f, 0xae, 0x3f}},
                    FeatureProbe{"Rdtscp", Word::E1Edx, b::RDTSCP, {0x0f, 0x01, 0xf9}},
                    FeatureProbe{"LahfIn64", Word::E1Ecx, b::LAHF_LM, {0x9f, 0x9e}}),
    [](const testing::TestParamInfo<FeatureProbe>& i) { return i.param.name; });

// LZCNT and TZCNT decode as BSR/BSF on processors without them, so #UD cannot tell; the
// result can: LZCNT of 1 is 31, BSR of 1 is 0.
TEST(X86Cpuid, AbmBit_MatchesLzcntSemantics) {
    Machine m;
    m.load(kCodeAddr, {0xb8, 1, 0, 0, 0, 0xf3, 0x0f, 0xbd, 0xc0, 0xf4});
    const Event e = m.run();
    const bool lzcnt = e.kind == EventKind::Halt && m.reg(R::Rax) == 31;
    EXPECT_EQ((word_of(m.cpu.model(), Word::E1Ecx) & b::ABM) != 0, lzcnt);
}

// Likewise TZCNT of zero is the operand width, while BSF leaves the destination alone.
TEST(X86Cpuid, Bmi1Bit_MatchesTzcntSemantics) {
    Machine m;
    m.load(kCodeAddr, {0xb8, 5, 0, 0, 0, 0x31, 0xc9, 0xf3, 0x0f, 0xbc, 0xc1, 0xf4});  // tzcnt eax, ecx (ecx = 0)
    const Event e = m.run();
    const bool tzcnt = e.kind == EventKind::Halt && m.reg(R::Rax) == 32;
    EXPECT_EQ((word_of(m.cpu.model(), Word::F7Ebx) & b::BMI1) != 0, tzcnt);
}

TEST(X86Cpuid, Leaf0_MaxLeafAndVendor) {
    const CpuModel model = CpuModel::flint_default();
    const CpuidResult r = cpuid_query(model, 0, 0);
    EXPECT_EQ(r.eax, kMaxBasicLeaf);
    char vendor[13] = {};
    std::memcpy(vendor, &r.ebx, 4);
    std::memcpy(vendor + 4, &r.edx, 4);
    std::memcpy(vendor + 8, &r.ecx, 4);
    EXPECT_STREQ(vendor, model.vendor);
}

TEST(X86Cpuid, Leaf1_EncodesFamilyModelStepping) {
    CpuModel model = CpuModel::flint_default();
    model.family = 0x19;
    model.model = 0x21;
    model.stepping = 2;
    const u32 eax = cpuid_query(model, 1, 0).eax;
    const u32 family = ((eax >> 8) & 0xf) + ((eax >> 20) & 0xff);
    const u32 mdl = ((eax >> 16) & 0xf) << 4 | ((eax >> 4) & 0xf);
    EXPECT_EQ(family, 0x19u);
    EXPECT_EQ(mdl, 0x21u);
    EXPECT_EQ(eax & 0xf, 2u);
}

TEST(X86Cpuid, Leaf1Ebx_CarriesEachProcessorsApicId) {
    CpuModel model = CpuModel::flint_default();
    model.apic_id = 3;
    const u32 ebx = cpuid_query(model, 1, 0).ebx;
    EXPECT_EQ(ebx >> 24, 3u);
    EXPECT_EQ((ebx >> 16) & 0xff, 1u);
    EXPECT_EQ((ebx >> 8) & 0xff, 8u);  // CLFLUSH line: 8 quadwords
}

TEST(X86Cpuid, BrandString_IsNulTerminatedText) {
    const CpuModel model = CpuModel::flint_default();
    EXPECT_GE(cpuid_query(model, 0x80000000, 0).eax, 0x80000004u);
    char brand[49] = {};
    for (u32 i = 0; i < 3; ++i) {
        const CpuidResult r = cpuid_query(model, 0x80000002 + i, 0);
        std::memcpy(brand + 16 * i, &r, 16);
    }
    EXPECT_STREQ(brand, "Flint virtual CPU");
}

TEST(X86Cpuid, TscLeaf_AdvertisesModelFrequency) {
    CpuModel model = CpuModel::flint_default();
    model.tsc_hz = 3'000'000'000;
    const CpuidResult r = cpuid_query(model, 0x15, 0);
    ASSERT_NE(r.eax, 0u);
    EXPECT_EQ(u64{r.ecx} * r.ebx / r.eax, model.tsc_hz);
}

// Paging (tests/x86/paging_test.cpp) implements both.
TEST(X86Cpuid, Leaf6_ReportsTheModelsPowerManagementBits) {
    CpuModel m = CpuModel::flint_default();
    EXPECT_EQ(cpuid_query(m, 6, 0).eax, 0u);  // the bare CPU claims no APIC timer behaviour
    m.f6_eax = cpuid_bits::ARAT;
    EXPECT_EQ(cpuid_query(m, 6, 0).eax, cpuid_bits::ARAT);
}

TEST(X86Cpuid, LongModeAndNx_Advertised) {
    const u32 e1 = cpuid_query(CpuModel::flint_default(), 0x80000001, 0).edx;
    EXPECT_EQ(e1 & (b::LM | b::NX), b::LM | b::NX);
}

TEST(X86Cpuid, HostLike_KeepsImplementedFeaturesOnly) {
    const CpuModel host = CpuModel::host_like();
    const CpuModel def = CpuModel::flint_default();
    EXPECT_EQ(host.f1_edx, def.f1_edx);
    EXPECT_EQ(host.f1_ecx, def.f1_ecx);
    EXPECT_EQ(host.e1_edx, def.e1_edx);
    EXPECT_EQ(std::strlen(host.vendor), 12u);
}

}  // namespace
}  // namespace flint::x86::test
