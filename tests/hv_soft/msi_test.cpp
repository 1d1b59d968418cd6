#include "hv/soft/msi.h"

#include <gtest/gtest.h>

namespace flint::soft {
namespace {

TEST(SoftMsi, FixedPhysical_DecodesDestinationAndVector) {
    const auto msg = decode_msi(0xfee03000, 0x0041);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->dest, 3);
    EXPECT_EQ(msg->dest_mode, DestMode::Physical);
    EXPECT_EQ(msg->vector, 0x41);
    EXPECT_EQ(msg->delivery, DeliveryMode::Fixed);
    EXPECT_EQ(msg->trigger, TriggerMode::Edge);
    EXPECT_EQ(msg->shorthand, Shorthand::None);
}

TEST(SoftMsi, LowestPriorityLogical_Decoded) {
    // Destination mode logical (bit 2), redirection hint (bit 3), delivery mode 1.
    const auto msg = decode_msi(0xfee0f00c, 0x0122);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->dest, 0x0f);
    EXPECT_EQ(msg->dest_mode, DestMode::Logical);
    EXPECT_EQ(msg->delivery, DeliveryMode::LowestPriority);
    EXPECT_EQ(msg->vector, 0x22);
}

TEST(SoftMsi, LevelRequest_DeliveredAsEdge) {
    const auto msg = decode_msi(0xfee00000, 0xc030);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->trigger, TriggerMode::Edge);
}

TEST(SoftMsi, NotAnInterrupt_Refused) {
    EXPECT_FALSE(decode_msi(0xfed00000, 0x41));           // not the APIC range
    EXPECT_FALSE(decode_msi(0x1fee00000, 0x41));          // above 4 GiB
    EXPECT_FALSE(decode_msi(0xfee00000, 0x0541));         // INIT
    EXPECT_FALSE(decode_msi(0xfee00000, 0x0741));         // ExtINT
    EXPECT_FALSE(decode_msi(0xfee00000, 0x0005));         // reserved vector
    EXPECT_TRUE(decode_msi(0xfee00000, 0x0402));          // NMI ignores the vector
}

}  // namespace
}  // namespace flint::soft
