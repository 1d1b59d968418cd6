#pragma once
// The MC146818 real-time clock and its battery-backed CMOS RAM, at ports 0x70 (index)
// and 0x71 (data), mapped as one two-byte range.
//
// The clock is not a ticking counter: each read of a time register converts the injected
// wall clock (plus the offset the guest set) to the register format selected in
// register B. Guest writes to time registers move that offset, so the guest can set the
// time without touching the host's clock. FIXME: no periodic, alarm or update-ended
// interrupts yet (register C always reads 0).
#include <ctime>
#include <functional>
#include <mutex>
#include <span>

#include "base/types.h"
#include "devices/bus.h"

namespace flint {

enum class CmosPort : u8 {
    Index = 0,  // write-only: bits 0-6 select a register, bit 7 set masks NMIs. Reads 0xff.
    Data = 1,   // read/write the selected register.
};

inline constexpr u64 kCmosPortCount = 2;

enum class CmosReg : u8 {
    Seconds = 0x00,       // read/write, time (format per register B)
    SecondsAlarm = 0x01,  // read/write storage
    Minutes = 0x02,       // read/write, time
    MinutesAlarm = 0x03,  // read/write storage
    Hours = 0x04,         // read/write, time; in 12-hour mode bit 7 means PM
    HoursAlarm = 0x05,    // read/write storage
    DayOfWeek = 0x06,     // read: 1 = Sunday; writes ignored (derived from the date)
    DayOfMonth = 0x07,    // read/write, time
    Month = 0x08,         // read/write, time
    Year = 0x09,          // read/write, time: year within the century
    StatusA = 0x0a,       // bit 7 (update in progress) reads 0; bits 0-6 read/write storage
    StatusB = 0x0b,       // read/write: SET, interrupt enables, DM (binary), 24h, DSE
    StatusC = 0x0c,       // read-only interrupt flags, cleared by reading
    StatusD = 0x0d,       // read-only: 0x80, RAM and time valid
    Century = 0x32,       // read/write, time: century (format per register B)
};

class CmosRtc final : public BusDevice {
public:
    // Wall-clock time in seconds since the epoch, UTC.
    using Clock = std::function<std::time_t()>;
    enum class NmiMask : u8 { Enabled, Masked };

    explicit CmosRtc(Clock clock);

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // For the VMM to fill configuration bytes (memory size, boot order) before boot.
    void set_ram(u8 index, u8 value);
    NmiMask nmi_mask() const;
    u64 rejected_writes() const;

private:
    // The helpers below require m_mutex to be held.
    u8 read_register(u8 index);
    void write_register(u8 index, u8 value);
    void write_status_b(u8 value);
    void write_time(CmosReg reg, u8 value);
    std::tm guest_time() const;
    void commit(std::tm tm);
    u8 encode(int value) const;
    int decode(u8 value) const;
    void note_rejected(u8 index, u8 value);

    mutable std::mutex m_mutex;
    Clock m_clock;
    u8 m_ram[128] = {};
    u8 m_index = 0;
    NmiMask m_nmi = NmiMask::Enabled;
    std::time_t m_offset = 0;  // guest time minus host time, in seconds
    std::tm m_staged{};        // the time being set while register B's SET bit is on
    u64 m_rejected = 0;
};

}  // namespace flint
