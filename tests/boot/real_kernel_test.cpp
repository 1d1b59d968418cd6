// Checks the loader against a real distribution kernel when one is available: the one
// named by FLINT_TEST_KERNEL, else the first /boot/vmlinuz-*. Without one the tests are
// reported as skipped, never as passed.
#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "boot/bzimage.h"
#include "boot/file.h"
#include "boot/layout.h"
#include "boot/linux_loader.h"
#include "fake_bzimage.h"

namespace flint::boot {
namespace {

using ::testing::HasSubstr;

std::optional<std::string> find_kernel() {
    if (const char* env = std::getenv("FLINT_TEST_KERNEL"); env && *env) return std::string(env);
    glob_t g{};
    std::optional<std::string> found;
    if (::glob("/boot/vmlinuz-*", 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[0];
    ::globfree(&g);
    return found;
}

class RealKernel : public ::testing::Test {
protected:
    void SetUp() override {
        auto path = find_kernel();
        if (!path) GTEST_SKIP() << "no real kernel: set FLINT_TEST_KERNEL or install /boot/vmlinuz-*";
        m_path = *path;
        auto data = read_file(m_path, "kernel");
        ASSERT_TRUE(data) << data.error().message();
        m_kernel = std::move(*data);
        std::cout << "[ real     ] using " << m_path << " (" << m_kernel.size() << " bytes)\n";
    }

    std::string m_path;
    std::vector<u8> m_kernel;
};

TEST_F(RealKernel, Header_ParsesAs64BitBzImage) {
    auto bz = parse_bzimage(m_kernel);
    ASSERT_TRUE(bz) << "kernel " << m_path << ": " << bz.error().message();
    const SetupHeader& h = bz->header;
    const std::string version = kernel_version_string(m_kernel, h);
    std::cout << "[ real     ] " << version << "\n"
              << "[ real     ] protocol " << (test::val(h.version) >> 8) << "." << (test::val(h.version) & 0xff)
              << std::hex << ", pref_address 0x" << test::val(h.pref_address) << ", init_size 0x"
              << test::val(h.init_size) << ", xloadflags 0x" << test::val(h.xloadflags) << std::dec << ", cmdline_size "
              << test::val(h.cmdline_size) << "\n";
    EXPECT_FALSE(version.empty());
    EXPECT_GE(test::val(h.version), kMinProtocol);
    EXPECT_TRUE(test::val(h.xloadflags) & kXlfKernel64);
    EXPECT_GT(test::val(h.init_size), bz->protected_mode.size());
}

TEST_F(RealKernel, Load_In512MiBGuest_EntersAtPrefAddressPlus0x200) {
    auto mem = GuestMemory::create(512 * MiB);
    ASSERT_TRUE(mem) << mem.error().message();
    const LinuxImage image{m_kernel, std::vector<u8>(4 * MiB, 0x42), "console=ttyS0 panic=-1"};
    auto st = load_linux(*mem, image);
    ASSERT_TRUE(st) << "kernel " << m_path << ": " << st.error().message();

    auto bz = parse_bzimage(m_kernel);
    ASSERT_TRUE(bz);
    const u64 load = bz->header.relocatable_kernel ? test::val(bz->header.pref_address) : kHighMemoryStart;
    EXPECT_EQ(st->regs.rip, load + kEntry64Offset);
    BootParams zp{};
    ASSERT_TRUE(mem->read_obj(kZeroPageAddr, zp));
    const SetupHeader h = zp.hdr;
    EXPECT_EQ(test::val(h.header), kHeaderMagic);
    EXPECT_EQ(test::val(h.ramdisk_size), 4 * MiB);
    EXPECT_GE(u64{test::val(h.ramdisk_image)}, load + test::val(bz->header.init_size));
    std::cout << "[ real     ] loaded at 0x" << std::hex << load << ", initrd at 0x" << test::val(h.ramdisk_image)
              << std::dec << "\n";
}

TEST_F(RealKernel, Load_InTooSmallGuest_SaysHowMuchIsNeeded) {
    auto bz = parse_bzimage(m_kernel);
    ASSERT_TRUE(bz);
    const u64 need =
        std::max<u64>(test::val(bz->header.pref_address), kHighMemoryStart) + test::val(bz->header.init_size);
    const u64 small = (need / MiB - 1) * MiB;
    if (small < 2 * MiB) GTEST_SKIP() << "this kernel fits in 2 MiB: nothing to check";
    auto mem = GuestMemory::create(small);
    ASSERT_TRUE(mem) << mem.error().message();
    auto st = load_linux(*mem, LinuxImage{m_kernel, {}, ""});
    ASSERT_FALSE(st);
    EXPECT_THAT(st.error().message(), HasSubstr("is too small for this kernel"));
    std::cout << "[ real     ] " << small / MiB << " MiB guest: " << st.error().message() << "\n";
}

}  // namespace
}  // namespace flint::boot
