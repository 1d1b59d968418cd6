#pragma once
// Guest physical memory: RAM regions backed by one memfd, mapped once into the VMM.
// Everything that touches guest memory on behalf of a guest (loaders, devices, the
// software CPU) goes through the bounds-checked accessors here, so a guest-supplied
// address can never reach host memory outside the mapping.
#include <span>
#include <vector>

#include "base/result.h"
#include "base/types.h"
#include "base/unique_fd.h"

namespace flint {

// The 32-bit PCI/MMIO hole. RAM above kMmioHoleStart continues at 4 GiB, as on a PC.
inline constexpr u64 kMmioHoleStart = 3 * GiB;
inline constexpr u64 kMmioHoleEnd = 4 * GiB;

struct MemoryRegion {
    u64 gpa = 0;         // guest-physical start
    u64 size = 0;        // bytes
    u8* host = nullptr;  // where the VMM sees it
    u64 fd_offset = 0;   // offset of this region in the backing memfd
};

class GuestMemory {
public:
    // Allocates `size` bytes of guest RAM (a multiple of 4 KiB, at least 1 MiB), laid out
    // below the MMIO hole and, past kMmioHoleStart, from 4 GiB up.
    static Result<GuestMemory> create(u64 size);

    GuestMemory(GuestMemory&&) noexcept;
    GuestMemory& operator=(GuestMemory&&) noexcept;
    GuestMemory(const GuestMemory&) = delete;
    GuestMemory& operator=(const GuestMemory&) = delete;
    ~GuestMemory();

    u64 size() const { return m_size; }
    std::span<const MemoryRegion> regions() const { return m_regions; }
    int fd() const { return m_fd.get(); }

    // Bytes of guest RAM the host has actually backed (pages the guest or the loader
    // touched), for reporting the VMM's own memory overhead.
    u64 resident_bytes() const;

    // Host view of [gpa, gpa+len) when the whole range lies in one RAM region, else nullptr.
    u8* host_ptr(u64 gpa, u64 len) const;

    // Bounds-checked copies; false when any byte falls outside RAM (nothing is copied then).
    [[nodiscard]] bool read(u64 gpa, std::span<u8> out) const;
    [[nodiscard]] bool write(u64 gpa, std::span<const u8> in) const;

    template <typename T>
    [[nodiscard]] bool read_obj(u64 gpa, T& out) const {
        return read(gpa, std::span<u8>(reinterpret_cast<u8*>(&out), sizeof(T)));
    }
    template <typename T>
    [[nodiscard]] bool write_obj(u64 gpa, const T& in) const {
        return write(gpa, std::span<const u8>(reinterpret_cast<const u8*>(&in), sizeof(T)));
    }

private:
    GuestMemory() = default;
    void unmap();

    UniqueFd m_fd;
    u8* m_base = nullptr;  // one mapping of the whole memfd
    u64 m_size = 0;
    std::vector<MemoryRegion> m_regions;
};

}  // namespace flint
