#include "devices/legacy/cmos_rtc.h"

#include <spdlog/spdlog.h>

namespace flint {

namespace {

constexpr u8 kIndexMask = 0x7f;
constexpr u8 kIndexNmiMask = 0x80;

constexpr u8 kStatusAUpdateInProgress = 0x80;
constexpr u8 kStatusADefault = 0x26;  // 32.768 kHz time base, 1024 Hz periodic rate

constexpr u8 kStatusBSet = 0x80;            // updates stopped while the guest sets the time
constexpr u8 kStatusBUpdateIrq = 0x10;      // cleared when SET is written, as on the chip
constexpr u8 kStatusBBinary = 0x04;         // DM: binary instead of BCD
constexpr u8 kStatusB24Hour = 0x02;
constexpr u8 kStatusBDefault = kStatusB24Hour;

constexpr u8 kStatusDValid = 0x80;
constexpr u8 kHourPm = 0x80;

u8 index_of(CmosReg reg) { return static_cast<u8>(reg); }

}  // namespace

CmosRtc::CmosRtc(Clock clock) : m_clock(std::move(clock)) {
    m_ram[index_of(CmosReg::StatusA)] = kStatusADefault;
    m_ram[index_of(CmosReg::StatusB)] = kStatusBDefault;
    m_ram[index_of(CmosReg::StatusD)] = kStatusDValid;
}

void CmosRtc::read(u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < data.size(); ++i) {
        // The index port is write-only; it and anything past the data port read as open bus.
        data[i] = (offset + i == static_cast<u64>(CmosPort::Data)) ? read_register(m_index) : 0xff;
    }
}

void CmosRtc::write(u64 offset, std::span<const u8> data) {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        if (at == static_cast<u64>(CmosPort::Index)) {
            m_index = data[i] & kIndexMask;
            m_nmi = (data[i] & kIndexNmiMask) ? NmiMask::Masked : NmiMask::Enabled;
        } else if (at == static_cast<u64>(CmosPort::Data)) {
            write_register(m_index, data[i]);
        }
    }
}

void CmosRtc::set_ram(u8 index, u8 value) {
    std::lock_guard lock(m_mutex);
    m_ram[index & kIndexMask] = value;
}

CmosRtc::NmiMask CmosRtc::nmi_mask() const {
    std::lock_guard lock(m_mutex);
    return m_nmi;
}

u64 CmosRtc::rejected_writes() const {
    std::lock_guard lock(m_mutex);
    return m_rejected;
}

u8 CmosRtc::read_register(u8 index) {
    const std::tm tm = guest_time();
    switch (static_cast<CmosReg>(index)) {
        case CmosReg::Seconds: return encode(tm.tm_sec);
        case CmosReg::Minutes: return encode(tm.tm_min);
        case CmosReg::Hours: {
            if (m_ram[index_of(CmosReg::StatusB)] & kStatusB24Hour) return encode(tm.tm_hour);
            const int h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
            return static_cast<u8>(encode(h12) | (tm.tm_hour >= 12 ? kHourPm : 0));
        }
        case CmosReg::DayOfWeek: return encode(tm.tm_wday + 1);
        case CmosReg::DayOfMonth: return encode(tm.tm_mday);
        case CmosReg::Month: return encode(tm.tm_mon + 1);
        case CmosReg::Year: return encode((tm.tm_year + 1900) % 100);
        case CmosReg::Century: return encode((tm.tm_year + 1900) / 100);
        case CmosReg::StatusA:
            return m_ram[index] & static_cast<u8>(~kStatusAUpdateInProgress);
        case CmosReg::StatusC: {
            const u8 flags = m_ram[index];
            m_ram[index] = 0;
            return flags;
        }
        case CmosReg::StatusD: return kStatusDValid;
        default: return m_ram[index];
    }
}

void CmosRtc::write_register(u8 index, u8 value) {
    switch (static_cast<CmosReg>(index)) {
        case CmosReg::Seconds:
        case CmosReg::Minutes:
        case CmosReg::Hours:
        case CmosReg::DayOfMonth:
        case CmosReg::Month:
        case CmosReg::Year:
        case CmosReg::Century: write_time(static_cast<CmosReg>(index), value); return;
        case CmosReg::DayOfWeek:  // derived from the date on every read
        case CmosReg::StatusC:
        case CmosReg::StatusD: return;
        case CmosReg::StatusA:
            m_ram[index] = value & static_cast<u8>(~kStatusAUpdateInProgress);
            return;
        case CmosReg::StatusB: write_status_b(value); return;
        default: m_ram[index] = value; return;
    }
}

void CmosRtc::write_status_b(u8 value) {
    u8& b = m_ram[index_of(CmosReg::StatusB)];
    const bool was_set = (b & kStatusBSet) != 0;
    const bool set = (value & kStatusBSet) != 0;
    // Freeze the time the guest is about to edit before SET changes how guest_time reads.
    if (set && !was_set) m_staged = guest_time();
    b = set ? static_cast<u8>(value & ~kStatusBUpdateIrq) : value;
    if (!set && was_set) commit(m_staged);
}

void CmosRtc::write_time(CmosReg reg, u8 value) {
    std::tm tm = guest_time();
    const int year = tm.tm_year + 1900;
    int v = 0;
    bool valid = false;
    switch (reg) {
        case CmosReg::Seconds:
            v = decode(value);
            valid = v >= 0 && v <= 59;
            if (valid) tm.tm_sec = v;
            break;
        case CmosReg::Minutes:
            v = decode(value);
            valid = v >= 0 && v <= 59;
            if (valid) tm.tm_min = v;
            break;
        case CmosReg::Hours:
            if (m_ram[index_of(CmosReg::StatusB)] & kStatusB24Hour) {
                v = decode(value);
                valid = v >= 0 && v <= 23;
            } else {
                v = decode(value & static_cast<u8>(~kHourPm));
                valid = v >= 1 && v <= 12;
                v = v % 12 + ((value & kHourPm) ? 12 : 0);
            }
            if (valid) tm.tm_hour = v;
            break;
        case CmosReg::DayOfMonth:
            v = decode(value);
            valid = v >= 1 && v <= 31;
            if (valid) tm.tm_mday = v;
            break;
        case CmosReg::Month:
            v = decode(value);
            valid = v >= 1 && v <= 12;
            if (valid) tm.tm_mon = v - 1;
            break;
        case CmosReg::Year:
            v = decode(value);
            valid = v >= 0 && v <= 99;
            if (valid) tm.tm_year = year / 100 * 100 + v - 1900;
            break;
        case CmosReg::Century:
            v = decode(value);
            valid = v >= 0 && v <= 99;
            if (valid) tm.tm_year = v * 100 + year % 100 - 1900;
            break;
        default: break;
    }
    if (!valid) {
        note_rejected(index_of(reg), value);
        return;
    }
    if (m_ram[index_of(CmosReg::StatusB)] & kStatusBSet) {
        m_staged = tm;
    } else {
        commit(tm);
    }
}

std::tm CmosRtc::guest_time() const {
    if (m_ram[index_of(CmosReg::StatusB)] & kStatusBSet) return m_staged;
    const std::time_t now = (m_clock ? m_clock() : 0) + m_offset;
    std::tm tm{};
    if (gmtime_r(&now, &tm) == nullptr) {
        const std::time_t epoch = 0;
        gmtime_r(&epoch, &tm);
    }
    return tm;
}

void CmosRtc::commit(std::tm tm) {
    tm.tm_isdst = 0;
    // timegm normalises out-of-range days (31 February becomes early March), which is
    // what a guest that writes an impossible date can expect at worst.
    const std::time_t guest = timegm(&tm);
    m_offset = guest - (m_clock ? m_clock() : 0);
}

u8 CmosRtc::encode(int value) const {
    if (m_ram[index_of(CmosReg::StatusB)] & kStatusBBinary) return static_cast<u8>(value & 0xff);
    const int v = value % 100;
    return static_cast<u8>((v / 10) << 4 | (v % 10));
}

int CmosRtc::decode(u8 value) const {
    if (m_ram[index_of(CmosReg::StatusB)] & kStatusBBinary) return value;
    const int hi = value >> 4;
    const int lo = value & 0x0f;
    if (hi > 9 || lo > 9) return -1;
    return hi * 10 + lo;
}

void CmosRtc::note_rejected(u8 index, u8 value) {
    if (m_rejected++ == 0) {
        spdlog::warn("cmos: ignoring out-of-range value {:#04x} for time register {:#04x}", value,
                     index);
    }
}

}  // namespace flint
