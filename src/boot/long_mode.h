#pragma once
// The 64-bit machine state a Linux kernel expects at its 64-bit entry point: paging on
// with an identity map, a flat GDT with __BOOT_CS/__BOOT_DS, interrupts off. This file
// writes the tables into guest memory and builds the matching vCPU state.
#include "base/result.h"
#include "hv/cpu_state.h"
#include "memory/guest_memory.h"

namespace flint::boot {

// The boot protocol fixes these selectors: CS must be __BOOT_CS, DS/ES/SS __BOOT_DS.
inline constexpr u16 kBootCodeSelector = 0x10;
inline constexpr u16 kBootDataSelector = 0x18;
inline constexpr u16 kBootTssSelector = 0x20;  // 16-byte system descriptor: two GDT slots

// Control-register and EFER bits (Intel SDM vol. 3, 2.5 and 2.2.1).
enum Cr0 : u64 {
    kCr0Pe = u64{1} << 0,   // protection enable
    kCr0Mp = u64{1} << 1,   // monitor coprocessor
    kCr0Et = u64{1} << 4,   // extension type (hard-wired on modern CPUs)
    kCr0Ne = u64{1} << 5,   // native x87 error reporting
    kCr0Wp = u64{1} << 16,  // supervisor writes honour read-only pages
    kCr0Pg = u64{1} << 31,  // paging
};
enum Cr4 : u64 {
    kCr4Pae = u64{1} << 5,
};
enum Efer : u64 {
    kEferLme = u64{1} << 8,   // long mode enable
    kEferLma = u64{1} << 10,  // long mode active
};

// Page-table entry bits (Intel SDM vol. 3, 4.5).
enum PageEntry : u64 {
    kPtePresent = u64{1} << 0,
    kPteWritable = u64{1} << 1,
    kPteLargePage = u64{1} << 7,  // in a page directory: this entry maps a 2 MiB page
};

// The hidden state of the boot segments; the GDT entries are encoded from the same values.
hv::Segment boot_code_segment();
hv::Segment boot_data_segment();
hv::Segment boot_tss_segment();

// Encodes a code/data segment as an 8-byte GDT descriptor, or the low half of a system
// descriptor (the high half holds base bits 63:32).
u64 encode_descriptor(const hv::Segment& seg);

// Writes PML4, PDPT and page directories identity-mapping the first kIdentityMapGiB GiB.
Result<void> write_identity_page_tables(const GuestMemory& mem);

// Writes the boot GDT, the empty IDT and the zeroed TSS.
Result<void> write_boot_gdt(const GuestMemory& mem);

// The vCPU state for the 64-bit entry: long mode through the tables above, RIP at
// `entry`, RSI pointing at the zero page.
hv::CpuState long_mode_cpu_state(u64 entry, u64 zero_page);

}  // namespace flint::boot
