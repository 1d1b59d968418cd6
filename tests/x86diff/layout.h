#pragma once
// Where the differential harness puts things in the guest address space. Both sides (the
// host child process and the emulator's bus) use the same addresses, so RIP-relative
// operands, relative branches and pushed return addresses are identical byte for byte.
#include "base/types.h"

namespace flint::x86diff {

inline constexpr u64 kPage = 4096;

// One executable page: fixed stub code at the bottom, the instruction under test in the
// middle, landing pads around it.
inline constexpr u64 kCodeBase = 0x10000000;
inline constexpr u64 kPrologueAddr = kCodeBase;          // host only: loads the guest state
inline constexpr u64 kEpilogueAddr = kCodeBase + 0x200;  // host only: stores the guest state
inline constexpr u64 kRecoverAddr = kCodeBase + 0x400;   // host only: return after a fault
inline constexpr u64 kInsnAddr = kCodeBase + 0x800;      // the instruction under test

// Every way out of the instruction (fall through, branch taken forwards or backwards, RET to
// a pushed address) lands on a 16-byte pad that records its own offset from kInsnAddr.
inline constexpr u64 kPadSize = 16;
inline constexpr unsigned kForwardPads = 4;   // at insn_end + 16*k, k = 0..3
inline constexpr unsigned kBackwardPads = 2;  // at kInsnAddr - 16*k, k = 1..2

// Host only: the block the stub loads the guest state from and stores it to.
inline constexpr u64 kStateAddr = kCodeBase + kPage;

// The data area: memory operands, string operands and the guest stack all live here.
// The pages either side are kept unmapped so that overruns fault on both sides.
inline constexpr u64 kDataBase = 0x20000000;
inline constexpr u64 kDataSize = kPage;

}  // namespace flint::x86diff
