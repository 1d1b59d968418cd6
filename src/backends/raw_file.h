#pragma once
// A raw disk image: a regular file (or a block device) whose bytes are the disk's bytes.
// The file is locked (flock: exclusive for read-write, shared for read-only) so that two
// VMs cannot write one image at the same time.
#include <memory>
#include <string>

#include "backends/disk.h"
#include "base/unique_fd.h"

namespace flint::backends {

class RawFile final : public Disk {
public:
    static Result<std::unique_ptr<RawFile>> open(const std::string& path, Access access);

    u64 size() const override { return m_size; }
    Access access() const override { return m_access; }
    Result<void> read(u64 offset, std::span<const iovec> buffers) override;
    Result<void> write(u64 offset, std::span<const iovec> buffers) override;
    Result<void> flush() override;
    Result<void> discard(u64 offset, u64 len) override;
    Result<void> write_zeroes(u64 offset, u64 len) override;

private:
    RawFile(UniqueFd fd, u64 size, Access access) : m_fd(std::move(fd)), m_size(size), m_access(access) {}
    enum class Direction : u8 { Read, Write };
    Result<void> transfer(Direction dir, u64 offset, std::span<const iovec> buffers);

    UniqueFd m_fd;
    u64 m_size;
    Access m_access;
};

}  // namespace flint::backends
