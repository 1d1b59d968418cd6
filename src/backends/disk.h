#pragma once
// The host side of a block device: a disk image the device reads and writes by byte
// offset. Callers check every range against size() before calling; implementations
// still refuse ranges past the end rather than grow or corrupt the image.
#include <sys/uio.h>

#include <span>

#include "base/result.h"
#include "base/types.h"

namespace flint::backends {

enum class Access : u8 { ReadWrite, ReadOnly };

class Disk {
public:
    virtual ~Disk() = default;
    virtual u64 size() const = 0;
    virtual Access access() const = 0;
    // Scatter-gather transfers of the whole range; an error leaves no partial success
    // reported (the request fails as a whole).
    virtual Result<void> read(u64 offset, std::span<const iovec> buffers) = 0;
    virtual Result<void> write(u64 offset, std::span<const iovec> buffers) = 0;
    // Makes every completed write durable (fdatasync for a file).
    virtual Result<void> flush() = 0;
    // The range's contents may be dropped (a hint; reads may return anything after it).
    virtual Result<void> discard(u64 offset, u64 len) = 0;
    // The range reads back as zeros afterwards.
    virtual Result<void> write_zeroes(u64 offset, u64 len) = 0;
};

}  // namespace flint::backends
