#pragma once
// The code page both sides run: on the host, a prologue that loads the case's registers
// and flags, the instruction under test, landing pads that record where execution came
// out, and an epilogue that stores everything back. The emulator executes only the
// instruction, but it gets the identical page so that any read of it agrees.
#include <cstddef>
#include <span>

#include "layout.h"
#include "test_case.h"

namespace flint::x86diff {

// The host stub's view of kStateAddr. The signal handler writes the fault fields.
struct StateBlock {
    u64 in_gpr[kGprs];
    u64 in_flags;
    u64 out_gpr[kGprs];
    u64 out_flags;
    u32 host_mxcsr;  // the harness's own MXCSR, put back on every way out
    u32 fault_mxcsr;
    i32 pad_id;  // landing pad reached: its offset from kInsnAddr
    i32 reserved;
    u64 host_rsp;
    // Fault record (signal handler).
    i32 signo;
    i32 trapno;
    u64 fault_rip;
    u64 fault_gpr[kGprs];
    u64 fault_flags;
    XmmFile fault_xmm;
    X87State fault_x87;
    // FXRSTOR64 loads the case's x87, MXCSR and XMM state from in_fx; FXSAVE64 stores the
    // result in out_fx.
    alignas(16) u8 in_fx[512];
    alignas(16) u8 out_fx[512];
};
static_assert(sizeof(StateBlock) < kPage);

inline constexpr u32 state_field(size_t offset) { return static_cast<u32>(kStateAddr + offset); }

// Writes the fixed parts (prologue, epilogue, fault recovery, backward pads) into a
// zeroed code page image.
void write_fixed_code(std::span<u8> page);
// Writes the case's instruction at kInsnAddr and the forward pads after it.
void write_case_code(std::span<u8> page, const Case& c);

}  // namespace flint::x86diff
