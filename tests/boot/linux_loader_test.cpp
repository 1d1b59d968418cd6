#include "boot/linux_loader.h"

#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "boot/layout.h"
#include "boot/long_mode.h"
#include "boot/setup_header.h"
#include "fake_bzimage.h"

namespace flint::boot {
namespace {

using test::FakeBzImage;
using ::testing::HasSubstr;

// A fresh guest of the given size per test, and helpers to look inside it.
class LinuxLoader : public ::testing::Test {
protected:
    void make_guest(u64 size) {
        auto mem = GuestMemory::create(size);
        ASSERT_TRUE(mem) << mem.error().message();
        m_mem.emplace(std::move(*mem));
    }
    void SetUp() override { make_guest(64 * MiB); }

    Result<hv::CpuState> load(const FakeBzImage& fake, std::string cmdline = "console=ttyS0",
                              std::vector<u8> initrd = {}) {
        LinuxImage image{fake.build(), std::move(initrd), std::move(cmdline)};
        return load_linux(*m_mem, image);
    }
    BootParams zero_page() const {
        BootParams zp{};
        EXPECT_TRUE(m_mem->read_obj(kZeroPageAddr, zp));
        return zp;
    }
    std::string guest_string(u64 gpa) const {
        std::string s;
        for (char c = 0;; ++gpa) {
            EXPECT_TRUE(m_mem->read_obj(gpa, c));
            if (c == 0) return s;
            s.push_back(c);
        }
    }

    FakeBzImage m_fake;
    std::optional<GuestMemory> m_mem;
};

TEST_F(LinuxLoader, ZeroPage_CarriesTheImageHeaderAndLoaderFields) {
    auto st = load(m_fake);
    ASSERT_TRUE(st) << st.error().message();
    const BootParams zp = zero_page();
    const SetupHeader h = zp.hdr;
    EXPECT_EQ(test::val(h.header), kHeaderMagic);
    EXPECT_EQ(test::val(h.boot_flag), kBootFlag);
    EXPECT_EQ(test::val(h.version), m_fake.version);
    EXPECT_EQ(test::val(h.init_size), m_fake.init_size);
    EXPECT_EQ(test::val(h.vid_mode), 0xffff);
    EXPECT_EQ(test::val(h.type_of_loader), kLoaderTypeUndefined);
    EXPECT_EQ(test::val(h.loadflags), kLoadedHigh | kCanUseHeap);
    EXPECT_EQ(test::val(h.heap_end_ptr), kSetupHeapEnd);
    EXPECT_EQ(test::val(h.code32_start), 16 * MiB);
    EXPECT_EQ(test::val(zp.sentinel), 0);
}

TEST_F(LinuxLoader, CommandLine_IsInGuestMemoryWhereCmdLinePtrPoints) {
    ASSERT_TRUE(load(m_fake, "console=ttyS0 root=/dev/vda rw"));
    const BootParams zp = zero_page();
    const SetupHeader h = zp.hdr;
    EXPECT_EQ(test::val(h.cmd_line_ptr), kCmdlineAddr);
    EXPECT_EQ(test::val(zp.ext_cmd_line_ptr), 0u);
    EXPECT_EQ(guest_string(test::val(h.cmd_line_ptr)), "console=ttyS0 root=/dev/vda rw");
}

TEST_F(LinuxLoader, EmptyCommandLine_IsAnEmptyString) {
    ASSERT_TRUE(load(m_fake, ""));
    EXPECT_EQ(guest_string(kCmdlineAddr), "");
}

TEST_F(LinuxLoader, Kernel_IsCopiedToPrefAddressAndEntryIsPlus0x200) {
    auto st = load(m_fake);
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ(st->regs.rip, 16 * MiB + kEntry64Offset);
    EXPECT_EQ(st->regs.gpr[6], kZeroPageAddr);  // RSI
    std::vector<u8> loaded(m_fake.payload_size);
    ASSERT_TRUE(m_mem->read(16 * MiB, loaded));
    for (std::size_t i = 0; i < loaded.size(); ++i) ASSERT_EQ(loaded[i], FakeBzImage::payload_byte(i)) << "byte " << i;
}

TEST_F(LinuxLoader, ReturnedState_UsesTheTablesItWrote) {
    auto st = load(m_fake);
    ASSERT_TRUE(st) << st.error().message();
    u64 code = 0, pml4e = 0;
    ASSERT_TRUE(m_mem->read_obj(st->sregs.gdt.base + st->sregs.cs.selector, code));
    EXPECT_EQ(code, encode_descriptor(st->sregs.cs));
    ASSERT_TRUE(m_mem->read_obj(st->sregs.cr3, pml4e));
    EXPECT_EQ(pml4e & ~u64{0xfff}, kPdptAddr);
}

TEST_F(LinuxLoader, NoInitrd_LeavesRamdiskFieldsZero) {
    ASSERT_TRUE(load(m_fake));
    const SetupHeader h = zero_page().hdr;
    EXPECT_EQ(test::val(h.ramdisk_image), 0u);
    EXPECT_EQ(test::val(h.ramdisk_size), 0u);
}

TEST_F(LinuxLoader, Initrd_IsPlacedAtTopOfLowRamAboveTheKernel) {
    std::vector<u8> initrd(100 * KiB + 5, 0x5a);
    initrd.front() = 0x11;
    initrd.back() = 0x22;
    ASSERT_TRUE(load(m_fake, "", initrd));
    const BootParams zp = zero_page();
    const SetupHeader h = zp.hdr;
    EXPECT_EQ(test::val(h.ramdisk_size), initrd.size());
    EXPECT_EQ(test::val(zp.ext_ramdisk_image), 0u);
    EXPECT_EQ(test::val(zp.ext_ramdisk_size), 0u);
    EXPECT_EQ(test::val(h.ramdisk_image) % 4096, 0u);
    EXPECT_GE(test::val(h.ramdisk_image), 16 * MiB + m_fake.init_size);
    EXPECT_LE(test::val(h.ramdisk_image) + initrd.size(), 64 * MiB);
    EXPECT_GT(test::val(h.ramdisk_image) + initrd.size(), 64 * MiB - 4096);  // as high as it goes
    u8 first = 0, last = 0;
    ASSERT_TRUE(m_mem->read_obj(test::val(h.ramdisk_image), first));
    ASSERT_TRUE(m_mem->read_obj(test::val(h.ramdisk_image) + initrd.size() - 1, last));
    EXPECT_EQ(first, 0x11);
    EXPECT_EQ(last, 0x22);
}

TEST_F(LinuxLoader, Initrd_StaysBelowInitrdAddrMax) {
    make_guest(3 * GiB + 512 * MiB);
    std::vector<u8> initrd(MiB, 1);
    ASSERT_TRUE(load(m_fake, "", initrd));
    const SetupHeader h = zero_page().hdr;
    EXPECT_LE(u64{test::val(h.ramdisk_image)} + test::val(h.ramdisk_size) - 1, u64{m_fake.initrd_addr_max});
    EXPECT_EQ(u64{test::val(h.ramdisk_image)}, 0x80000000 - MiB);
}

TEST_F(LinuxLoader, LargeGuest_ZeroPageE820IncludesRamAbove4GiB) {
    make_guest(3 * GiB + 512 * MiB);
    ASSERT_TRUE(load(m_fake));
    const BootParams zp = zero_page();
    ASSERT_EQ(test::val(zp.e820_entries), 4);
    const E820Entry high = zp.e820_table[3];
    EXPECT_EQ(test::val(high.addr), 4 * GiB);
    EXPECT_EQ(test::val(high.size), 512 * MiB);
    EXPECT_EQ(test::val(high.type), E820Type::kRam);
}

TEST_F(LinuxLoader, SmallGuest_ZeroPageE820HasThreeEntries) {
    ASSERT_TRUE(load(m_fake));
    const BootParams zp = zero_page();
    ASSERT_EQ(test::val(zp.e820_entries), 3);
    const E820Entry last = zp.e820_table[2];
    EXPECT_EQ(test::val(last.addr), MiB);
    EXPECT_EQ(test::val(last.size), 63 * MiB);
}

TEST_F(LinuxLoader, InitrdTooLarge_SaysToRaiseMemory) {
    std::vector<u8> initrd(50 * MiB, 0);  // 16 MiB + 8 MiB kernel leaves 40 MiB
    auto st = load(m_fake, "", std::move(initrd));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message(),
              "initrd of 50 MiB does not fit in 64 MiB of guest memory with this kernel; raise --memory");
}

TEST_F(LinuxLoader, InitrdThatJustFits_IsAccepted) {
    std::vector<u8> initrd(40 * MiB, 0);  // exactly the room between the kernel and 64 MiB
    auto st = load(m_fake, "", std::move(initrd));
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ(test::val(zero_page().hdr.ramdisk_image), 24 * MiB);
}

TEST_F(LinuxLoader, MemoryTooSmallForInitSize_SaysToRaiseMemory) {
    m_fake.init_size = 100 * MiB;
    auto st = load(m_fake);
    ASSERT_FALSE(st);
    EXPECT_THAT(st.error().message(), HasSubstr("guest memory of 64 MiB is too small for this kernel"));
    EXPECT_THAT(st.error().message(), HasSubstr("at least 116 MiB; raise --memory"));
}

TEST_F(LinuxLoader, CommandLineLongerThanCmdlineSize_IsRejected) {
    m_fake.cmdline_size = 16;
    auto st = load(m_fake, std::string(17, 'a'));
    ASSERT_FALSE(st);
    EXPECT_THAT(st.error().message(), HasSubstr("17 bytes, longer than the 16 this kernel accepts"));
}

TEST_F(LinuxLoader, CommandLineOfExactlyCmdlineSize_IsAccepted) {
    m_fake.cmdline_size = 16;
    ASSERT_TRUE(load(m_fake, std::string(16, 'a')));
    EXPECT_EQ(guest_string(kCmdlineAddr), std::string(16, 'a'));
}

TEST_F(LinuxLoader, CommandLineWithNul_IsRejected) {
    auto st = load(m_fake, std::string("a\0b", 3));
    ASSERT_FALSE(st);
    EXPECT_THAT(st.error().message(), HasSubstr("NUL"));
}

TEST_F(LinuxLoader, NotABzImage_IsRejectedBeforeTouchingMemory) {
    m_fake.magic = 0;
    auto st = load(m_fake);
    ASSERT_FALSE(st);
    EXPECT_THAT(st.error().message(), HasSubstr("not a bzImage (no HdrS magic)"));
    u8 byte = 0xff;
    ASSERT_TRUE(m_mem->read_obj(16 * MiB, byte));
    EXPECT_EQ(byte, 0);
}

}  // namespace
}  // namespace flint::boot
