// Segment limit and type checks outside 64-bit mode: accesses past the limit of
// expand-up and expand-down segments, writes to read-only data, reads of execute-only
// code and accesses through a null selector raise #GP(0), or #SS(0) through SS; REP
// string runs stop at the limit.
#include "protected_mode_util.h"

namespace flint::x86::test::pm {
namespace {

constexpr u16 kSmall = 0x30;     // data, base 0x10000, limit 0xfff
constexpr u16 kDown = 0x38;      // expand-down data, base 0x10000, limit 0xfff, B=1
constexpr u16 kReadOnly = 0x40;  // read-only data, flat
constexpr u16 kExecOnly = 0x48;  // execute-only code, flat
constexpr u32 kHandler = 0x3000;
constexpr u64 kBase = 0x10000;

struct LimitMachine : ProtectedMachine {
    LimitMachine() {
        poke(kGdt + kSmall, 8, descriptor(kBase, 0xfff, 0x93, 0x4));
        poke(kGdt + kDown, 8, descriptor(kBase, 0xfff, 0x97, 0x4));
        poke(kGdt + kReadOnly, 8, descriptor(0, 0xfffff, 0x91, 0xc));
        poke(kGdt + kExecOnly, 8, descriptor(0, 0xfffff, 0x99, 0xc));
        load(kHandler, {0xf4});
        idt_gate(13, kHandler);
        idt_gate(12, kHandler + 0x10);
        load(kHandler + 0x10, {0xf4});
    }
    // Loads `sel` into DS (mov ds, ax), then runs `code`; the result is the vector taken
    // (13, 12) or 0 when the code reached its final HLT.
    unsigned run_with_ds(u16 sel, std::vector<u8> code) {
        std::vector<u8> all{0x8e, 0xd8};
        all.insert(all.end(), code.begin(), code.end());
        all.push_back(0xf4);
        load(kCodeAddr, all);
        reg(R::Rax) = sel;
        if (run().kind != EventKind::Halt) return 255;
        const u64 rip = cpu.state().rip;
        if (rip == kHandler + 1) return 13;
        if (rip == kHandler + 0x11) return 12;
        return rip == kCodeAddr + all.size() ? 0 : 254;
    }
    u64 error() { return peek(reg(R::Rsp), 4); }
    u64 fault_eip() { return peek(reg(R::Rsp) + 4, 4); }
};

TEST(X86SegmentLimit, ReadAtLastDword_Succeeds) {
    LimitMachine m;
    m.poke(kBase + 0xffc, 4, 0xabcd1234);
    EXPECT_EQ(m.run_with_ds(kSmall, {0x8b, 0x0d, 0xfc, 0x0f, 0, 0}), 0u);  // mov ecx, [0xffc]
    EXPECT_EQ(m.reg(R::Rcx), 0xabcd1234u);
}

TEST(X86SegmentLimit, DwordStraddlingTheLimit_GeneralProtectionZero) {
    LimitMachine m;
    EXPECT_EQ(m.run_with_ds(kSmall, {0x8b, 0x0d, 0xfd, 0x0f, 0, 0}), 13u);  // mov ecx, [0xffd]
    EXPECT_EQ(m.error(), 0u);
    EXPECT_EQ(m.fault_eip(), kCodeAddr + 2);
}

TEST(X86SegmentLimit, WritePastTheLimit_LeavesMemoryAlone) {
    LimitMachine m;
    EXPECT_EQ(m.run_with_ds(kSmall, {0xc6, 0x05, 0x00, 0x10, 0, 0, 0x55}), 13u);  // mov byte [0x1000], 0x55
    EXPECT_EQ(m.peek(kBase + 0x1000, 1), 0u);
}

TEST(X86SegmentLimit, ExpandDown_OffsetsAboveTheLimitOnly) {
    LimitMachine m;
    m.poke(kBase + 0x1000, 4, 0x77);
    EXPECT_EQ(m.run_with_ds(kDown, {0x8b, 0x0d, 0x00, 0x10, 0, 0}), 0u);  // mov ecx, [0x1000]
    EXPECT_EQ(m.reg(R::Rcx), 0x77u);
    LimitMachine m2;
    EXPECT_EQ(m2.run_with_ds(kDown, {0x8b, 0x0d, 0xfe, 0x0f, 0, 0}), 13u);  // [0xffe]: partly at or below
}

TEST(X86SegmentLimit, ReadOnlyData_ReadsButRefusesWrites) {
    LimitMachine m;
    m.poke(0x4000, 4, 0x99);
    // mov ecx, [0x4000]; mov [0x4000], ecx
    EXPECT_EQ(m.run_with_ds(kReadOnly, {0x8b, 0x0d, 0x00, 0x40, 0, 0, 0x89, 0x0d, 0x00, 0x40, 0, 0}), 13u);
    EXPECT_EQ(m.reg(R::Rcx), 0x99u);
    EXPECT_EQ(m.fault_eip(), kCodeAddr + 8);
}

TEST(X86SegmentLimit, ExecuteOnlyCode_CannotBeLoadedIntoDs) {
    LimitMachine m;
    EXPECT_EQ(m.run_with_ds(kExecOnly, {}), 13u);  // MOV DS checks readability
    EXPECT_EQ(m.error(), kExecOnly);
}

TEST(X86SegmentLimit, ReadThroughCsOverride_ChecksTheCodeSegment) {
    LimitMachine m;
    m.poke(0x4000, 4, 0x1234);
    EXPECT_EQ(m.run_with_ds(kKernelSs, {0x2e, 0x8b, 0x0d, 0x00, 0x40, 0, 0}), 0u);  // mov ecx, cs:[0x4000]
    EXPECT_EQ(m.reg(R::Rcx), 0x1234u);
    LimitMachine m2;
    // cs: writes are never allowed
    EXPECT_EQ(m2.run_with_ds(kKernelSs, {0x2e, 0x89, 0x0d, 0x00, 0x40, 0, 0}), 13u);
}

TEST(X86SegmentLimit, NullDs_GeneralProtectionOnAccess) {
    LimitMachine m;
    EXPECT_EQ(m.run_with_ds(0, {0x8b, 0x0d, 0x00, 0x40, 0, 0}), 13u);
    EXPECT_EQ(m.error(), 0u);
    EXPECT_EQ(m.fault_eip(), kCodeAddr + 2);
}

TEST(X86SegmentLimit, PushBelowExpandDownStack_StackFault) {
    LimitMachine m;
    // mov ss, ax (kDown); mov esp, 0x1002; push eax -> ESP 0xffe: at the limit
    m.reg(R::Rcx) = kDown;
    m.load(kCodeAddr, {0x8e, 0xd1, 0xbc, 0x02, 0x10, 0, 0, 0x50, 0xf4});
    // Delivered, the #SS would need the same stack: returned as an event instead.
    m.cpu.set_exception_delivery(Cpu::ExceptionDelivery::ReturnEvents);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::SS);
    EXPECT_EQ(e.error_code, 0u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 7);
    EXPECT_EQ(m.reg(R::Rsp), 0x1002u);
}

TEST(X86SegmentLimit, RepStosbAcrossTheLimit_StopsAtIt) {
    LimitMachine m;
    // mov es, ax; mov edi, 0xff0; mov ecx, 0x40; mov al, 0xaa; rep stosb
    m.load(kCodeAddr, {0x8e, 0xc0, 0xbf, 0xf0, 0x0f, 0, 0, 0xb9, 0x40, 0, 0, 0, 0xb0, 0xaa, 0xf3, 0xaa, 0xf4});
    m.reg(R::Rax) = kSmall;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    ASSERT_EQ(m.cpu.state().rip, kHandler + 1u);
    EXPECT_EQ(m.reg(R::Rdi), 0x1000u);
    EXPECT_EQ(m.reg(R::Rcx), 0x30u);
    EXPECT_EQ(m.peek(kBase + 0xfff, 1), 0xaau);
    EXPECT_EQ(m.peek(kBase + 0x1000, 1), 0u);
}

// CS with a limit that ends inside the code: the instruction running past it faults
// where it starts, the ones before it run.
TEST(X86SegmentLimit, InstructionEndingPastCsLimit_GeneralProtection) {
    LimitMachine m;
    m.poke(kGdt + 0x50, 8, descriptor(0, kCodeAddr + 0x12, 0x9b, 0x4));  // limit 0x1012
    // ljmp 0x50:0x1010 ... at 0x1010: nop; nop; mov eax, 1 (ends at 0x1016)
    m.load(kCodeAddr, {0xea, 0x10, 0x10, 0, 0, 0x50, 0});
    m.load(kCodeAddr + 0x10, {0x90, 0x90, 0xb8, 1, 0, 0, 0});
    m.cpu.set_exception_delivery(Cpu::ExceptionDelivery::ReturnEvents);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(e.error_code, 0u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + 0x12);
}

}  // namespace
}  // namespace flint::x86::test::pm
