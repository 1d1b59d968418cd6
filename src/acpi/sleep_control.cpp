#include "acpi/sleep_control.h"

#include <algorithm>

#include "acpi/config.h"
#include "base/log.h"

namespace flint::acpi {

static_assert(kSleepControlOffset == 0 && kSleepStatusOffset == 1 && kResetOffset == 2,
              "the port map in config.h and SleepControl::Register must agree");

void SleepControl::read(u64, std::span<u8> data) { std::fill(data.begin(), data.end(), u8{0}); }

void SleepControl::write(u64 offset, std::span<const u8> data) {
    // The FADT declares byte access for all three registers; ACPICA honours it.
    if (data.size() != 1) return ignore();
    const u8 value = data[0];
    switch (static_cast<Register>(offset)) {
    case Register::SleepControl:
        return write_sleep_control(value);
    case Register::SleepStatus:
        // Writing 1 to WAK_STS clears it; it is never set, so there is nothing to do.
        return;
    case Register::Reset:
        return write_reset(value);
    }
    ignore();
}

void SleepControl::write_sleep_control(u8 value) {
    const u8 type = static_cast<u8>((value & kSlpTypMask) >> kSlpTypShift);
    if ((value & kSlpEn) == 0 || type != kSleepTypeS5) return ignore();
    if (m_on_poweroff) m_on_poweroff();
}

void SleepControl::write_reset(u8 value) {
    if (value != kResetValue) return ignore();
    if (m_on_reset) m_on_reset();
}

void SleepControl::ignore() {
    m_ignored.fetch_add(1, std::memory_order_relaxed);
    if (!m_logged.exchange(true, std::memory_order_relaxed)) {
        spdlog::warn("acpi: ignoring a write to the sleep/reset registers "
                     "(only S5 power-off and reset value {:#x} are supported)",
                     kResetValue);
    }
}

}  // namespace flint::acpi
