#include "bench/scratch_disk.h"

#include <linux/magic.h>
#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace flint::bench {
namespace {

TEST(BenchScratchDisk, Create_AllocatesTheSizeAndRemovesItAtTheEnd) {
    const std::string dir = ::testing::TempDir();
    std::string path;
    {
        auto disk = ScratchDisk::create(dir, 4 * MiB);
        ASSERT_TRUE(disk) << disk.error().message();
        path = disk->path();
        struct stat st {};
        ASSERT_EQ(::stat(path.c_str(), &st), 0);
        EXPECT_EQ(static_cast<u64>(st.st_size), 4 * MiB);
        EXPECT_GE(static_cast<u64>(st.st_blocks) * 512, 4 * MiB);  // allocated, not sparse
        EXPECT_FALSE(disk->file_system().empty());
        ScratchDisk moved = std::move(*disk);
        EXPECT_EQ(moved.path(), path);
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(BenchScratchDisk, DirectoryWithAComma_IsRefused) {
    auto disk = ScratchDisk::create("/tmp/a,b", MiB);
    ASSERT_FALSE(disk);
    EXPECT_NE(disk.error().message().find("comma"), std::string::npos) << disk.error().message();
}

TEST(BenchScratchDisk, FileSystemNames) {
    EXPECT_EQ(file_system_name(TMPFS_MAGIC), "tmpfs");
    EXPECT_EQ(file_system_name(EXT4_SUPER_MAGIC), "ext4");
    EXPECT_EQ(file_system_name(0x1234), "file system type 0x1234");
}

}  // namespace
}  // namespace flint::bench
