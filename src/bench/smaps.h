#pragma once
// How much of a child's guest RAM is resident, read from /proc/PID/smaps. Both Flint and
// QEMU map guest RAM as one mapping of exactly the guest's memory size, so the mapping of
// that size is the guest's RAM.
#include <sys/types.h>

#include <optional>

#include "base/types.h"

namespace flint::bench {

// Resident bytes of the largest-resident mapping of exactly `size` bytes in process `pid`;
// nullopt when there is none (or the process is gone).
std::optional<u64> resident_of_mapping(pid_t pid, u64 size);

}  // namespace flint::bench
