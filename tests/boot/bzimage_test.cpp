#include "boot/bzimage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "boot/layout.h"
#include "fake_bzimage.h"

namespace flint::boot {
namespace {

using test::FakeBzImage;
using ::testing::HasSubstr;

std::string parse_error(const std::vector<u8>& image) {
    auto r = parse_bzimage(image);
    EXPECT_FALSE(r.has_value());
    return r ? std::string() : r.error().message();
}

TEST(BzImage, ValidImage_SplitsSetupFromProtectedModeKernel) {
    FakeBzImage fake;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_EQ(bz->protected_mode.size(), fake.payload_size);
    EXPECT_EQ(bz->protected_mode.data(), image.data() + 5 * kSectorSize);
    EXPECT_EQ(bz->protected_mode[1], FakeBzImage::payload_byte(1));
    EXPECT_EQ(bz->header_len, 0x26cu - kSetupHeaderOffset);
    EXPECT_EQ(test::val(bz->header.init_size), fake.init_size);
}

TEST(BzImage, SetupSectsZero_MeansFour) {
    FakeBzImage fake;
    fake.setup_sects = 0;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_EQ(bz->protected_mode.data(), image.data() + 5 * kSectorSize);
}

TEST(BzImage, LargerSetupSects_MovesThePayload) {
    FakeBzImage fake;
    fake.setup_sects = 30;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_EQ(bz->protected_mode.data(), image.data() + 31 * kSectorSize);
    EXPECT_EQ(bz->protected_mode[0], FakeBzImage::payload_byte(0));
}

TEST(BzImage, BadMagic_IsNotABzImage) {
    FakeBzImage fake;
    fake.magic = 0x12345678;
    const std::string msg = parse_error(fake.build());
    EXPECT_THAT(msg, HasSubstr("not a bzImage (no HdrS magic)"));
    EXPECT_THAT(msg, HasSubstr("/boot/vmlinuz-*"));
}

TEST(BzImage, BadBootFlag_IsNotABzImage) {
    FakeBzImage fake;
    fake.boot_flag = 0;
    EXPECT_THAT(parse_error(fake.build()), HasSubstr("0xAA55"));
}

TEST(BzImage, TooShortFile_IsNotABzImage) {
    const std::vector<u8> tiny(100, 0xaa);
    EXPECT_THAT(parse_error(tiny), HasSubstr("only 100 bytes"));
}

TEST(BzImage, ElfFile_IsNotABzImage) {
    std::vector<u8> elf(4096, 0);
    elf[0] = 0x7f, elf[1] = 'E', elf[2] = 'L', elf[3] = 'F';
    EXPECT_THAT(parse_error(elf), HasSubstr("not a bzImage"));
}

TEST(BzImage, Protocol211_IsTooOld) {
    FakeBzImage fake;
    fake.version = 0x020b;
    const std::string msg = parse_error(fake.build());
    EXPECT_THAT(msg, HasSubstr("boot protocol 2.11 is older than 2.12"));
}

TEST(BzImage, NoKernel64Flag_IsRejected) {
    FakeBzImage fake;
    fake.xloadflags = kXlfEfiHandover32;
    EXPECT_THAT(parse_error(fake.build()), HasSubstr("XLF_KERNEL_64"));
}

TEST(BzImage, NotLoadedHigh_IsRejected) {
    FakeBzImage fake;
    fake.loadflags = 0;
    EXPECT_THAT(parse_error(fake.build()), HasSubstr("LOADED_HIGH"));
}

TEST(BzImage, NoPayloadAfterSetup_IsTruncated) {
    FakeBzImage fake;
    fake.payload_size = 0;
    EXPECT_THAT(parse_error(fake.build()), HasSubstr("truncated"));
}

TEST(BzImage, HeaderEndingBeforeInitSize_IsRejected) {
    FakeBzImage fake;
    fake.header_jump_disp = 0x20;  // header would end at 0x222
    EXPECT_THAT(parse_error(fake.build()), HasSubstr("damaged boot header"));
}

TEST(BzImage, Protocol212ShortHeader_ZeroesFieldsPastItsEnd) {
    FakeBzImage fake;
    fake.version = 0x020c;
    fake.header_jump_disp = 0x66;  // 2.12 header ends at 0x268, before kernel_info_offset
    auto image = fake.build();
    image[0x268] = 0xcc;  // code, not a field
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz) << bz.error().message();
    EXPECT_EQ(bz->header_len, 0x268u - kSetupHeaderOffset);
    EXPECT_EQ(test::val(bz->header.kernel_info_offset), 0u);
}

TEST(BzImage, VersionString_IsRead) {
    FakeBzImage fake;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    EXPECT_EQ(kernel_version_string(image, bz->header), "6.99.0-test (flint@test) #1 SMP");
}

TEST(KernelPlacement, RelocatableKernel_LoadsAtPrefAddress) {
    FakeBzImage fake;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    auto p = place_kernel(*bz, 64 * MiB, 64 * MiB);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->load_addr, 16 * MiB);
    EXPECT_EQ(p->end, 16 * MiB + fake.init_size);
}

TEST(KernelPlacement, NonRelocatableKernel_LoadsAtOneMiB_ButRunsAtPrefAddress) {
    FakeBzImage fake;
    fake.relocatable = 0;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    auto p = place_kernel(*bz, 64 * MiB, 64 * MiB);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->load_addr, kHighMemoryStart);
    EXPECT_EQ(p->end, 16 * MiB + fake.init_size);
}

TEST(KernelPlacement, NoPrefAddress_LoadsAtOneMiBRoundedToAlignment) {
    FakeBzImage fake;
    fake.pref_address = 0;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    auto p = place_kernel(*bz, 64 * MiB, 64 * MiB);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->load_addr, kHighMemoryStart);
    EXPECT_EQ(p->end, 2 * MiB + fake.init_size);  // the kernel aligns itself up to 2 MiB
}

TEST(KernelPlacement, InitSizeBeyondRam_SaysHowMuchMemoryIsNeeded) {
    FakeBzImage fake;
    fake.init_size = 60 * MiB;
    const auto image = fake.build();
    auto bz = parse_bzimage(image);
    ASSERT_TRUE(bz);
    auto p = place_kernel(*bz, 64 * MiB, 64 * MiB);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message(),
              "guest memory of 64 MiB is too small for this kernel: it needs at least 76 MiB; raise --memory");
}

}  // namespace
}  // namespace flint::boot
