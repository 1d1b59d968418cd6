#include "acpi/aml.h"
#include "acpi/aml_resource.h"

#include <vector>

#include <gtest/gtest.h>

namespace flint::acpi::aml {
namespace {

using ::testing::Test;

// Decodes a PkgLength (20.2.4) back, so encodings can be checked by round trip.
std::size_t decode_pkg_length(const Bytes& b) {
    const std::size_t extra = b[0] >> 6;
    if (extra == 0) return b[0] & 0x3f;
    std::size_t len = b[0] & 0x0f;
    for (std::size_t i = 0; i < extra; ++i) len |= std::size_t{b[1 + i]} << (4 + 8 * i);
    return len;
}

TEST(Aml, IntegerZeroAndOne_UseConstantOps) {
    EXPECT_EQ(integer(0), (Bytes{0x00}));
    EXPECT_EQ(integer(1), (Bytes{0x01}));
}

TEST(Aml, IntegerWidths_UseShortestPrefixLittleEndian) {
    EXPECT_EQ(integer(5), (Bytes{0x0a, 0x05}));
    EXPECT_EQ(integer(0xff), (Bytes{0x0a, 0xff}));
    EXPECT_EQ(integer(0x1234), (Bytes{0x0b, 0x34, 0x12}));
    EXPECT_EQ(integer(0x12345678), (Bytes{0x0c, 0x78, 0x56, 0x34, 0x12}));
    EXPECT_EQ(integer(0x1'0000'0000), (Bytes{0x0e, 0, 0, 0, 0, 1, 0, 0, 0}));
}

TEST(Aml, PkgLengthUpTo63_IsOneByteCountingItself) {
    auto r = pkg_length(62);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (Bytes{63}));
}

TEST(Aml, PkgLengthPast63_UsesFollowingBytes) {
    auto r = pkg_length(63);  // 63 + 2 length bytes = 65 = 0x41
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (Bytes{0x41, 0x04}));
}

TEST(Aml, PkgLengthAnySize_RoundTrips) {
    for (std::size_t payload : {0ul, 10ul, 62ul, 63ul, 64ul, 0xffcul, 0xffdul, 0x1000ul, 0xffffcul,
                                0xffffdul, 0x123456ul, 0xffffffbul}) {
        auto r = pkg_length(payload);
        ASSERT_TRUE(r) << payload;
        EXPECT_EQ(decode_pkg_length(*r), payload + r->size()) << payload;
        EXPECT_LE(r->size(), 4u);
    }
}

TEST(Aml, PkgLengthBeyond28Bits_Fails) {
    EXPECT_FALSE(pkg_length(std::size_t{1} << 28));
}

TEST(Aml, PackageOver255Elements_Fails) {
    std::vector<Bytes> elements(256, integer(0));
    EXPECT_FALSE(package(elements));
    elements.pop_back();
    EXPECT_TRUE(package(elements));
}

TEST(Aml, NameS5Package_MatchesHandEncoding) {
    auto pkg = package({integer(5), integer(0), integer(0), integer(0)});
    ASSERT_TRUE(pkg);
    const Bytes expected{0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};
    EXPECT_EQ(name("_S5", *pkg), expected);
}

TEST(Aml, NameFourCharacters_IsNotPadded) {
    const Bytes obj = integer(1);
    EXPECT_EQ(name("AB_1", obj), (Bytes{0x08, 'A', 'B', '_', '1', 0x01}));
}

TEST(Aml, EisaId_MatchesAslEncoding) {
    static_assert(eisa_id("PNP0501") == 0x0105d041);
    static_assert(eisa_id("PNP0B00") == 0x000bd041);
    EXPECT_EQ(integer(eisa_id("PNP0A03")), (Bytes{0x0c, 0x41, 0xd0, 0x0a, 0x03}));
}

TEST(Aml, Buffer_HasSizeAndBytes) {
    const Bytes data{0xaa, 0xbb, 0xcc};
    auto b = buffer(data);
    ASSERT_TRUE(b);
    // BufferOp, PkgLength 6 (itself + BytePrefix 3 + 3 bytes), BufferSize, bytes
    EXPECT_EQ(*b, (Bytes{0x11, 0x06, 0x0a, 0x03, 0xaa, 0xbb, 0xcc}));
}

TEST(Aml, DeviceAndRootScope_WrapTermsWithLength) {
    const Bytes terms = name("_UID", integer(1));  // 6 bytes
    auto dev = device("COM1", terms);
    ASSERT_TRUE(dev);
    Bytes expected{0x5b, 0x82, 0x0b, 'C', 'O', 'M', '1'};
    expected.insert(expected.end(), terms.begin(), terms.end());
    EXPECT_EQ(*dev, expected);

    auto scope = root_scope("_SB", *dev);
    ASSERT_TRUE(scope);
    ASSERT_GE(scope->size(), 7u);
    EXPECT_EQ((Bytes{scope->begin(), scope->begin() + 7}),
              (Bytes{0x10, static_cast<u8>(1 + 5 + dev->size()), 0x5c, '_', 'S', 'B', '_'}));
}

TEST(Aml, ResourceTemplate_EndsWithEndTag) {
    auto rt = resource_template({io_port(0x3f8, 8), isa_irq(4)});
    ASSERT_TRUE(rt);
    const Bytes expected{0x11, 0x10, 0x0a, 0x0d,                          // Buffer, 13 bytes
                         0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,  // IO
                         0x22, 0x10, 0x00,                                // IRQ 4
                         0x79, 0x00};                                     // End Tag
    EXPECT_EQ(*rt, expected);
}

}  // namespace
}  // namespace flint::acpi::aml
