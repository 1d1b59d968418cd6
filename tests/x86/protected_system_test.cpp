// 32-bit protected mode at the instruction level: far CALL/JMP through call gates (with
// the inner stack and the parameter copy) and far RET back to CPL 3, the TSS I/O
// permission bitmap, LDS/LSS, ARPL, and POPF's privilege rules.
#include "protected_mode_util.h"

namespace flint::x86::test::pm {
namespace {

constexpr u16 kGate = 0x30;  // GDT slot 6
constexpr u64 kUserStack = 0x6000;
constexpr u32 kTarget = 0x5000;
constexpr u32 kGpHandler = 0x3000;  // HLT at CPL 0: where a #GP ends a test

// CPL 3 with a #GP handler; the test's code runs at kCodeAddr.
struct UserMachine : ProtectedMachine {
    UserMachine() {
        set_cpl(3);
        reg(R::Rsp) = kUserStack;
        load(kGpHandler, {0xf4});
        idt_gate(13, kGpHandler);
    }
    // Runs until the #GP handler's HLT; the #GP's error code and EIP.
    void run_to_gp(u64& error, u64& eip) {
        ASSERT_EQ(run().kind, EventKind::Halt);
        ASSERT_EQ(cpu.state().rip, kGpHandler + 1u);
        error = peek(reg(R::Rsp), 4);
        eip = peek(reg(R::Rsp) + 4, 4);
    }
};

TEST(X86ProtectedSystem, CallGateFromUser_SwitchesStackCopiesParametersAndRetfReturns) {
    UserMachine m;
    m.gate(kGdt + kGate, kKernelCs, kTarget, 0xc, 3, 2);
    // push 0x11; push 0x22; call far 0x33:0; hlt (a #GP at CPL 3, which ends the test)
    m.load(kCodeAddr, {0x6a, 0x11, 0x6a, 0x22, 0x9a, 0, 0, 0, 0, 0x33, 0, 0xf4});
    // mov eax, [esp+8]; mov ebx, [esp+12]; mov ecx, esp; mov edx, ss; mov esi, cs;
    // mov edi, [esp+16]; retf 8
    m.load(kTarget, {0x8b, 0x44, 0x24, 0x08, 0x8b, 0x5c, 0x24, 0x0c, 0x89, 0xe1, 0x8c, 0xd2, 0x8c, 0xce, 0x8b, 0x7c,
                     0x24, 0x10, 0xca, 0x08, 0x00});
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(eip, kCodeAddr + 11);  // RETF went back to CPL 3, past the CALL
    EXPECT_EQ(m.peek(m.reg(R::Rsp) + 8, 4), kUserCs);
    EXPECT_EQ(m.peek(m.reg(R::Rsp) + 16, 4), kUserStack);  // RETF 8 released the parameters
    EXPECT_EQ(m.reg(R::Rax), 0x22u);  // the parameters, in the caller's order
    EXPECT_EQ(m.reg(R::Rbx), 0x11u);
    EXPECT_EQ(m.reg(R::Rcx), kEsp0 - 24);  // SS, ESP, 2 parameters, CS, EIP
    EXPECT_EQ(m.reg(R::Rdx) & 0xffff, kKernelSs);
    EXPECT_EQ(m.reg(R::Rsi) & 0xffff, kKernelCs);
    EXPECT_EQ(m.reg(R::Rdi), kUserStack - 8);  // the caller's ESP after its pushes
}

TEST(X86ProtectedSystem, CallGateAboveCallersPrivilege_GeneralProtectionNamesTheGate) {
    UserMachine m;
    m.gate(kGdt + kGate, kKernelCs, kTarget, 0xc, 0);
    m.load(kCodeAddr, {0x9a, 0, 0, 0, 0, 0x33, 0});
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(error, kGate);
    EXPECT_EQ(eip, kCodeAddr);
}

TEST(X86ProtectedSystem, JmpThroughGateToInnerLevel_GeneralProtectionNamesTheCode) {
    UserMachine m;
    m.gate(kGdt + kGate, kKernelCs, kTarget, 0xc, 3);
    m.load(kCodeAddr, {0xea, 0, 0, 0, 0, 0x33, 0});
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(error, kKernelCs);  // a JMP never changes privilege
}

TEST(X86ProtectedSystem, CallGateAtSameLevel_PushesOnTheCurrentStack) {
    ProtectedMachine m;
    m.gate(kGdt + kGate, kKernelCs, kTarget, 0xc, 0);
    m.load(kCodeAddr, {0x9a, 0, 0, 0, 0, 0x30, 0});
    m.load(kTarget, {0xf4});
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.cpu.state().rip, kTarget + 1u);
    EXPECT_EQ(m.reg(R::Rsp), kStackTop - 8);
    EXPECT_EQ(m.peek(kStackTop - 8, 4), kCodeAddr + 7);
    EXPECT_EQ(m.peek(kStackTop - 4, 4), kKernelCs);
}

// The TSS grows an I/O bitmap at 0x68 with ports 0x80-0x87 open, the rest closed.
struct IoMachine : UserMachine {
    IoMachine() {
        poke(kTss + 0x66, 2, 0x68);
        for (u64 i = 0; i < 0x20; ++i) poke(kTss + 0x68 + i, 1, 0xff);
        poke(kTss + 0x68 + 0x10, 1, 0x00);  // ports 0x80-0x87
        cpu.state().tr.limit = 0x68 + 0x20;
    }
};

TEST(X86ProtectedSystem, IoBitmap_OpenPortsPassClosedOnesFault) {
    IoMachine m;
    // out 0x80, al; mov dx, 0x86; out dx, ax (0x86-0x87); mov dx, 0x87; out dx, ax (0x88 closed)
    m.load(kCodeAddr, {0xe6, 0x80, 0x66, 0xba, 0x86, 0x00, 0x66, 0xef, 0x66, 0xba, 0x87, 0x00, 0x66, 0xef});
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(error, 0u);
    EXPECT_EQ(eip, kCodeAddr + 12);
}

TEST(X86ProtectedSystem, IoBitmapBeyondTssLimit_GeneralProtection) {
    IoMachine m;
    m.cpu.state().tr.limit = 0x68 + 0x10;  // the byte for ports 0x80-0x87 and its successor are outside
    m.load(kCodeAddr, {0xe6, 0x80});
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(eip, kCodeAddr);
}

TEST(X86ProtectedSystem, InsAboveIopl_ChecksTheBitmapFirst) {
    IoMachine m;
    m.reg(R::Rdx) = 0x90;
    m.reg(R::Rdi) = 0x4000;
    m.load(kCodeAddr, {0x6c});  // insb
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(eip, kCodeAddr);
    EXPECT_EQ(m.reg(R::Rdi), 0x4000u);
}

TEST(X86ProtectedSystem, PopfAtUser_KeepsIoplAndIf) {
    UserMachine m;
    m.cpu.set_rflags(rflags::Fixed1 | rflags::IF);
    m.reg(R::Rax) = rflags::Fixed1 | rflags::IOPL | rflags::CF;
    m.load(kCodeAddr, {0x50, 0x9d, 0x9c, 0x5b, 0xf4});  // push eax; popfd; pushfd; pop ebx; hlt
    u64 error, eip;
    m.run_to_gp(error, eip);
    EXPECT_EQ(m.reg(R::Rbx) & (rflags::IOPL | rflags::IF | rflags::CF), rflags::IF | rflags::CF);
}

TEST(X86ProtectedSystem, LdsAndLss_LoadSegmentAndOffset) {
    ProtectedMachine m;
    m.poke(0x4000, 4, 0x12345678);
    m.poke(0x4004, 2, kKernelSs);
    m.poke(0x4010, 4, 0x7000);
    m.poke(0x4014, 2, kKernelSs);
    m.reg(R::Rbx) = 0x4000;
    m.load(kCodeAddr, {0xc5, 0x03, 0x0f, 0xb2, 0x63, 0x10, 0xf4});  // lds eax, [ebx]; lss esp, [ebx+0x10]
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x12345678u);
    EXPECT_EQ(m.seg(Seg::Ds).selector, kKernelSs);
    EXPECT_EQ(m.reg(R::Rsp), 0x7000u);
}

TEST(X86ProtectedSystem, LdsWithCodeSelectorForSs_GeneralProtection) {
    ProtectedMachine m;
    m.load(kGpHandler, {0xf4});
    m.idt_gate(13, kGpHandler);
    m.poke(0x4000, 4, 0x1234);
    m.poke(0x4004, 2, kKernelCs);
    m.reg(R::Rbx) = 0x4000;
    m.reg(R::Rsp) = 0x7000;
    m.load(kCodeAddr, {0x0f, 0xb2, 0x23});  // lss esp, [ebx]: SS must be writable data
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(m.reg(R::Rsp), 4), kKernelCs);  // #GP(selector)
    EXPECT_EQ(m.peek(m.reg(R::Rsp) + 4, 4), kCodeAddr);
    EXPECT_EQ(m.reg(R::Rsp), 0x7000u - 16);  // ESP was not loaded
}

TEST(X86ProtectedSystem, Arpl_RaisesRplAndSetsZf) {
    ProtectedMachine m;
    m.reg(R::Rax) = 0x10;
    m.reg(R::Rbx) = 0x2b;
    m.reg(R::Rcx) = 0x13;
    m.load(kCodeAddr, {0x63, 0xd8, 0x9c, 0x5e, 0x63, 0xd9, 0x9c, 0x5f, 0xf4});
    // arpl ax, bx; pushfd; pop esi; arpl cx, bx; pushfd; pop edi; hlt
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x13u);
    EXPECT_TRUE(m.reg(R::Rsi) & rflags::ZF);
    EXPECT_EQ(m.reg(R::Rcx), 0x13u);  // already RPL 3
    EXPECT_FALSE(m.reg(R::Rdi) & rflags::ZF);
}

}  // namespace
}  // namespace flint::x86::test::pm
