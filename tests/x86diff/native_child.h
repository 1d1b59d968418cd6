#pragma once
// The host side's child process: sets up the fixed mappings and the fault handlers, then
// serves batches until its command pipe closes. Never returns.
#include <cstddef>

#include "test_case.h"

namespace flint::x86diff {

// Shared-memory layout between the runner and its child.
inline constexpr size_t kNativeBatch = 4096;
inline constexpr u32 kNativeReady = 0x78386466;  // sent once the child is set up

struct NativeBatch {
    volatile u32 progress;  // index of the case the child is running (for crash blame)
    u32 reserved;
    Case cases[kNativeBatch];
    Outcome outcomes[kNativeBatch];
};

[[noreturn]] void native_child_main(NativeBatch* batch, int cmd_fd, int result_fd);

}  // namespace flint::x86diff
