#include "boot/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace flint::boot {
namespace {

using ::testing::HasSubstr;

// A fresh temporary directory per test, removed with its files afterwards.
class ReadFile : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/flint-boot-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override {
        for (const auto& f : m_files) ::unlink(f.c_str());
        ::rmdir(m_dir.c_str());
    }
    std::string make_file(const std::string& name, const std::string& content) {
        const std::string path = m_dir + "/" + name;
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        EXPECT_GE(fd, 0);
        EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
        ::close(fd);
        m_files.push_back(path);
        return path;
    }

    std::string m_dir;
    std::vector<std::string> m_files;
};

TEST_F(ReadFile, ExistingFile_ReturnsItsBytes) {
    const std::string path = make_file("k", std::string("bz\0Image", 8));
    auto r = read_file(path, "kernel");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(std::string(r->begin(), r->end()), std::string("bz\0Image", 8));
}

TEST_F(ReadFile, LargeFile_IsReadWhole) {
    std::string big(3 * 1024 * 1024 + 17, 'x');
    big.back() = 'y';
    const std::string path = make_file("big", big);
    auto r = read_file(path, "initrd");
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), big.size());
    EXPECT_EQ(r->back(), 'y');
}

TEST_F(ReadFile, MissingFile_SaysItDoesNotExist) {
    const std::string path = m_dir + "/nope";
    auto r = read_file(path, "kernel");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "kernel " + path + " does not exist: check the path");
    EXPECT_EQ(r.error().sys_errno(), ENOENT);
}

TEST_F(ReadFile, EmptyFile_IsAnError) {
    const std::string path = make_file("empty", "");
    auto r = read_file(path, "initrd");
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().message(), HasSubstr("initrd " + path + " is empty"));
}

TEST_F(ReadFile, Directory_IsAnError) {
    auto r = read_file(m_dir, "kernel");
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().message(), HasSubstr("is a directory"));
}

TEST_F(ReadFile, UnopenablePath_ReportsTheSystemError) {
    // A path through a regular file fails to open for any user, root included.
    const std::string path = make_file("plain", "data") + "/kernel";
    auto r = read_file(path, "kernel");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "cannot open kernel " + path + ": Not a directory");
    EXPECT_EQ(r.error().sys_errno(), ENOTDIR);
}

}  // namespace
}  // namespace flint::boot
