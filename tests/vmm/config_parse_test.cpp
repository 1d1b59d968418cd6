#include <gtest/gtest.h>

#include "vmm/vm_config.h"

namespace flint::vmm {
namespace {

TEST(ConfigParse, MemorySizeUnits_Scale) {
    EXPECT_EQ(*parse_memory_size("512M"), 512 * MiB);
    EXPECT_EQ(*parse_memory_size("2G"), 2 * GiB);
    EXPECT_EQ(*parse_memory_size("65536K"), 64 * MiB);
    EXPECT_EQ(*parse_memory_size("256"), 256 * MiB);
}

TEST(ConfigParse, MemorySizeGarbage_Rejected) {
    EXPECT_FALSE(parse_memory_size(""));
    EXPECT_FALSE(parse_memory_size("M"));
    EXPECT_FALSE(parse_memory_size("12X"));
    EXPECT_FALSE(parse_memory_size("-1G"));
    EXPECT_FALSE(parse_memory_size("99999999999999999999G"));
    EXPECT_FALSE(parse_memory_size("9999999999G"));
}

TEST(ConfigParse, Console_AllForms) {
    EXPECT_EQ(parse_console("stdio")->kind, ConsoleKind::Stdio);
    EXPECT_EQ(parse_console("none")->kind, ConsoleKind::None);
    auto f = parse_console("file:/tmp/x.log");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->kind, ConsoleKind::File);
    EXPECT_EQ(f->path, "/tmp/x.log");
    EXPECT_FALSE(parse_console("file:"));
    EXPECT_FALSE(parse_console("tty"));
}

TEST(ConfigParse, Accel_Names) {
    EXPECT_EQ(*parse_accel("kvm"), hv::Accel::Kvm);
    EXPECT_EQ(*parse_accel("soft"), hv::Accel::Soft);
    EXPECT_EQ(*parse_accel("auto"), hv::Accel::Auto);
    EXPECT_FALSE(parse_accel("tcg"));
}

TEST(ConfigValidate, OutOfRange_Rejected) {
    VmConfig c;
    EXPECT_FALSE(validate(c));  // no kernel
    c.kernel = "/boot/vmlinuz";
    EXPECT_TRUE(validate(c));
    c.memory = 4 * MiB;
    EXPECT_FALSE(validate(c));
    c.memory = 512 * MiB;
    c.cpus = 0;
    EXPECT_FALSE(validate(c));
    c.cpus = 65;
    EXPECT_FALSE(validate(c));
}

}  // namespace
}  // namespace flint::vmm
