#pragma once
// Where the Linux loader puts things in guest-physical memory. Every fixed address the
// loader uses is here, so that the map below stays the single truth.
//
//   0x0000_0000 .. 0x0000_04ff  real-mode IVT and BIOS data area (left zero)
//   0x0000_0500 .. 0x0000_052f  boot GDT: null, unused, code 0x10, data 0x18, TSS 0x20 (16 B)
//   0x0000_0540 .. 0x0000_054f  boot IDT (empty: the kernel installs its own)
//   0x0000_0600 .. 0x0000_0667  boot TSS (zero; exists only so TR names a valid TSS)
//   0x0000_7000 .. 0x0000_7fff  zero page (struct boot_params)
//   0x0000_8000 .. 0x0000_8fff  boot stack, grows down from kBootStackTop
//   0x0000_9000 .. 0x0000_9fff  PML4
//   0x0000_a000 .. 0x0000_afff  PDPT
//   0x0000_b000 .. 0x0000_efff  four page directories: 4 GiB identity map in 2 MiB pages
//   0x0002_0000 .. 0x0007_ffff  kernel command line (NUL-terminated)
//   0x0009_fc00 .. 0x000f_ffff  EBDA, VGA window, option and BIOS ROMs (e820 reserved)
//   0x0010_0000 ..              protected-mode kernel (at pref_address, usually 16 MiB)
//   ...  high in low RAM        initrd, as high as the kernel allows
#include "base/types.h"

namespace flint::boot {

inline constexpr u64 kGdtAddr = 0x500;
inline constexpr u64 kGdtSlots = 6;  // 8-byte slots; the TSS descriptor takes two
inline constexpr u64 kIdtAddr = 0x540;
inline constexpr u64 kTssAddr = 0x600;
inline constexpr u64 kZeroPageAddr = 0x7000;
inline constexpr u64 kBootStackBottom = 0x8000;
inline constexpr u64 kBootStackTop = 0x8ff0;
inline constexpr u64 kPageTableSize = 4 * KiB;
inline constexpr u64 kPml4Addr = 0x9000;
inline constexpr u64 kPdptAddr = 0xa000;
inline constexpr u64 kPageDirAddr = 0xb000;  // kIdentityMapGiB directories, 4 KiB apart
inline constexpr u64 kIdentityMapGiB = 4;
inline constexpr u64 kCmdlineAddr = 0x20000;
inline constexpr u64 kCmdlineMax = 0x80000 - kCmdlineAddr;  // bytes, terminating NUL included

// The PC's conventional-memory hole: usable RAM ends at the EBDA, and everything up to
// 1 MiB is reserved, as firmware reports it on real hardware.
inline constexpr u64 kEbdaStart = 0x9fc00;
inline constexpr u64 kHighMemoryStart = 0x100000;  // 1 MiB: the traditional bzImage load address

// The protocol asks for a page-aligned initrd; a coarser alignment would only waste the
// top of RAM when the fit is tight.
inline constexpr u64 kInitrdAlign = 4 * KiB;

// The map above, checked: each area ends before the next begins.
static_assert(kGdtAddr + kGdtSlots * 8 <= kIdtAddr && kIdtAddr + 16 <= kTssAddr);
static_assert(kTssAddr + 0x68 <= kZeroPageAddr);
static_assert(kZeroPageAddr + 4 * KiB <= kBootStackBottom && kBootStackTop < kPml4Addr);
static_assert(kPml4Addr + kPageTableSize == kPdptAddr && kPdptAddr + kPageTableSize == kPageDirAddr);
static_assert(kPageDirAddr + kIdentityMapGiB * kPageTableSize <= kCmdlineAddr);
static_assert(kCmdlineAddr + kCmdlineMax <= kEbdaStart);

}  // namespace flint::boot
