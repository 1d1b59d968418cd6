#include "backends/raw_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace flint::backends {
namespace {

class RawFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        char name[] = "/tmp/flint-raw-test-XXXXXX";
        const int fd = ::mkstemp(name);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::ftruncate(fd, 8192), 0);
        ::close(fd);
        path = name;
    }
    void TearDown() override { ::unlink(path.c_str()); }
    std::string path;
};

TEST(RawFile, MissingFileOrDirectory_Refused) {
    EXPECT_FALSE(RawFile::open("/nonexistent/disk.img", Access::ReadOnly));
    auto dir = RawFile::open("/tmp", Access::ReadOnly);
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message().find("neither a regular file"), std::string::npos);
}

TEST_F(RawFileTest, SecondWriter_Refused) {
    auto first = RawFile::open(path, Access::ReadWrite);
    ASSERT_TRUE(first);
    auto second = RawFile::open(path, Access::ReadWrite);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message().find("in use"), std::string::npos);
    EXPECT_FALSE(RawFile::open(path, Access::ReadOnly));
}

TEST_F(RawFileTest, ReadOnlyReaders_Share) {
    auto a = RawFile::open(path, Access::ReadOnly);
    auto b = RawFile::open(path, Access::ReadOnly);
    EXPECT_TRUE(a && b);
}

TEST_F(RawFileTest, WriteReadBack_ScatterGather) {
    auto f = RawFile::open(path, Access::ReadWrite);
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)->size(), 8192u);
    std::vector<u8> a(100, 1), b(412, 2);
    const iovec out[] = {{a.data(), a.size()}, {b.data(), b.size()}};
    ASSERT_TRUE((*f)->write(512, out));
    std::vector<u8> back(512);
    const iovec in[] = {{back.data(), back.size()}};
    ASSERT_TRUE((*f)->read(512, in));
    EXPECT_EQ(back[99], 1);
    EXPECT_EQ(back[100], 2);
    ASSERT_TRUE((*f)->write_zeroes(512, 512));
    ASSERT_TRUE((*f)->read(512, in));
    EXPECT_EQ(back, std::vector<u8>(512, 0));
    EXPECT_TRUE((*f)->flush());
}

TEST_F(RawFileTest, BeyondEnd_RefusedAndFileNotGrown) {
    auto f = RawFile::open(path, Access::ReadWrite);
    ASSERT_TRUE(f);
    std::vector<u8> buf(512);
    const iovec v[] = {{buf.data(), buf.size()}};
    EXPECT_FALSE((*f)->write(8192 - 256, v));
    EXPECT_FALSE((*f)->read(~u64{0} - 100, v));
    EXPECT_FALSE((*f)->write_zeroes(4096, 8192));
    EXPECT_FALSE((*f)->discard(~u64{0}, 2));
    EXPECT_EQ((*f)->size(), 8192u);
}

TEST_F(RawFileTest, ReadOnly_WritesRefused) {
    auto f = RawFile::open(path, Access::ReadOnly);
    ASSERT_TRUE(f);
    std::vector<u8> buf(512, 9);
    const iovec v[] = {{buf.data(), buf.size()}};
    EXPECT_FALSE((*f)->write(0, v));
    EXPECT_FALSE((*f)->discard(0, 512));
    EXPECT_FALSE((*f)->write_zeroes(0, 512));
    EXPECT_TRUE((*f)->flush());
}

}  // namespace
}  // namespace flint::backends
