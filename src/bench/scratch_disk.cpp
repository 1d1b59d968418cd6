#include "bench/scratch_disk.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <filesystem>

#include <fmt/format.h>

#include "base/unique_fd.h"

namespace flint::bench {

namespace {

struct FsName {
    long type;
    std::string_view name;
};
constexpr std::array kFileSystems{
    FsName{EXT4_SUPER_MAGIC, "ext4"},   FsName{XFS_SUPER_MAGIC, "xfs"},
    FsName{BTRFS_SUPER_MAGIC, "btrfs"}, FsName{TMPFS_MAGIC, "tmpfs"},
    FsName{OVERLAYFS_SUPER_MAGIC, "overlay"},
};

}  // namespace

std::string file_system_name(long type) {
    for (const FsName& f : kFileSystems) {
        if (f.type == type) return std::string(f.name);
    }
    return fmt::format("file system type {:#x}", type);
}

Result<ScratchDisk> ScratchDisk::create(const std::string& dir, u64 bytes) {
    std::error_code ec;
    const std::string abs_dir = std::filesystem::absolute(dir, ec).string();
    std::string path = abs_dir + "/flint-bench-disk-XXXXXX.img";
    if (path.find(',') != std::string::npos)
        return Error::format("the disk suite's scratch file cannot go in '{}': its path has a comma, which "
                             "both VMMs' disk options take as a separator; use --out in another directory",
                             abs_dir);
    UniqueFd fd(::mkostemps(path.data(), 4, O_CLOEXEC));
    if (!fd.valid()) return Error::from_errno(fmt::format("creating the disk suite's scratch file in {}", abs_dir));
    ScratchDisk disk(path, "");
    if (const int err = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes)); err != 0)
        return Error::from_errno(fmt::format("allocating {} MiB for the disk suite's scratch file {}", bytes / MiB, path), err);
    struct statfs fs {};
    disk.m_fs = ::fstatfs(fd.get(), &fs) == 0 ? file_system_name(static_cast<long>(fs.f_type)) : "unknown file system";
    return disk;
}

ScratchDisk::~ScratchDisk() {
    if (!m_path.empty()) ::unlink(m_path.c_str());
}

}  // namespace flint::bench
