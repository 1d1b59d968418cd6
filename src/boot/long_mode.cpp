#include "boot/long_mode.h"

#include <array>
#include <cstddef>
#include <span>

#include "boot/layout.h"

namespace flint::boot {

namespace {

constexpr u64 kEntriesPerTable = 512;
constexpr u64 kLargePage = 2 * MiB;
constexpr u32 kFlatLimit = 0xffffffff;  // as the CPU caches it: 0xfffff pages, g=1
constexpr u32 kTssLimit = 0x67;         // a 64-bit TSS is 104 bytes
constexpr u8 kTypeCodeExecReadAccessed = 0xb;
constexpr u8 kTypeDataReadWriteAccessed = 0x3;
constexpr u8 kTypeTss64Busy = 0xb;
constexpr u8 kTypeLdt = 0x2;

// Descriptor bit positions (Intel SDM vol. 3, 3.4.5).
constexpr unsigned kDescBaseLowShift = 16;   // base 23:0
constexpr unsigned kDescTypeShift = 40;
constexpr unsigned kDescSShift = 44;
constexpr unsigned kDescDplShift = 45;
constexpr unsigned kDescPShift = 47;
constexpr unsigned kDescAvlShift = 52;
constexpr unsigned kDescLShift = 53;
constexpr unsigned kDescDbShift = 54;
constexpr unsigned kDescGShift = 55;
constexpr unsigned kDescLimitHighShift = 48;  // limit 19:16
constexpr unsigned kDescBaseHighShift = 56;   // base 31:24

// Register numbers in hv::Regs::gpr (encoding order).
constexpr std::size_t kGprRsp = 4;
constexpr std::size_t kGprRsi = 6;

Result<void> write_u64s(const GuestMemory& mem, u64 gpa, std::span<const u64> values) {
    const std::span<const u8> bytes(reinterpret_cast<const u8*>(values.data()), values.size_bytes());
    if (!mem.write(gpa, bytes)) return Error::format("boot tables at {:#x} do not fit in guest memory", gpa);
    return ok();
}

hv::Segment flat_segment(u16 selector, u8 type) {
    hv::Segment s;
    s.base = 0;
    s.limit = kFlatLimit;
    s.selector = selector;
    s.type = type;
    s.present = true;
    s.s = true;
    s.g = true;
    return s;
}

}  // namespace

hv::Segment boot_code_segment() {
    hv::Segment s = flat_segment(kBootCodeSelector, kTypeCodeExecReadAccessed);
    s.l = true;  // 64-bit code; D must then be clear
    return s;
}

hv::Segment boot_data_segment() {
    hv::Segment s = flat_segment(kBootDataSelector, kTypeDataReadWriteAccessed);
    s.db = true;
    return s;
}

hv::Segment boot_tss_segment() {
    hv::Segment s;
    s.base = kTssAddr;
    s.limit = kTssLimit;
    s.selector = kBootTssSelector;
    s.type = kTypeTss64Busy;  // VM entry requires TR to hold a busy TSS
    s.present = true;
    s.s = false;
    return s;
}

u64 encode_descriptor(const hv::Segment& seg) {
    // A limit with g=1 counts 4 KiB pages: the descriptor holds it shifted down by 12.
    const u64 limit = seg.g ? (seg.limit >> 12) : seg.limit;
    u64 d = 0;
    d |= limit & 0xffff;
    d |= (seg.base & 0xffffff) << kDescBaseLowShift;
    d |= u64{seg.type & 0xfu} << kDescTypeShift;
    d |= u64{seg.s} << kDescSShift;
    d |= u64{seg.dpl & 0x3u} << kDescDplShift;
    d |= u64{seg.present} << kDescPShift;
    d |= ((limit >> 16) & 0xf) << kDescLimitHighShift;
    d |= u64{seg.avl} << kDescAvlShift;
    d |= u64{seg.l} << kDescLShift;
    d |= u64{seg.db} << kDescDbShift;
    d |= u64{seg.g} << kDescGShift;
    d |= ((seg.base >> 24) & 0xff) << kDescBaseHighShift;
    return d;
}

Result<void> write_identity_page_tables(const GuestMemory& mem) {
    std::array<u64, kEntriesPerTable> table{};
    table[0] = kPdptAddr | kPtePresent | kPteWritable;
    FLINT_TRY_VOID(write_u64s(mem, kPml4Addr, table));

    table.fill(0);
    for (u64 gib = 0; gib < kIdentityMapGiB; ++gib)
        table[gib] = (kPageDirAddr + gib * kPageTableSize) | kPtePresent | kPteWritable;
    FLINT_TRY_VOID(write_u64s(mem, kPdptAddr, table));

    for (u64 gib = 0; gib < kIdentityMapGiB; ++gib) {
        for (u64 i = 0; i < kEntriesPerTable; ++i)
            table[i] = (gib * GiB + i * kLargePage) | kPtePresent | kPteWritable | kPteLargePage;
        FLINT_TRY_VOID(write_u64s(mem, kPageDirAddr + gib * kPageTableSize, table));
    }
    return ok();
}

Result<void> write_boot_gdt(const GuestMemory& mem) {
    const hv::Segment tss = boot_tss_segment();
    std::array<u64, kGdtSlots> gdt{};
    gdt[kBootCodeSelector / 8] = encode_descriptor(boot_code_segment());
    gdt[kBootDataSelector / 8] = encode_descriptor(boot_data_segment());
    gdt[kBootTssSelector / 8] = encode_descriptor(tss);
    gdt[kBootTssSelector / 8 + 1] = tss.base >> 32;
    FLINT_TRY_VOID(write_u64s(mem, kGdtAddr, gdt));

    // An IDT with no entries and a zero TSS: any fault before the kernel installs its own
    // tables shuts the guest down instead of running stale memory.
    const std::array<u64, 2> idt{};
    FLINT_TRY_VOID(write_u64s(mem, kIdtAddr, idt));
    const std::array<u64, (kTssLimit + 1) / 8> tss_bytes{};
    FLINT_TRY_VOID(write_u64s(mem, kTssAddr, tss_bytes));
    return ok();
}

hv::CpuState long_mode_cpu_state(u64 entry, u64 zero_page) {
    hv::CpuState st;
    st.regs.rip = entry;
    st.regs.rflags = 0x2;  // bit 1 is reserved-one; IF clear: interrupts off, as required
    st.regs.gpr[kGprRsi] = zero_page;
    st.regs.gpr[kGprRsp] = kBootStackTop;

    hv::SpecialRegs& s = st.sregs;
    s.cs = boot_code_segment();
    s.ds = s.es = s.fs = s.gs = s.ss = boot_data_segment();
    s.tr = boot_tss_segment();
    s.ldt = hv::Segment{};
    s.ldt.type = kTypeLdt;
    s.ldt.s = false;
    s.ldt.present = false;
    s.ldt.unusable = true;
    s.gdt = {kGdtAddr, static_cast<u16>(kGdtSlots * 8 - 1)};
    s.idt = {kIdtAddr, 0};

    // PE and PG are what long mode needs; MP, NE and WP are what the kernel sets for
    // itself at once, so it starts in its steady state; ET is read-only one on x86-64.
    s.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
    s.cr3 = kPml4Addr;
    s.cr4 = kCr4Pae;
    s.efer = kEferLme | kEferLma;
    return st;
}

}  // namespace flint::boot
