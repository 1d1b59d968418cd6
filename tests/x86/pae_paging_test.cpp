// PAE paging outside long mode: the four PDPTEs are loaded at MOV CR3 (and when CR0/CR4
// turn PAE paging on), a present one with reserved bits makes that MOV #GP(0), and walks
// use the loaded copies, not the table in memory.
#include "protected_mode_util.h"
#include "x86/paging.h"

namespace flint::x86::test::pm {
namespace {

constexpr u64 kPdpt = 0x30000, kPdpt2 = 0x30020, kPd = 0x31000;
constexpr u32 kGpHandler = 0x3000;

// 32-bit protected mode with PAE paging: the first 2 MiB identity-mapped by one large
// page under PDPTE 0; a second PDPT at kPdpt2 the tests may break.
struct PaeMachine : ProtectedMachine {
    PaeMachine() {
        poke(kPdpt, 8, kPd | pte::P);
        poke(kPdpt2, 8, kPd | pte::P);
        poke(kPd, 8, pte::P | pte::RW | pte::PS);
        CpuState& s = cpu.state();
        s.cr4 = cr4::PAE;
        s.cr3 = kPdpt;
        s.cr0 |= cr0::PG;
        load(kGpHandler, {0xf4});
        idt_gate(13, kGpHandler);
        idt_gate(14, kGpHandler);
    }
};

TEST(X86PaePaging, MovCr3WithReservedBitInPresentPdpte_GeneralProtection) {
    PaeMachine m;
    m.poke(kPdpt2 + 8, 8, 0x5000 | pte::P | pte::RW);  // RW is reserved in a PDPTE
    m.reg(R::Rax) = kPdpt2;
    m.load(kCodeAddr, {0x0f, 0x22, 0xd8, 0xf4});  // mov cr3, eax; hlt
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kGpHandler + 1u);
    EXPECT_EQ(m.cpu.state().cr3, kPdpt);
    EXPECT_EQ(m.peek(m.reg(R::Rsp), 4), 0u);             // #GP(0)
    EXPECT_EQ(m.peek(m.reg(R::Rsp) + 4, 4), kCodeAddr);  // at the MOV
}

TEST(X86PaePaging, NotPresentPdpteWithReservedBits_IsAccepted) {
    PaeMachine m;
    m.poke(kPdpt2 + 8, 8, 0x5000 | pte::RW);  // not present: its other bits do not matter
    m.reg(R::Rax) = kPdpt2;
    m.load(kCodeAddr, {0x0f, 0x22, 0xd8, 0xf4});
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 4);
    EXPECT_EQ(m.cpu.state().cr3, kPdpt2);
}

// After MOV CR3 the table in memory may change: walks keep using the loaded PDPTEs.
TEST(X86PaePaging, PdpteChangedAfterMovCr3_WalkStillUsesLoadedOne) {
    PaeMachine m;
    m.reg(R::Rax) = kPdpt2;
    m.reg(R::Rbx) = kPdpt2;
    // mov cr3, eax; mov dword [ebx], 0; mov ecx, [0x4000]; hlt
    m.load(kCodeAddr, {0x0f, 0x22, 0xd8, 0xc7, 0x03, 0, 0, 0, 0, 0x8b, 0x0d, 0x00, 0x40, 0, 0, 0xf4});
    m.poke(0x4000, 4, 0x600dcafe);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 16);
    EXPECT_EQ(m.reg(R::Rcx), 0x600dcafeu);
    EXPECT_EQ(m.cpu.state().pdpte[0], kPd | pte::P);
}

TEST(X86PaePaging, EnablingPagingWithBadPdpte_GeneralProtection) {
    PaeMachine m;
    m.cpu.state().cr0 &= ~cr0::PG;
    m.poke(kPdpt + 16, 8, 0x5000 | pte::P | (u64{1} << 5));  // bit 5 is reserved too
    m.reg(R::Rax) = m.cpu.state().cr0 | cr0::PG;
    m.load(kCodeAddr, {0x0f, 0x22, 0xc0, 0xf4});  // mov cr0, eax; hlt
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kGpHandler + 1u);
    EXPECT_FALSE(m.cpu.state().cr0 & cr0::PG);
}

}  // namespace
}  // namespace flint::x86::test::pm
