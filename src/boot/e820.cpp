#include "boot/e820.h"

#include <algorithm>

#include "boot/layout.h"

namespace flint::boot {

namespace {

void add(std::vector<E820Entry>& map, u64 start, u64 end, E820Type type) {
    if (end > start) map.push_back({start, end - start, type});
}

}  // namespace

std::vector<E820Entry> build_e820_map(std::span<const MemoryRegion> regions) {
    std::vector<E820Entry> map;
    for (const MemoryRegion& r : regions) {
        const u64 end = r.gpa + r.size;
        if (r.gpa < kHighMemoryStart) {
            // Conventional memory: usable up to the EBDA, the rest of the first MiB is
            // firmware's. A region smaller than 1 MiB only reports what it has.
            add(map, r.gpa, std::min(end, kEbdaStart), E820Type::kRam);
            add(map, std::max(r.gpa, kEbdaStart), std::min(end, kHighMemoryStart), E820Type::kReserved);
            add(map, kHighMemoryStart, end, E820Type::kRam);
        } else {
            add(map, r.gpa, end, E820Type::kRam);
        }
    }
    std::sort(map.begin(), map.end(), [](const E820Entry& a, const E820Entry& b) { return a.addr < b.addr; });
    return map;
}

Result<void> store_e820_map(BootParams& params, std::span<const E820Entry> map) {
    if (map.size() > kE820MaxEntries)
        return Error::format("the e820 memory map has {} entries, more than the {} the zero page holds",
                             map.size(), kE820MaxEntries);
    std::copy(map.begin(), map.end(), params.e820_table);
    params.e820_entries = static_cast<u8>(map.size());
    return ok();
}

}  // namespace flint::boot
