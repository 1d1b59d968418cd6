#pragma once
// System registers by name: control-register, EFER and descriptor bits, and the plain
// state a snapshot must carry for them (descriptor-table registers, debug registers,
// MSRs the CPU stores). Intel SDM vol. 3, chapters 2-4; AMD APM vol. 2, chapter 3.
#include <array>

#include "base/types.h"

namespace flint::x86 {

namespace cr0 {
inline constexpr u64 PE = 1u << 0;   // protection enable
inline constexpr u64 MP = 1u << 1;
inline constexpr u64 EM = 1u << 2;
inline constexpr u64 TS = 1u << 3;   // task switched (CLTS clears it)
inline constexpr u64 ET = 1u << 4;   // hardwired to 1 on every processor since the 486
inline constexpr u64 NE = 1u << 5;
inline constexpr u64 WP = 1u << 16;  // supervisor writes honour read-only pages
inline constexpr u64 AM = 1u << 18;
inline constexpr u64 NW = 1u << 29;
inline constexpr u64 CD = 1u << 30;
inline constexpr u64 PG = 1u << 31;
inline constexpr u64 Defined = PE | MP | EM | TS | ET | NE | WP | AM | NW | CD | PG;
// A change of any of these changes how linear addresses translate.
inline constexpr u64 PagingBits = PE | WP | PG;
}  // namespace cr0

namespace cr4 {
inline constexpr u64 VME = 1u << 0;
inline constexpr u64 PVI = 1u << 1;
inline constexpr u64 TSD = 1u << 2;   // RDTSC/RDTSCP are privileged
inline constexpr u64 DE = 1u << 3;
inline constexpr u64 PSE = 1u << 4;   // 4 MiB pages with 32-bit paging
inline constexpr u64 PAE = 1u << 5;
inline constexpr u64 MCE = 1u << 6;
inline constexpr u64 PGE = 1u << 7;   // global pages survive CR3 writes
inline constexpr u64 PCE = 1u << 8;
inline constexpr u64 OSFXSR = 1u << 9;
inline constexpr u64 OSXMMEXCPT = 1u << 10;
// What MOV to CR4 accepts: the bits of features this CPU implements (others #GP).
inline constexpr u64 Writable = TSD | DE | PSE | PAE | MCE | PGE | PCE | OSFXSR | OSXMMEXCPT;
inline constexpr u64 PagingBits = PSE | PAE | PGE;
}  // namespace cr4

namespace efer {
inline constexpr u64 SCE = 1u << 0;   // SYSCALL/SYSRET enable
inline constexpr u64 LME = 1u << 8;   // long mode enable
inline constexpr u64 LMA = 1u << 10;  // long mode active (read-only: set by CR0.PG)
inline constexpr u64 NXE = 1u << 11;  // execute-disable bit in page tables
inline constexpr u64 Defined = SCE | LME | LMA | NXE;
}  // namespace efer

// Architectural limits this CPU reports in CPUID 0x80000008.
inline constexpr unsigned kPhysAddrBits = 40;
inline constexpr u64 kPhysAddrMask = (u64{1} << kPhysAddrBits) - 1;

// Segment descriptor fields (the high dword of an 8-byte descriptor).
namespace desc {
inline constexpr u32 TypeMask = 0xf;
inline constexpr u32 Accessed = 1u << 0;
inline constexpr u32 Writable = 1u << 1;  // data: writable; code: readable
inline constexpr u32 Conforming = 1u << 2;  // code only (data: expand-down)
inline constexpr u32 Code = 1u << 3;
inline constexpr u32 CodeOrData = 1u << 4;  // S: 0 = system descriptor
// System descriptor types.
inline constexpr u32 Ldt = 0x2;
inline constexpr u32 TssAvailable = 0x9;
inline constexpr u32 TssBusy = 0xb;
inline constexpr u32 CallGate = 0xc;
inline constexpr u32 IntGate = 0xe;
inline constexpr u32 TrapGate = 0xf;
inline constexpr u32 IntGate16 = 0x6;
inline constexpr u32 TrapGate16 = 0x7;
}  // namespace desc

namespace selector {
inline constexpr u16 Rpl = 3;
inline constexpr u16 Ti = 1u << 2;  // table indicator: 1 = LDT
inline constexpr u16 Index = 0xfff8;
}  // namespace selector

struct DescriptorTable {
    u64 base = 0;
    u16 limit = 0xffff;
};

// MSRs the CPU keeps itself (FS/GS base live in the segment registers, EFER in CpuState).
struct MsrState {
    u64 star = 0, lstar = 0, cstar = 0, sfmask = 0, kernel_gs_base = 0;
    u64 sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
    u64 pat = 0x0007040600070406;  // the power-on value
    u64 apic_base = 0xfee00000 | (1u << 11) | (1u << 8);  // enabled, bootstrap processor
    u64 misc_enable = 1;  // fast strings
    u64 mtrr_def_type = 0;
    std::array<u64, 11> mtrr_fixed{};
    std::array<u64, 16> mtrr_var{};  // base/mask pairs
    u64 tsc_aux = 0;
};

}  // namespace flint::x86
