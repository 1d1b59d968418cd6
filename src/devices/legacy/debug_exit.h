#pragma once
// isa-debug-exit, compatible with QEMU's device of that name: a test guest writes a value
// v to port 0xf4 and the VMM exits with status (v << 1) | 1, so that no guest-chosen
// value can look like a clean exit 0. The device only reports the value; computing the
// status and stopping the VM are the VMM's job.
#include <functional>
#include <span>

#include "base/types.h"
#include "devices/bus.h"

namespace flint {

inline constexpr u64 kDebugExitPortCount = 4;  // 1-, 2- and 4-byte writes at offset 0

class DebugExit final : public BusDevice {
public:
    using ExitHandler = std::function<void(u32 value)>;

    explicit DebugExit(ExitHandler on_exit) : m_on_exit(std::move(on_exit)) {}

    // The process exit status QEMU uses for a written value.
    static constexpr u32 exit_status(u32 value) { return (value << 1) | 1; }

    // Reads return all-ones; the port is write-only.
    void read(u64 offset, std::span<u8> data) override;
    // A write at offset 0 of 1 to 4 bytes reports its little-endian value; writes elsewhere
    // are ignored, as QEMU decodes only the first port.
    void write(u64 offset, std::span<const u8> data) override;

private:
    ExitHandler m_on_exit;
};

}  // namespace flint
