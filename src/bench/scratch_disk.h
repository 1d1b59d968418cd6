#pragma once
// The disk suite's raw image: one file made for the bench, attached by every contender in
// turn, removed when the bench ends.
#include <string>

#include "base/result.h"
#include "base/types.h"

namespace flint::bench {

class ScratchDisk {
public:
    // Creates DIR/flint-bench-disk-XXXXXX.img of `bytes`, its blocks allocated (so no run
    // pays for allocating them on the host's file system). A path with a comma is refused:
    // both VMMs' disk options split on commas.
    static Result<ScratchDisk> create(const std::string& dir, u64 bytes);

    ScratchDisk(ScratchDisk&& other) noexcept : m_path(std::move(other.m_path)), m_fs(std::move(other.m_fs)) {
        other.m_path.clear();
    }
    ScratchDisk& operator=(ScratchDisk&&) = delete;
    ScratchDisk(const ScratchDisk&) = delete;
    ~ScratchDisk();

    const std::string& path() const { return m_path; }
    // The file system it is on ("ext4", "tmpfs", ...): a tmpfs disk is RAM.
    const std::string& file_system() const { return m_fs; }

private:
    ScratchDisk(std::string path, std::string fs) : m_path(std::move(path)), m_fs(std::move(fs)) {}
    std::string m_path;
    std::string m_fs;
};

// The name of a file system type from statfs(2)'s f_type, or its number in hex.
std::string file_system_name(long type);

}  // namespace flint::bench
