#include "memory/guest_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/bits.h"

namespace flint {

Result<GuestMemory> GuestMemory::create(u64 size) {
    if (size < MiB || size % 4096 != 0)
        return Error::format("guest memory size {} bytes: must be a multiple of 4 KiB and at least 1 MiB", size);
    int fd = ::memfd_create("flint-guest-ram", MFD_CLOEXEC);
    if (fd < 0) return Error::from_errno("memfd_create for guest RAM");
    GuestMemory mem;
    mem.m_fd.reset(fd);
    if (::ftruncate(fd, static_cast<off_t>(size)) < 0)
        return Error::from_errno(fmt::format("sizing guest RAM to {} MiB", size / MiB));
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (p == MAP_FAILED) return Error::from_errno(fmt::format("mapping {} MiB of guest RAM", size / MiB));
    mem.m_base = static_cast<u8*>(p);
    mem.m_size = size;

    u64 low = std::min(size, kMmioHoleStart);
    mem.m_regions.push_back({0, low, mem.m_base, 0});
    if (size > low) mem.m_regions.push_back({kMmioHoleEnd, size - low, mem.m_base + low, low});
    return mem;
}

GuestMemory::GuestMemory(GuestMemory&& o) noexcept
    : m_fd(std::move(o.m_fd)), m_base(std::exchange(o.m_base, nullptr)), m_size(std::exchange(o.m_size, 0)),
      m_regions(std::move(o.m_regions)) {}

GuestMemory& GuestMemory::operator=(GuestMemory&& o) noexcept {
    if (this != &o) {
        unmap();
        m_fd = std::move(o.m_fd);
        m_base = std::exchange(o.m_base, nullptr);
        m_size = std::exchange(o.m_size, 0);
        m_regions = std::move(o.m_regions);
    }
    return *this;
}

GuestMemory::~GuestMemory() { unmap(); }

void GuestMemory::unmap() {
    if (m_base) ::munmap(m_base, m_size);
    m_base = nullptr;
}

u8* GuestMemory::host_ptr(u64 gpa, u64 len) const {
    for (const auto& r : m_regions) {
        // Written so that no sum can overflow whatever gpa and len a guest supplies.
        if (gpa >= r.gpa && gpa - r.gpa <= r.size && len <= r.size - (gpa - r.gpa))
            return r.host + (gpa - r.gpa);
    }
    return nullptr;
}

u64 GuestMemory::resident_bytes() const {
    if (!m_base) return 0;
    const u64 page = static_cast<u64>(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> vec((m_size + page - 1) / page);
    if (::mincore(m_base, m_size, vec.data()) < 0) return 0;
    u64 pages = 0;
    for (unsigned char v : vec) pages += v & 1;
    return pages * page;
}

bool GuestMemory::read(u64 gpa, std::span<u8> out) const {
    const u8* p = host_ptr(gpa, out.size());
    if (!p) return false;
    if (!out.empty()) std::memcpy(out.data(), p, out.size());
    return true;
}

bool GuestMemory::write(u64 gpa, std::span<const u8> in) const {
    u8* p = host_ptr(gpa, in.size());
    if (!p) return false;
    if (!in.empty()) std::memcpy(p, in.data(), in.size());  // an empty span may carry nullptr
    return true;
}

}  // namespace flint
