#include "backends/raw_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace flint::backends {

namespace {

u64 total_bytes(std::span<const iovec> buffers) {
    u64 n = 0;
    for (const iovec& v : buffers) n += v.iov_len;
    return n;
}

bool in_range(u64 offset, u64 len, u64 size) { return offset <= size && len <= size - offset; }

}  // namespace

Result<std::unique_ptr<RawFile>> RawFile::open(const std::string& path, Access access) {
    const int flags = (access == Access::ReadOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd.valid()) return Error::from_errno(fmt::format("opening disk image {}", path));
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) return Error::from_errno(fmt::format("stat {}", path));
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return Error::format("disk image {} is neither a regular file nor a block device", path);
    const int lock = access == Access::ReadOnly ? LOCK_SH : LOCK_EX;
    if (::flock(fd.get(), lock | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return Error::format("disk image {} is in use by another process (it holds a lock on the file)", path);
        return Error::from_errno(fmt::format("locking {}", path));
    }
    const off_t end = ::lseek(fd.get(), 0, SEEK_END);
    if (end < 0) return Error::from_errno(fmt::format("measuring {}", path));
    return std::unique_ptr<RawFile>(new RawFile(std::move(fd), static_cast<u64>(end), access));
}

Result<void> RawFile::read(u64 offset, std::span<const iovec> buffers) {
    return transfer(Direction::Read, offset, buffers);
}

Result<void> RawFile::write(u64 offset, std::span<const iovec> buffers) {
    if (m_access == Access::ReadOnly) return Error("the disk is read-only");
    return transfer(Direction::Write, offset, buffers);
}

Result<void> RawFile::transfer(Direction dir, u64 offset, std::span<const iovec> buffers) {
    if (!in_range(offset, total_bytes(buffers), m_size)) return Error("request beyond the end of the disk image");
    // preadv/pwritev may stop short and take at most IOV_MAX vectors: walk a copy.
    std::vector<iovec> rest(buffers.begin(), buffers.end());
    size_t first = 0;
    while (first < rest.size()) {
        if (rest[first].iov_len == 0) {
            ++first;
            continue;
        }
        const int count = static_cast<int>(std::min<size_t>(rest.size() - first, IOV_MAX));
        const ssize_t n = dir == Direction::Read ? ::preadv(m_fd.get(), &rest[first], count, static_cast<off_t>(offset))
                                                 : ::pwritev(m_fd.get(), &rest[first], count, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno(dir == Direction::Read ? "reading the disk image" : "writing the disk image");
        if (n == 0) return Error("the disk image ended early (was it truncated?)");
        offset += static_cast<u64>(n);
        for (u64 left = static_cast<u64>(n); left > 0;) {
            iovec& v = rest[first];
            const u64 step = std::min<u64>(left, v.iov_len);
            v.iov_base = static_cast<u8*>(v.iov_base) + step;
            v.iov_len -= step;
            left -= step;
            if (v.iov_len == 0) ++first;
        }
    }
    return ok();
}

Result<void> RawFile::flush() {
    if (m_access == Access::ReadOnly) return ok();
    while (::fdatasync(m_fd.get()) != 0) {
        if (errno != EINTR) return Error::from_errno("fdatasync on the disk image");
    }
    return ok();
}

Result<void> RawFile::discard(u64 offset, u64 len) {
    if (m_access == Access::ReadOnly) return Error("the disk is read-only");
    if (!in_range(offset, len, m_size)) return Error("discard beyond the end of the disk image");
    if (::fallocate(m_fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                    static_cast<off_t>(len)) == 0)
        return ok();
    // Discard is a hint: a file system without hole punching keeps the data.
    if (errno == EOPNOTSUPP) return ok();
    return Error::from_errno("discarding on the disk image");
}

Result<void> RawFile::write_zeroes(u64 offset, u64 len) {
    if (m_access == Access::ReadOnly) return Error("the disk is read-only");
    if (!in_range(offset, len, m_size)) return Error("write-zeroes beyond the end of the disk image");
    for (int mode : {FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE}) {
        if (::fallocate(m_fd.get(), mode, static_cast<off_t>(offset), static_cast<off_t>(len)) == 0) return ok();
        if (errno != EOPNOTSUPP) return Error::from_errno("zeroing a range of the disk image");
    }
    // Neither is supported here: write the zeros.
    static constexpr size_t kChunk = 64 * KiB;
    static const std::vector<u8> zeros(kChunk, 0);
    while (len > 0) {
        const u64 n = std::min<u64>(len, kChunk);
        const iovec v{const_cast<u8*>(zeros.data()), n};
        FLINT_TRY_VOID(transfer(Direction::Write, offset, std::span(&v, 1)));
        offset += n;
        len -= n;
    }
    return ok();
}

}  // namespace flint::backends
