#pragma once
// The hardware-reduced ACPI sleep and reset registers (ACPI 6.x, 4.8.3.7 and 4.8.3.6),
// one byte each, at the ports the FADT names (see config.h for the map):
//
//   offset 0  SLEEP_CONTROL_REG  write: bit 5 SLP_EN, bits 2-4 SLP_TYP. SLP_EN with the
//                                S5 type powers the VM off; other sleep states are not
//                                supported and the write is ignored.
//   offset 1  SLEEP_STATUS_REG   reads 0 (WAK_STS never sets: the VM never wakes from a
//                                sleep state); writes ignored, the guest writes WAK_STS
//                                here to clear it before sleeping.
//   offset 2  RESET_REG          write kResetValue: reset the VM.
//
// Reads of any register return 0. Writes that do nothing are counted. The device only
// reports power-off and reset; stopping or restarting the VM is the VMM's job.
#include <atomic>
#include <functional>
#include <span>

#include "base/types.h"
#include "devices/bus.h"

namespace flint::acpi {

class SleepControl final : public BusDevice {
public:
    using Handler = std::function<void()>;

    // SLEEP_CONTROL_REG fields.
    static constexpr u8 kSlpTypShift = 2;
    static constexpr u8 kSlpTypMask = 0b111 << kSlpTypShift;
    static constexpr u8 kSlpEn = 1 << 5;

    // The handlers run on the vCPU thread that wrote the register, possibly on several
    // vCPUs at once and more than once: they must be thread-safe and idempotent.
    SleepControl(Handler on_poweroff, Handler on_reset)
        : m_on_poweroff(std::move(on_poweroff)), m_on_reset(std::move(on_reset)) {}

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // Writes that requested nothing Flint does: unsupported sleep states, unknown reset
    // values, accesses wider than a byte or outside the block.
    u64 ignored_writes() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    enum class Register : u64 {
        SleepControl = 0,  // write-only
        SleepStatus = 1,   // reads 0, writes ignored
        Reset = 2,         // write-only
    };

    void write_sleep_control(u8 value);
    void write_reset(u8 value);
    void ignore();

    Handler m_on_poweroff;
    Handler m_on_reset;
    std::atomic<u64> m_ignored{0};
    std::atomic<bool> m_logged{false};
};

}  // namespace flint::acpi
