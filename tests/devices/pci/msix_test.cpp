#include "devices/pci/msix.h"

#include <gtest/gtest.h>

#include "base/bits.h"
#include "fake_msi.h"

namespace flint::pci {
namespace {

class MsixTest : public ::testing::Test {
protected:
    void wr(u64 offset, u32 v) {
        u8 b[4];
        store_le<u32>(b, v);
        table.write_table(offset, b);
    }
    u32 rd(u64 offset) {
        u8 b[4];
        table.read_table(offset, b);
        return load_le<u32>(b);
    }
    u64 pba() {
        u8 b[8];
        table.read_pba(0, b);
        return load_le<u64>(b);
    }
    void program(u16 vector, u64 address, u32 data, bool masked) {
        wr(vector * kMsixEntrySize + 0, static_cast<u32>(address));
        wr(vector * kMsixEntrySize + 4, static_cast<u32>(address >> 32));
        wr(vector * kMsixEntrySize + 8, data);
        wr(vector * kMsixEntrySize + 12, masked ? 1 : 0);
    }

    test::FakeMsi msi;
    MsixTable table{3, msi};
};

TEST_F(MsixTest, AfterReset_VectorsMaskedAndDisabled) {
    EXPECT_FALSE(table.enabled());
    for (u16 v = 0; v < 3; ++v) EXPECT_EQ(rd(v * kMsixEntrySize + 12), 1u);
    EXPECT_EQ(table.pba_bytes(), 8u);
}

TEST_F(MsixTest, EnabledUnmaskedVector_SendsItsMessage) {
    program(1, 0xfee01000, 0x4041, false);
    table.set_control(msix_control::kEnable);
    table.fire(1);
    ASSERT_EQ(msi.messages.size(), 1u);
    EXPECT_EQ(msi.messages[0], (std::pair<u64, u32>{0xfee01000, 0x4041}));
    EXPECT_EQ(rd(kMsixEntrySize + 8), 0x4041u);
}

TEST_F(MsixTest, MaskedVector_SetsPendingAndFiresOnUnmask) {
    program(2, 0xfee00000, 0x31, true);
    table.set_control(msix_control::kEnable);
    table.fire(2);
    EXPECT_TRUE(msi.messages.empty());
    EXPECT_EQ(pba(), 1u << 2);
    wr(2 * kMsixEntrySize + 12, 0);  // unmask
    ASSERT_EQ(msi.messages.size(), 1u);
    EXPECT_EQ(msi.messages[0].second, 0x31u);
    EXPECT_EQ(pba(), 0u);
}

TEST_F(MsixTest, FunctionMask_HoldsEveryVectorUntilCleared) {
    program(0, 0xfee00000, 0x30, false);
    table.set_control(msix_control::kEnable | msix_control::kFunctionMask);
    table.fire(0);
    EXPECT_TRUE(msi.messages.empty());
    EXPECT_TRUE(table.pending(0));
    table.set_control(msix_control::kEnable);
    EXPECT_EQ(msi.messages.size(), 1u);
    EXPECT_FALSE(table.pending(0));
}

TEST_F(MsixTest, Disabled_NothingSentNothingPending) {
    program(0, 0xfee00000, 0x30, false);
    table.fire(0);
    EXPECT_TRUE(msi.messages.empty());
    EXPECT_FALSE(table.pending(0));
}

TEST_F(MsixTest, QwordAccess_CoversAddressHalves) {
    u8 b[8];
    store_le<u64>(b, 0x00000001fee02000);
    table.write_table(0, b);
    EXPECT_EQ(rd(0), 0xfee02000u);
    EXPECT_EQ(rd(4), 1u);
}

TEST_F(MsixTest, HostileAccesses_CountedAndIgnored) {
    u8 two[2] = {0xff, 0xff};
    table.write_table(0, two);             // odd width
    u8 b[4] = {1, 0, 0, 0};
    table.write_table(2, b);               // misaligned
    table.write_table(3 * kMsixEntrySize, b);  // past the table
    table.read_pba(8, b);                  // past the PBA
    table.fire(7);                         // no such vector
    EXPECT_EQ(table.bad_accesses(), 5u);
    EXPECT_EQ(rd(0), 0u);
    EXPECT_TRUE(msi.messages.empty());
}

}  // namespace
}  // namespace flint::pci
