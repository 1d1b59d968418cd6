// Exceptions and interrupts in long mode with delivery through the IDT: #PF frames and
// CR2, INT n from CPL 3 with the stack switch to TSS.RSP0, IRETQ back to CPL 3, IST
// stacks, gate DPL checks, double and triple faults, injected interrupts, HLT wake-up
// and the STI shadow.
#include "long_mode_util.h"

namespace flint::x86::test {
namespace {

constexpr u64 kHandler = 0x3000;   // each handler: HLT unless the test says otherwise
constexpr u64 kHandler2 = 0x3100;
constexpr u64 kRsp0 = 0x7000;
constexpr u64 kIst1 = 0x6000;

using Frame = InterruptFrame;

// The interrupt frame at RSP (with or without an error code).
Frame frame_at(PagedMachine& m, bool has_error) { return read_frame(m, m.reg(R::Rsp), has_error, 8); }

struct DeliveringMachine : PagedMachine {
    DeliveringMachine() {
        cpu.set_exception_delivery(Cpu::ExceptionDelivery::Guest);
        poke(kTss + 4, 8, kRsp0);
        poke(kTss + 0x24, 8, kIst1);
        load(kHandler, {0xf4});
        load(kHandler2, {0xf4});
    }
};

TEST(X86Interrupts, PageFault_DeliveredWithErrorCodeAndCr2) {
    DeliveringMachine m;
    m.gate(14, kHandler);
    m.load(kCodeAddr, {0x48, 0x89, 0x03});  // mov [rbx], rax
    m.reg(R::Rbx) = 0x250000;               // beyond the identity map: not present
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);
    EXPECT_EQ(m.cpu.state().cr2, 0x250000u);
    const Frame f = frame_at(m, true);
    EXPECT_EQ(f.error, pf_error::Write);
    EXPECT_EQ(f.rip, kCodeAddr);
    EXPECT_EQ(f.cs, kKernelCs);
    EXPECT_EQ(f.rsp, kStackTop);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop - 48);  // same privilege: no switch, 16-aligned
}

// A handler that faults into itself on a fresh IST stack each time loops forever, on
// hardware too; run() must still come back once its budget is spent (found by
// x86_machine_fuzz: the vCPU thread never returned to see a stop request).
TEST(X86Interrupts, FaultLoop_RunReturnsAfterItsBudget) {
    DeliveringMachine m;
    m.gate(6, kHandler, 0, 1);
    m.load(kHandler, {0x0f, 0x0b});   // ud2
    m.load(kCodeAddr, {0x0f, 0x0b});  // ud2
    EXPECT_EQ(m.run(1000).kind, EventKind::None);
    EXPECT_EQ(m.cpu.retired(), 0u);
    EXPECT_EQ(m.cpu.state().rip, kHandler);
    EXPECT_EQ(m.reg(R::Rsp), kIst1 - 40);
}

TEST(X86Interrupts, IntFromUser_SwitchesToRsp0_AndIretqReturnsToUser) {
    DeliveringMachine m;
    constexpr u64 kUserStack = 0x5000;
    m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    m.map(kUserStack - 0x1000, kUserStack - 0x1000, kPresentRw | pte::US);
    m.gate(0x80, kHandler, 3);
    m.gate(0x81, kHandler2, 3);
    m.load(kHandler, {0x48, 0xcf});  // iretq
    // int 0x80; mov eax, 42; int 0x81
    m.load(kCodeAddr, {0xcd, 0x80, 0xb8, 42, 0, 0, 0, 0xcd, 0x81});
    m.set_cpl(3);
    m.reg(R::Rsp) = kUserStack;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler2 + 1);
    EXPECT_EQ(m.reg(R::Rax), 42u);
    EXPECT_EQ(m.cpu.cpl(), 0u);
    EXPECT_EQ(m.reg(R::Rsp), kRsp0 - 40);
    const Frame f = frame_at(m, false);
    EXPECT_EQ(f.rip, kCodeAddr + 9);
    EXPECT_EQ(f.cs, kUserCs);
    EXPECT_EQ(f.ss, kUserSs);
    EXPECT_EQ(f.rsp, kUserStack);
}

TEST(X86Interrupts, IstGate_UsesIstStackEvenWithoutPrivilegeChange) {
    DeliveringMachine m;
    m.gate(3, kHandler, 0, 1);
    m.load(kCodeAddr, {0xcc});  // int3
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rsp), kIst1 - 40);
    EXPECT_EQ(frame_at(m, false).rip, kCodeAddr + 1);
}

TEST(X86Interrupts, IntThroughDpl0GateFromUser_GeneralProtection) {
    DeliveringMachine m;
    m.map(kCodeAddr, kCodeAddr, kPresentRw | pte::US);
    m.gate(0x40, kHandler2, 0);
    m.gate(13, kHandler);
    m.load(kCodeAddr, {0xcd, 0x40});
    m.set_cpl(3);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);
    const Frame f = frame_at(m, true);
    EXPECT_EQ(f.error, 0x40u * 8 + 2);
    EXPECT_EQ(f.rip, kCodeAddr);  // #GP is a fault: at the INT
}

TEST(X86Interrupts, PageFaultWithAbsentHandler_DoubleFault) {
    DeliveringMachine m;
    m.gate(8, kHandler);  // no #PF gate: #GP while delivering #PF -> #DF
    m.load(kCodeAddr, {0x48, 0x8b, 0x03});
    m.reg(R::Rbx) = 0x250000;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);
    EXPECT_EQ(frame_at(m, true).error, 0u);
}

TEST(X86Interrupts, NoUsableIdt_TripleFaultShutsDown) {
    DeliveringMachine m;
    m.cpu.state().idtr.limit = 0;
    m.load(kCodeAddr, {0x0f, 0x0b});  // ud2
    EXPECT_EQ(m.run().kind, EventKind::Shutdown);
}

// The faults that led to the shutdown, for the VMM's log: #UD, #GP delivering it, #DF,
// and the #GP that ended #DF.
TEST(X86Interrupts, TripleFault_RecordsTheChain) {
    DeliveringMachine m;
    m.cpu.state().idtr.limit = 0;
    m.load(kCodeAddr, {0x0f, 0x0b});  // ud2
    ASSERT_EQ(m.run().kind, EventKind::Shutdown);
    const auto chain = m.cpu.shutdown_chain();
    ASSERT_EQ(chain.size(), 4u);
    EXPECT_EQ(chain[0].event.vector, Vector::UD);
    EXPECT_EQ(chain[0].rip, kCodeAddr);
    EXPECT_EQ(chain[1].event.vector, Vector::GP);
    EXPECT_EQ(chain[1].event.error_code, 6u * 8 + 2);  // IDT entry 6, EXT clear
    EXPECT_EQ(chain[2].event.vector, Vector::DF);
    EXPECT_EQ(chain[3].event.vector, Vector::GP);
}

TEST(X86Interrupts, InjectedInterrupt_WakesHalt) {
    DeliveringMachine m;
    m.gate(0x30, kHandler2);
    m.load(kCodeAddr, {0xfb, 0xf4, 0x90});  // sti; hlt; nop
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_TRUE(m.cpu.halted());
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 2);
    ASSERT_EQ(m.run().kind, EventKind::Halt);  // nothing to wake it: stays
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 2);
    EXPECT_TRUE(m.cpu.interrupts_enabled());
    m.cpu.inject_external(0x30);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler2 + 1);
    EXPECT_EQ(frame_at(m, false).rip, kCodeAddr + 2);
    EXPECT_EQ(frame_at(m, false).rflags & IF, IF);
    EXPECT_FALSE(m.cpu.interrupts_enabled());  // interrupt gate cleared IF
}

TEST(X86Interrupts, Sti_HoldsInterruptsForOneInstruction) {
    DeliveringMachine m;
    m.gate(0x30, kHandler2);
    m.load(kCodeAddr, {0xfb, 0xb0, 0x01, 0xb3, 0x02});  // sti; mov al, 1; mov bl, 2
    m.cpu.inject_external(0x30);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax) & 0xff, 1u);
    EXPECT_EQ(m.reg(R::Rbx) & 0xff, 0u);
    EXPECT_EQ(frame_at(m, false).rip, kCodeAddr + 3);
}

}  // namespace
}  // namespace flint::x86::test
