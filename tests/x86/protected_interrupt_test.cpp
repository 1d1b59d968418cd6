// Interrupt delivery and IRET in 32-bit protected mode: 32- and 16-bit gates, the stack
// switch to the TSS's SS0:ESP0 from CPL 3 and IRET back to it, error codes, gate DPL
// checks, interrupt versus trap gates, and the data segments IRET nulls.
#include "protected_mode_util.h"

namespace flint::x86::test::pm {
namespace {

constexpr u32 kHandler = 0x3000;  // each handler: HLT unless the test says otherwise
constexpr u32 kHandler2 = 0x3100;
constexpr u64 kUserStack = 0x6000;

using Frame32 = InterruptFrame;

// The 32-bit frame at ESP (ESP and SS are meaningful after a stack switch only).
Frame32 frame_at(ProtectedMachine& m, bool has_error) { return read_frame(m, m.reg(R::Rsp), has_error, 4); }

struct DeliveringMachine : ProtectedMachine {
    DeliveringMachine() {
        load(kHandler, {0xf4});
        load(kHandler2, {0xf4});
    }
};

TEST(X86ProtectedInterrupts, IntFromUser_SwitchesToEsp0_AndIretReturnsToUser) {
    DeliveringMachine m;
    m.idt_gate(0x80, kHandler, 3);
    m.idt_gate(0x81, kHandler2, 3);
    m.load(kHandler, {0xcf});  // iretd
    // int 0x80; mov eax, 42; int 0x81
    m.load(kCodeAddr, {0xcd, 0x80, 0xb8, 42, 0, 0, 0, 0xcd, 0x81});
    m.set_cpl(3);
    m.reg(R::Rsp) = kUserStack;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler2 + 1);
    EXPECT_EQ(m.reg(R::Rax), 42u);
    EXPECT_EQ(m.cpu.cpl(), 0u);
    EXPECT_EQ(m.seg(Seg::Ss).selector, kKernelSs);
    EXPECT_EQ(m.reg(R::Rsp), kEsp0 - 20);
    const Frame32 f = frame_at(m, false);
    EXPECT_EQ(f.rip, kCodeAddr + 9);
    EXPECT_EQ(f.cs, kUserCs);
    EXPECT_EQ(f.ss, kUserSs);
    EXPECT_EQ(f.rsp, kUserStack);
    EXPECT_FALSE(m.cpu.rflags() & rflags::IF);
}

TEST(X86ProtectedInterrupts, FaultAtSamePrivilege_PushesErrorCodeOnCurrentStack) {
    DeliveringMachine m;
    m.idt_gate(13, kHandler);
    m.load(kCodeAddr, {0x8e, 0xd8});  // mov ds, ax
    m.reg(R::Rax) = 0x100;            // past the GDT's limit
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop - 16);
    const Frame32 f = frame_at(m, true);
    EXPECT_EQ(f.error, 0x100u);
    EXPECT_EQ(f.rip, kCodeAddr);
    EXPECT_EQ(f.cs, kKernelCs);
}

TEST(X86ProtectedInterrupts, SixteenBitGate_PushesSixteenBitFrame) {
    DeliveringMachine m;
    m.idt_gate(0x30, kHandler, 0, 0x6);
    m.load(kCodeAddr, {0xcd, 0x30});
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop - 6);
    EXPECT_EQ(m.peek(kStackTop - 6, 2), kCodeAddr + 2);
    EXPECT_EQ(m.peek(kStackTop - 4, 2), kKernelCs);
}

TEST(X86ProtectedInterrupts, TrapGate_KeepsInterruptsEnabled) {
    DeliveringMachine m;
    m.idt_gate(0x30, kHandler, 0, 0xf);
    m.idt_gate(0x31, kHandler2, 0, 0xe);
    m.load(kHandler, {0x9c, 0x59, 0xcf});  // pushfd; pop ecx; iretd
    m.load(kCodeAddr, {0xfb, 0xcd, 0x30, 0xcd, 0x31});  // sti; int 0x30; int 0x31
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler2 + 1);
    EXPECT_FALSE(m.cpu.rflags() & rflags::IF);
    EXPECT_TRUE(m.reg(R::Rcx) & rflags::IF);  // what PUSHFD saw in the trap gate's handler
}

TEST(X86ProtectedInterrupts, IntThroughDpl0GateFromUser_GeneralProtectionNamesTheGate) {
    DeliveringMachine m;
    m.idt_gate(0x40, kHandler2, 0);
    m.idt_gate(13, kHandler);
    m.load(kCodeAddr, {0xcd, 0x40});
    m.set_cpl(3);
    m.reg(R::Rsp) = kUserStack;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);
    EXPECT_EQ(m.reg(R::Rsp), kEsp0 - 24);
    const Frame32 f = frame_at(m, true);
    EXPECT_EQ(f.error, 0x40u * 8 + 2);
    EXPECT_EQ(f.rip, kCodeAddr);
}

// #TS for the TSS, whose delivery from CPL 3 needs the same stack again: #DF, which
// fails too: a triple fault.
TEST(X86ProtectedInterrupts, TssWithoutRoomForSs0_InvalidTssThenShutdown) {
    DeliveringMachine m;
    m.idt_gate(0x80, kHandler2, 3);
    m.idt_gate(10, kHandler);
    m.idt_gate(8, kHandler);
    m.cpu.state().tr.limit = 8;  // SS0 at 8..9 lies outside
    m.load(kCodeAddr, {0xcd, 0x80});
    m.set_cpl(3);
    m.reg(R::Rsp) = kUserStack;
    ASSERT_EQ(m.run().kind, EventKind::Shutdown);
    const auto chain = m.cpu.shutdown_chain();
    ASSERT_EQ(chain.size(), 4u);
    EXPECT_EQ(chain[1].event.vector, Vector::TS);
    EXPECT_EQ(chain[1].event.error_code, kTr);
    EXPECT_EQ(chain[2].event.vector, Vector::DF);
    EXPECT_EQ(chain[3].event.vector, Vector::TS);
}

// IRET to CPL 3, which then runs into a HLT: the #GP's frame shows where IRET went.
TEST(X86ProtectedInterrupts, IretToUser_NullsKernelDataSegments) {
    DeliveringMachine m;
    m.idt_gate(13, kHandler);
    m.load(kCodeAddr, {0xcf});  // iretd, with a frame for CPL 3 on the kernel stack
    m.load(0x5000, {0xf4});
    const u64 sp = kStackTop - 20;
    m.poke(sp, 4, 0x5000);
    m.poke(sp + 4, 4, kUserCs);
    m.poke(sp + 8, 4, rflags::Fixed1 | rflags::IOPL);  // IOPL is writable at CPL 0
    m.poke(sp + 12, 4, kUserStack);
    m.poke(sp + 16, 4, kUserSs);
    m.reg(R::Rsp) = sp;
    m.cpu.state().seg[static_cast<unsigned>(Seg::Fs)] = ProtectedMachine::segment(kUserSs, kUserData32);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);
    const Frame32 f = frame_at(m, true);
    EXPECT_EQ(f.rip, 0x5000u);
    EXPECT_EQ(f.cs, kUserCs);
    EXPECT_EQ(f.rsp, kUserStack);
    EXPECT_EQ(f.ss, kUserSs);
    EXPECT_EQ(f.rflags & rflags::IOPL, rflags::IOPL);
    EXPECT_EQ(m.seg(Seg::Ds).selector, 0u);  // DPL-0 data: no longer accessible at CPL 3
    EXPECT_EQ(m.seg(Seg::Es).selector, 0u);
    EXPECT_EQ(m.seg(Seg::Fs).selector, kUserSs);  // DPL 3: kept
}

TEST(X86ProtectedInterrupts, IretFromUser_CannotRaiseIoplOrClearIf) {
    DeliveringMachine m;
    m.set_cpl(3);
    m.cpu.set_rflags(rflags::Fixed1 | rflags::IF);
    m.reg(R::Rsp) = kUserStack - 12;
    m.poke(kUserStack - 12, 4, kCodeAddr + 1);
    m.poke(kUserStack - 8, 4, kUserCs);
    m.poke(kUserStack - 4, 4, rflags::Fixed1 | rflags::IOPL | rflags::CF);
    m.load(kCodeAddr, {0xcf, 0xf4});
    m.idt_gate(13, kHandler);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);  // the HLT at CPL 3 faulted
    const Frame32 f = frame_at(m, true);
    EXPECT_EQ(f.rip, kCodeAddr + 1);
    EXPECT_EQ(f.rflags & (rflags::IOPL | rflags::IF | rflags::CF), rflags::IF | rflags::CF);
}

TEST(X86ProtectedInterrupts, IretIntoVirtual8086_GeneralProtection) {
    DeliveringMachine m;
    m.idt_gate(13, kHandler);
    m.load(kCodeAddr, {0xcf});
    m.poke(kStackTop - 12, 4, 0x100);
    m.poke(kStackTop - 8, 4, 0x10);
    m.poke(kStackTop - 4, 4, rflags::Fixed1 | rflags::VM);
    m.reg(R::Rsp) = kStackTop - 12;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kHandler + 1);
    EXPECT_EQ(frame_at(m, true).rip, kCodeAddr);
}

}  // namespace
}  // namespace flint::x86::test::pm
