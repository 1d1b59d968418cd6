// Paging and the soft TLB: 4 KiB / 2 MiB / 1 GiB translations, #PF error codes, accessed
// and dirty bits, TLB flushes on CR3 writes (global entries kept) and INVLPG.
#include "long_mode_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kVirt = 0x100000;   // a 4 KiB test page, remapped per test
constexpr u64 kPhysA = 0x300000;  // two physical pages it may point at
constexpr u64 kPhysB = 0x301000;

const std::vector<u8> kLoad = {0x48, 0x8b, 0x03, 0xf4};   // mov rax, [rbx]; hlt
const std::vector<u8> kStore = {0x48, 0x89, 0x03, 0xf4};  // mov [rbx], rax; hlt

TEST(X86Paging, FourKPage_TranslatesToItsFrame) {
    PagedMachine m;
    m.map(kVirt, kPhysA, kPresentRw);
    m.poke(kPhysA + 0x10, 8, 0x1122334455667788);
    m.load(kCodeAddr, kLoad);
    m.reg(R::Rbx) = kVirt + 0x10;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x1122334455667788u);
}

TEST(X86Paging, TwoMPage_TranslatesOffsetWithinPage) {
    PagedMachine m;
    m.poke(kPd + 8 * 3, 8, 0x400000 | kPresentRw | pte::PS);  // virt 6 MiB -> phys 4 MiB
    m.poke(0x400000 + 0x12348, 8, 0xabcdef);
    m.load(kCodeAddr, kLoad);
    m.reg(R::Rbx) = 0x600000 + 0x12348;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0xabcdefu);
}

TEST(X86Paging, OneGPage_TranslatesOffsetWithinPage) {
    PagedMachine m;
    m.poke(kPdpt + 8 * 1, 8, 0 | kPresentRw | pte::PS);  // virt 1 GiB -> phys 0
    m.poke(0x345678, 8, 0x5a5a);
    m.load(kCodeAddr, kLoad);
    m.reg(R::Rbx) = 0x40000000 + 0x345678;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x5a5au);
}

TEST(X86Paging, AccessedAndDirty_SetByReadThenWrite) {
    PagedMachine m;
    m.map(kVirt, kPhysA, kPresentRw);
    m.load(kCodeAddr, kLoad);
    m.reg(R::Rbx) = kVirt;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.pte_of(kVirt) & (pte::A | pte::D), pte::A);
    EXPECT_NE(m.peek(kPml4, 8) & pte::A, 0u);
    EXPECT_NE(m.peek(kPd, 8) & pte::A, 0u);
    m.load(kCodeAddr, kStore);
    m.cpu.state().rip = kCodeAddr;
    m.cpu.invalidate_code(kCodeAddr, 4);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.pte_of(kVirt) & (pte::A | pte::D), pte::A | pte::D);
}

struct PfCase {
    std::string name;
    u64 pte;        // the test page's entry
    bool write;     // store instead of load
    unsigned cpl;
    bool wp;        // CR0.WP
    bool fault;
    u32 error;
};

class PageFaultTable : public testing::TestWithParam<PfCase> {};

TEST_P(PageFaultTable, Access_FaultsWithErrorCode) {
    const PfCase& c = GetParam();
    PagedMachine m;
    // Code and stack user-accessible so the same program runs at CPL 3.
    m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    m.map(kVirt, kPhysA, c.pte);
    m.load(kCodeAddr, c.write ? kStore : kLoad);
    m.reg(R::Rbx) = kVirt + 8;
    if (c.wp) m.cpu.state().cr0 |= cr0::WP;
    m.set_cpl(c.cpl);
    const Event e = m.run();
    if (!c.fault) {
        EXPECT_EQ(e.kind, EventKind::Halt);
        return;
    }
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.error_code, c.error);
    EXPECT_EQ(e.address, kVirt + 8);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
}

INSTANTIATE_TEST_SUITE_P(
    X86Paging, PageFaultTable,
    testing::Values(PfCase{"NotPresentRead", 0, false, 0, false, true, 0},
                    PfCase{"NotPresentWrite", 0, true, 0, false, true, pf_error::Write},
                    PfCase{"NotPresentUserRead", 0, false, 3, false, true, pf_error::User},
                    PfCase{"ReadOnlyWriteNoWp_Succeeds", kPhysA | pte::P, true, 0, false, false, 0},
                    PfCase{"ReadOnlyWriteWithWp", kPhysA | pte::P, true, 0, true, true,
                           pf_error::Present | pf_error::Write},
                    PfCase{"ReadOnlyUserWrite", kPhysA | pte::P | pte::US, true, 3, false, true,
                           pf_error::Present | pf_error::Write | pf_error::User},
                    PfCase{"UserReadsSupervisor", kPhysA | kPresentRw, false, 3, false, true,
                           pf_error::Present | pf_error::User},
                    PfCase{"ReservedBit", kPhysA | kPresentRw | (u64{1} << 51), false, 0, false, true,
                           pf_error::Present | pf_error::Reserved}),
    [](const testing::TestParamInfo<PfCase>& i) { return i.param.name; });

TEST(X86Paging, FetchFromNxPage_FaultsWithInstructionBit) {
    PagedMachine m;
    m.map(kVirt, kPhysA, kPresentRw | pte::XD);
    m.load(kCodeAddr, {0xff, 0xe3});  // jmp rbx
    m.reg(R::Rbx) = kVirt;
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.error_code, pf_error::Present | pf_error::Fetch);
    EXPECT_EQ(e.address, kVirt);
}

TEST(X86Paging, Cr3Write_FlushesTlbButKeepsGlobalEntries) {
    PagedMachine m;
    m.cpu.state().cr4 |= cr4::PGE;
    constexpr u64 kGlobalVirt = kVirt + 0x1000;
    m.map(kVirt, kPhysA, kPresentRw);
    m.map(kGlobalVirt, kPhysA, kPresentRw | pte::G);
    m.poke(kPhysA, 8, 0xaaaa);
    m.poke(kPhysB, 8, 0xbbbb);
    // mov rax,[rbx]; mov rdx,[rsi]; mov rcx,cr3; mov cr3,rcx; mov r8,[rbx]; mov r9,[rsi];
    // invlpg [rsi]; mov r10,[rsi]; hlt
    m.load(kCodeAddr, {0x48, 0x8b, 0x03, 0x48, 0x8b, 0x16, 0x0f, 0x20, 0xd9, 0x0f, 0x22, 0xd9, 0x4c, 0x8b, 0x03,
                       0x4c, 0x8b, 0x0e, 0x0f, 0x01, 0x3e, 0x4c, 0x8b, 0x16, 0xf4});
    m.reg(R::Rbx) = kVirt;
    m.reg(R::Rsi) = kGlobalVirt;
    ASSERT_EQ(m.cpu.run(2).kind, EventKind::None);
    EXPECT_EQ(m.reg(R::Rax), 0xaaaau);
    EXPECT_EQ(m.reg(R::Rdx), 0xaaaau);
    // Remap both pages without telling the CPU: the TLB keeps the old translations
    // until CR3 is written (non-global) or INVLPG (global).
    m.map(kVirt, kPhysB, kPresentRw);
    m.map(kGlobalVirt, kPhysB, kPresentRw | pte::G);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::R8), 0xbbbbu);
    EXPECT_EQ(m.reg(R::R9), 0xaaaau);
    EXPECT_EQ(m.reg(R::R10), 0xbbbbu);
}

TEST(X86Paging, RemappedCodePage_RunsNewCodeAfterInvlpg) {
    PagedMachine m;
    m.map(kVirt, kPhysA, kPresentRw);
    m.load(kPhysA, {0xb8, 0x01, 0, 0, 0, 0xf4});  // mov eax, 1; hlt
    m.load(kPhysB, {0xb8, 0x02, 0, 0, 0, 0xf4});  // mov eax, 2; hlt
    m.cpu.state().rip = kVirt;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 1u);
    m.map(kVirt, kPhysB, kPresentRw);
    m.load(kCodeAddr, {0x0f, 0x01, 0x3b, 0xff, 0xe3});  // invlpg [rbx]; jmp rbx
    m.reg(R::Rbx) = kVirt;
    m.cpu.state().rip = kCodeAddr;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 2u);
}

}  // namespace
}  // namespace flint::x86::test
