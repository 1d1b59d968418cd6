// Memory and code cache: self-modifying code, instructions and data crossing pages, #PF
// on unmapped memory with the right address and error code, non-canonical addresses,
// MMIO through the bus (never cached), and host-side invalidation.
#include <map>

#include "exec_test_util.h"

namespace flint::x86::test {
namespace {

TEST(X86Memory, StoreIntoCachedInstruction_IsSeenOnNextExecution) {
    Machine m;
    m.load(kCodeAddr, {
                          0xb8, 0x00, 0x00, 0x00, 0x00,              // 1000: mov eax, 0
                          0x83, 0xf9, 0x01,                          // 1005: cmp ecx, 1
                          0x74, 0x0e,                                // 1008: je 1018
                          0xb9, 0x01, 0x00, 0x00, 0x00,              // 100a: mov ecx, 1
                          0xc6, 0x05, 0xeb, 0xff, 0xff, 0xff, 0x42,  // 100f: mov byte [rip-0x15], 0x42
                          0xeb, 0xe8,                                // 1016: jmp 1000
                          0xf4,                                      // 1018: hlt
                      });
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x42u);
    EXPECT_EQ(m.cpu.state().rip, 0x1019u);
}

TEST(X86Memory, StoreIntoNextInstructionOnSamePage_TakesEffectImmediately) {
    Machine m;
    // 1000: mov byte [rip+1], 0x07 -> patches the imm8 of "mov al, 0" at 1007.
    m.load(kCodeAddr, {0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x07, 0xb0, 0x00, 0xf4});
    // Decode the whole block once first, so the patched instruction is cached.
    m.cpu.state().rip = kCodeAddr + 7;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    m.cpu.state().rip = kCodeAddr;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax) & 0xff, 7u);
}

TEST(X86Memory, InstructionCrossingPages_InvalidatedByWriteToSecondPage) {
    Machine m;
    // mov eax, imm32 at 0x1ffe: opcode and 1 imm byte on page 1, 3 imm bytes on page 2.
    m.load(0x1ffe, {0xb8, 0x11, 0x22, 0x33, 0x44, 0xf4});
    m.cpu.state().rip = 0x1ffe;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x44332211u);
    // Patch the last immediate byte (page 2) from guest code running elsewhere.
    m.load(0x5000, {0xc6, 0x04, 0x25, 0x02, 0x20, 0x00, 0x00, 0x99, 0xf4});  // mov byte [0x2002], 0x99
    m.cpu.state().rip = 0x5000;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    m.cpu.state().rip = 0x1ffe;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x99332211u);
}

TEST(X86Memory, HostWriteWithInvalidateCode_IsSeen) {
    Machine m;
    m.load(kCodeAddr, {0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4});
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    m.poke(kCodeAddr + 1, 1, 0x02);
    m.cpu.invalidate_code(kCodeAddr + 1, 1);
    m.cpu.state().rip = kCodeAddr;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 2u);
}

TEST(X86Memory, HostWriteWithFlushTlb_IsSeen) {
    Machine m;
    m.load(kCodeAddr, {0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4});
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    m.poke(kCodeAddr + 1, 1, 0x03);
    m.cpu.flush_tlb();
    m.cpu.state().rip = kCodeAddr;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 3u);
}

TEST(X86Memory, LoadCrossingPages_ReadsBothPages) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x8b, 0x03, 0xf4});  // mov rax, [rbx]
    m.reg(R::Rbx) = 0x2ffc;
    m.poke(0x2ffc, 8, 0x8877665544332211);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0x8877665544332211u);
}

TEST(X86Memory, StoreCrossingPages_WritesBothPages) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x89, 0x03, 0xf4});  // mov [rbx], rax
    m.reg(R::Rbx) = 0x2ffd;
    m.reg(R::Rax) = 0x0102030405060708;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.peek(0x2ffd, 8), 0x0102030405060708u);
}

TEST(X86Memory, LoadFromUnmapped_RaisesPfWithAddress) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x8b, 0x03});
    m.reg(R::Rbx) = 0x200000;
    m.reg(R::Rax) = 0x77;
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Exception);
    EXPECT_EQ(e.vector, Vector::PF);
    EXPECT_TRUE(e.has_error_code);
    EXPECT_EQ(e.error_code & pf_error::Write, 0u);
    EXPECT_EQ(e.address, 0x200000u);
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr);
    EXPECT_EQ(m.reg(R::Rax), 0x77u);
    EXPECT_EQ(m.cpu.retired(), 0u);
}

TEST(X86Memory, LoadCrossingIntoUnmapped_FaultsAtFirstUnmappedByte) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x8b, 0x03});
    m.reg(R::Rbx) = kMemSize - 4;
    const Event e = m.run();
    EXPECT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.address, kMemSize);
}

TEST(X86Memory, StoreCrossingIntoUnmapped_FaultsAndWritesNothing) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x89, 0x03});
    m.reg(R::Rbx) = kMemSize - 4;
    m.reg(R::Rax) = ~u64{0};
    const Event e = m.run();
    EXPECT_EQ(e.vector, Vector::PF);
    EXPECT_NE(e.error_code & pf_error::Write, 0u);
    EXPECT_EQ(e.address, kMemSize);
    EXPECT_EQ(m.peek(kMemSize - 4, 4), 0u);
}

TEST(X86Memory, AddToUnmappedMemory_LeavesFlagsUnchanged) {
    Machine m;
    m.load(kCodeAddr, {0x01, 0x03});
    m.reg(R::Rbx) = 0x200000;
    m.cpu.set_rflags(rflags::Fixed1 | CF | ZF);
    EXPECT_EQ(m.run().vector, Vector::PF);
    EXPECT_EQ(m.cpu.rflags() & kStatus, CF | ZF);
}

TEST(X86Memory, FetchCrossingIntoUnmapped_RaisesFetchPfAtNextPage) {
    Machine m;
    m.load(kMemSize - 2, {0xb8, 0x01});  // mov eax, imm32 with the tail beyond RAM
    m.cpu.state().rip = kMemSize - 2;
    const Event e = m.run();
    ASSERT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.address, kMemSize);
    EXPECT_NE(e.error_code & pf_error::Fetch, 0u);
    EXPECT_EQ(m.cpu.state().rip, kMemSize - 2);
}

TEST(X86Memory, FetchFromUnmapped_RaisesFetchPf) {
    Machine m;
    m.cpu.state().rip = 0x300000;
    const Event e = m.run();
    ASSERT_EQ(e.vector, Vector::PF);
    EXPECT_EQ(e.address, 0x300000u);
    EXPECT_NE(e.error_code & pf_error::Fetch, 0u);
}

TEST(X86Memory, NonCanonicalLoad_RaisesGp) {
    Machine m;
    m.load(kCodeAddr, {0x48, 0x8b, 0x03});
    m.reg(R::Rbx) = 0x8000000000000000;
    const Event e = m.run();
    EXPECT_EQ(e.vector, Vector::GP);
    EXPECT_EQ(e.error_code, 0u);
}

TEST(X86Memory, AddressWrapsAt32BitsIn32BitMode) {
    Machine m(CpuMode::Protected32);
    m.load(kCodeAddr, {0x8b, 0x43, 0x10, 0xf4});  // mov eax, [ebx+0x10]
    m.reg(R::Rbx) = 0xfffffff8;
    m.poke(0x8, 4, 0xfeed);
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rax), 0xfeedu);
}

// RAM at 0 plus a device at 0xf0000000 that counts its accesses.
class MmioBus : public FlatMemory {
public:
    MmioBus() : FlatMemory(0, kMemSize) {}
    bool mmio_read(u64 addr, std::span<u8> data) override {
        if (addr < kDev || addr >= kDev + kPageSize) return false;
        ++reads;
        for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<u8>(addr - kDev + i);
        return true;
    }
    bool mmio_write(u64 addr, std::span<const u8> data) override {
        if (addr < kDev || addr >= kDev + kPageSize) return false;
        for (size_t i = 0; i < data.size(); ++i) written[addr + i] = data[i];
        return true;
    }
    static constexpr u64 kDev = 0xf0000000;
    unsigned reads = 0;
    std::map<u64, u8> written;
};

TEST(X86Memory, Mmio_ReadsAndWritesGoToBusEveryTime) {
    MmioBus bus;
    Cpu cpu(bus, CpuModel::flint_default());
    cpu.set_mode(CpuMode::Long64);
    // mov eax, [rbx]; mov eax, [rbx]; mov [rbx+8], cx; hlt
    const u8 code[] = {0x8b, 0x03, 0x8b, 0x03, 0x66, 0x89, 0x4b, 0x08, 0xf4};
    std::copy(std::begin(code), std::end(code), bus.at(kCodeAddr));
    cpu.state().rip = kCodeAddr;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rbx)] = MmioBus::kDev + 0x10;
    cpu.state().gpr[static_cast<unsigned>(Reg::Rcx)] = 0xbeef;
    ASSERT_EQ(cpu.run(100).kind, EventKind::Halt);
    EXPECT_EQ(bus.reads, 2u);
    EXPECT_EQ(cpu.state().gpr[0], 0x13121110u);
    EXPECT_EQ(bus.written[MmioBus::kDev + 0x18], 0xef);
    EXPECT_EQ(bus.written[MmioBus::kDev + 0x19], 0xbe);
}

TEST(X86Memory, StateRflagsWrittenDirectly_IsPickedUp) {
    Machine m;
    m.load(kCodeAddr, {0x72, 0x05, 0xb9, 1, 0, 0, 0, 0xf4});  // jc +5; mov ecx, 1; hlt
    m.cpu.state().rflags = rflags::Fixed1 | CF;
    ASSERT_EQ(m.run().kind, EventKind::Halt);
    EXPECT_EQ(m.reg(R::Rcx), 0u);
    EXPECT_EQ(m.cpu.state().rflags & CF, CF);
}

}  // namespace
}  // namespace flint::x86::test
