// VERR/VERW and LAR/LSL (exec_verify.cpp) against the long-mode fixture's GDT: null,
// kernel code 0x08, kernel data 0x10, user data 0x1b, user code 0x23, TSS 0x28.
#include "long_mode_util.h"

namespace flint::x86::test {
namespace {

struct VerifyCase {
    std::string name;
    std::vector<u8> code;  // runs with BX = selector; a HLT follows
    u16 selector;
    unsigned cpl;
    bool zf;
    u64 rax = 0;  // expected RAX when zf (LAR/LSL results); RAX starts at 0x5555
};

class VerifyTable : public testing::TestWithParam<VerifyCase> {};

TEST_P(VerifyTable, SetsZeroFlag) {
    const VerifyCase& c = GetParam();
    PagedMachine m;
    if (c.cpl == 3) m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    std::vector<u8> code = c.code;
    code.push_back(0xf4);  // HLT: at CPL 3 a #GP that still ends the run
    m.load(kCodeAddr, code);
    m.set_cpl(c.cpl);
    m.reg(Reg::Rbx) = c.selector;
    m.reg(Reg::Rax) = 0x5555;
    const Event e = m.run();
    ASSERT_TRUE(e.kind == EventKind::Halt || (c.cpl == 3 && e.vector == Vector::GP));
    EXPECT_EQ((m.cpu.rflags() & rflags::ZF) != 0, c.zf);
    EXPECT_EQ(m.reg(Reg::Rax), c.zf ? c.rax : 0x5555u);
}

const std::vector<u8> kVerr = {0x0f, 0x00, 0xe3};         // verr bx
const std::vector<u8> kVerw = {0x0f, 0x00, 0xeb};         // verw bx
const std::vector<u8> kLar = {0x0f, 0x02, 0xc3};          // lar eax, bx
const std::vector<u8> kLsl = {0x48, 0x0f, 0x03, 0xc3};    // lsl rax, bx

INSTANTIATE_TEST_SUITE_P(
    X86Verify, VerifyTable,
    testing::Values(VerifyCase{"VerwKernelData", kVerw, kKernelSs, 0, true, 0x5555},
                    VerifyCase{"VerwKernelCode_NotWritable", kVerw, kKernelCs, 0, false},
                    VerifyCase{"VerrKernelCode_Readable", kVerr, kKernelCs, 0, true, 0x5555},
                    VerifyCase{"VerwNull", kVerw, 0, 0, false},
                    VerifyCase{"VerwBeyondGdt", kVerw, 0x80, 0, false},
                    VerifyCase{"VerwTss_System", kVerw, kTr, 0, false},
                    VerifyCase{"VerwKernelDataFromUser_Privilege", kVerw, kKernelSs | 3, 3, false},
                    VerifyCase{"VerwUserDataFromUser", kVerw, kUserSs, 3, true, 0x5555},
                    VerifyCase{"LarKernelCode", kLar, kKernelCs, 0, true, 0x00a09b00},
                    VerifyCase{"LarTss", kLar, kTr, 0, true, 0x00008900},
                    VerifyCase{"LarNull", kLar, 0, 0, false},
                    VerifyCase{"LslUserData", kLsl, kUserSs, 0, true, 0xffffffff},
                    VerifyCase{"LslTss", kLsl, kTr, 0, true, 0x67}),
    [](const testing::TestParamInfo<VerifyCase>& i) { return i.param.name; });

}  // namespace
}  // namespace flint::x86::test
