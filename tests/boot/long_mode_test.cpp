#include "boot/long_mode.h"

#include <optional>

#include <gtest/gtest.h>

#include "boot/layout.h"

namespace flint::boot {
namespace {

constexpr u64 kAddrMask = 0x000ffffffffff000;  // physical-address bits of a table entry

u64 read_u64(const GuestMemory& mem, u64 gpa) {
    u64 v = 0;
    EXPECT_TRUE(mem.read_obj(gpa, v)) << "at " << gpa;
    return v;
}

// Walks the tables the way the CPU does for a 2 MiB page and returns the physical address.
u64 translate(const GuestMemory& mem, u64 cr3, u64 va) {
    const u64 pml4e = read_u64(mem, cr3 + ((va >> 39) & 0x1ff) * 8);
    EXPECT_TRUE(pml4e & kPtePresent);
    const u64 pdpte = read_u64(mem, (pml4e & kAddrMask) + ((va >> 30) & 0x1ff) * 8);
    EXPECT_TRUE(pdpte & kPtePresent);
    EXPECT_FALSE(pdpte & kPteLargePage);
    const u64 pde = read_u64(mem, (pdpte & kAddrMask) + ((va >> 21) & 0x1ff) * 8);
    EXPECT_TRUE(pde & kPtePresent);
    EXPECT_TRUE(pde & kPteWritable);
    EXPECT_TRUE(pde & kPteLargePage);
    return (pde & 0x000fffffffe00000) | (va & 0x1fffff);
}

class LongMode : public ::testing::Test {
protected:
    void SetUp() override {
        auto mem = GuestMemory::create(64 * MiB);
        ASSERT_TRUE(mem) << mem.error().message();
        m_mem.emplace(std::move(*mem));
    }
    const GuestMemory& mem() const { return *m_mem; }

    std::optional<GuestMemory> m_mem;
};

TEST_F(LongMode, PageTables_IdentityMapFirst4GiBIn2MiBPages) {
    ASSERT_TRUE(write_identity_page_tables(mem()));
    for (u64 va : {u64{0}, u64{0x7000}, 16 * MiB + 0x200, GiB + 3 * MiB, 3 * GiB - 1, 4 * GiB - 2 * MiB})
        EXPECT_EQ(translate(mem(), kPml4Addr, va), va) << std::hex << va;
    // Nothing beyond 4 GiB is mapped.
    EXPECT_EQ(read_u64(mem(), kPdptAddr + 4 * 8), 0u);
    EXPECT_EQ(read_u64(mem(), kPml4Addr + 8), 0u);
}

TEST_F(LongMode, PageDirectoryEntries_AreLargePagesAtSequentialAddresses) {
    ASSERT_TRUE(write_identity_page_tables(mem()));
    const u64 pd2 = kPageDirAddr + 2 * 4096;
    EXPECT_EQ(read_u64(mem(), pd2 + 5 * 8), (2 * GiB + 5 * 2 * MiB) | kPtePresent | kPteWritable | kPteLargePage);
}

TEST_F(LongMode, Gdt_HasFlatCodeAndDataAtBootSelectors) {
    ASSERT_TRUE(write_boot_gdt(mem()));
    EXPECT_EQ(read_u64(mem(), kGdtAddr), 0u);  // null descriptor
    // 64-bit code: limit 0xfffff, G=1, L=1, D=0, P=1, S=1, type 0xb (execute/read, accessed).
    EXPECT_EQ(read_u64(mem(), kGdtAddr + kBootCodeSelector), 0x00af9b000000ffffu);
    // Data: limit 0xfffff, G=1, D/B=1, P=1, S=1, type 0x3 (read/write, accessed).
    EXPECT_EQ(read_u64(mem(), kGdtAddr + kBootDataSelector), 0x00cf93000000ffffu);
    // 64-bit busy TSS at kTssAddr, limit 0x67, S=0, type 0xb; upper half holds base 63:32.
    EXPECT_EQ(read_u64(mem(), kGdtAddr + kBootTssSelector), 0x00008b0000000067u | (kTssAddr << 16));
    EXPECT_EQ(read_u64(mem(), kGdtAddr + kBootTssSelector + 8), 0u);
}

TEST(LongModeState, CpuState_IsLongModeAtEntryWithZeroPageInRsi) {
    const hv::CpuState st = long_mode_cpu_state(16 * MiB + 0x200, kZeroPageAddr);
    EXPECT_EQ(st.regs.rip, 16 * MiB + 0x200);
    EXPECT_EQ(st.regs.gpr[6], kZeroPageAddr);  // RSI
    EXPECT_EQ(st.regs.gpr[4], kBootStackTop);  // RSP
    EXPECT_EQ(st.regs.rflags, 0x2u);           // interrupts off
    const hv::SpecialRegs& s = st.sregs;
    EXPECT_EQ(s.cr0 & (kCr0Pe | kCr0Pg | kCr0Et), kCr0Pe | kCr0Pg | kCr0Et);
    EXPECT_EQ(s.cr3, kPml4Addr);
    EXPECT_TRUE(s.cr4 & kCr4Pae);
    EXPECT_EQ(s.efer, kEferLme | kEferLma);
    EXPECT_EQ(s.gdt.base, kGdtAddr);
    EXPECT_EQ(s.gdt.limit, kGdtSlots * 8 - 1);

    EXPECT_EQ(s.cs.selector, kBootCodeSelector);
    EXPECT_TRUE(s.cs.l);
    EXPECT_FALSE(s.cs.db);
    EXPECT_EQ(s.cs.type, 0xb);
    EXPECT_TRUE(s.cs.s && s.cs.present && s.cs.g);
    for (const hv::Segment* seg : {&s.ds, &s.es, &s.fs, &s.gs, &s.ss}) {
        EXPECT_EQ(seg->selector, kBootDataSelector);
        EXPECT_EQ(seg->type, 0x3);
        EXPECT_TRUE(seg->s && seg->present);
        EXPECT_EQ(seg->base, 0u);
        EXPECT_EQ(seg->limit, 0xffffffffu);
    }
    EXPECT_EQ(s.tr.type, 0xb);
    EXPECT_FALSE(s.tr.s);
    EXPECT_TRUE(s.tr.present);
    EXPECT_EQ(s.tr.selector, kBootTssSelector);
}

TEST(LongModeState, SegmentsInCpuState_MatchTheirGdtDescriptors) {
    const hv::CpuState st = long_mode_cpu_state(0, 0);
    EXPECT_EQ(encode_descriptor(st.sregs.cs), encode_descriptor(boot_code_segment()));
    EXPECT_EQ(encode_descriptor(st.sregs.ss), encode_descriptor(boot_data_segment()));
    EXPECT_EQ(encode_descriptor(st.sregs.tr), encode_descriptor(boot_tss_segment()));
}

}  // namespace
}  // namespace flint::boot
