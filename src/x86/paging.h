#pragma once
// Page-table entry bits and the result of a page walk (Intel SDM vol. 3, chapter 4; AMD
// APM vol. 2, chapter 5). The walk itself is Cpu::walk in paging.cpp; the soft TLB that
// caches its results is in cpu.h / tlb.cpp.
#include "base/types.h"
#include "x86/system_regs.h"

namespace flint::x86 {

namespace pte {
inline constexpr u64 P = 1u << 0;    // present
inline constexpr u64 RW = 1u << 1;   // writable
inline constexpr u64 US = 1u << 2;   // user accessible
inline constexpr u64 PWT = 1u << 3;
inline constexpr u64 PCD = 1u << 4;
inline constexpr u64 A = 1u << 5;    // accessed: set by the walk
inline constexpr u64 D = 1u << 6;    // dirty: set on the first write through a leaf
inline constexpr u64 PS = 1u << 7;   // page size: the entry maps a large page
inline constexpr u64 G = 1u << 8;    // global (with CR4.PGE): survives CR3 writes
inline constexpr u64 LargePat = 1u << 12;  // PAT bit of a large-page entry
inline constexpr u64 XD = u64{1} << 63;    // execute disable (with EFER.NXE)
// The next table or page frame in PAE/4-level entries, up to MAXPHYADDR.
inline constexpr u64 Frame = kPhysAddrMask & ~u64{0xfff};
// Physical-address bits above MAXPHYADDR that 52-bit entries could hold: reserved.
inline constexpr u64 AboveMaxPhys = ((u64{1} << 52) - 1) & ~kPhysAddrMask;
// PAE page-directory-pointer entries (loaded by CR3 on hardware) have no RW/US/A/D/PS.
inline constexpr u64 PaePdpteReserved = (3u << 1) | (0xfu << 5);
// 32-bit paging: 4 MiB pages put physical bits 39:32 (PSE-36) in bits 20:13; bit 21 is
// reserved with a 40-bit physical address.
inline constexpr u32 Frame32 = 0xfffff000;
inline constexpr u32 Pse4MFrame = 0xffc00000;
inline constexpr unsigned Pse36Shift = 13;
inline constexpr u32 Pse36Bits = 0xffu << Pse36Shift;
inline constexpr u32 Pse4MReserved = 1u << 21;
}  // namespace pte

// #PF error code bits beyond those in types.h.
namespace pf_error {
inline constexpr u32 Reserved = 1u << 3;  // a reserved bit was set in a paging entry
}  // namespace pf_error

enum class Access : u8 { Read, Write, Fetch };

// One successful translation, at 4 KiB granularity (what the soft TLB caches).
struct Translation {
    u64 phys = 0;        // physical address of the 4 KiB page
    u8 page_shift = 12;  // log2 of the mapping's real size: INVLPG drops the whole mapping
    bool global = false;
};

}  // namespace flint::x86
