#include "devices/bus.h"

#include <iterator>
#include <limits>

namespace flint {

namespace {

// Last address of a non-empty range; callers have already rejected wrap-around.
u64 last_of(u64 base, u64 len) { return base + (len - 1); }

}  // namespace

Result<void> Bus::insert(std::shared_ptr<BusDevice> device, u64 base, u64 len) {
    if (!device) return Error::format("{} bus: no device given for {:#x}", m_name, base);
    if (len == 0) {
        return Error::format("{} bus: empty range at {:#x} (length must be at least 1)", m_name,
                             base);
    }
    // A range may end exactly at the top of the address space, but not past it.
    if (len - 1 > std::numeric_limits<u64>::max() - base) {
        return Error::format("{} bus: range at {:#x} of length {:#x} wraps around the address space",
                             m_name, base, len);
    }
    const u64 last = last_of(base, len);

    // Only the nearest range on each side can overlap, because mapped ranges are disjoint.
    auto next = m_ranges.lower_bound(base);
    if (next != m_ranges.end() && next->first <= last) {
        return Error::format("{} bus: range [{:#x}, {:#x}] overlaps the mapped range [{:#x}, {:#x}]",
                             m_name, base, last, next->first,
                             last_of(next->first, next->second.len));
    }
    if (next != m_ranges.begin()) {
        auto prev = std::prev(next);
        const u64 prev_last = last_of(prev->first, prev->second.len);
        if (prev_last >= base) {
            return Error::format(
                "{} bus: range [{:#x}, {:#x}] overlaps the mapped range [{:#x}, {:#x}]", m_name,
                base, last, prev->first, prev_last);
        }
    }
    m_ranges.emplace(base, Range{len, std::move(device)});
    return ok();
}

const Bus::Range* Bus::find(u64 addr, u64 size, u64* base) const {
    if (size == 0) return nullptr;
    auto it = m_ranges.upper_bound(addr);
    if (it == m_ranges.begin()) return nullptr;
    --it;
    const u64 offset = addr - it->first;
    // The whole access must fit: offset + size <= len, written so that it cannot overflow.
    if (offset >= it->second.len || size > it->second.len - offset) return nullptr;
    *base = it->first;
    return &it->second;
}

bool Bus::read(u64 addr, std::span<u8> data) const {
    u64 base = 0;
    const Range* range = find(addr, data.size(), &base);
    if (range == nullptr) {
        for (u8& b : data) b = 0xff;
        return false;
    }
    range->device->read(addr - base, data);
    return true;
}

bool Bus::write(u64 addr, std::span<const u8> data) const {
    u64 base = 0;
    const Range* range = find(addr, data.size(), &base);
    if (range == nullptr) return false;
    range->device->write(addr - base, data);
    return true;
}

}  // namespace flint
