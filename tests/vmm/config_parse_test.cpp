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
    auto sock = parse_console("socket:/run/vm1/hvc0.sock");
    ASSERT_TRUE(sock);
    EXPECT_EQ(sock->kind, ConsoleKind::Socket);
    EXPECT_EQ(sock->path, "/run/vm1/hvc0.sock");
    EXPECT_FALSE(parse_console("socket:"));
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

TEST(ConfigParse, Disk_AllForms) {
    auto d = parse_disk("path=/img/a.raw,readonly=on,id=data");
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(d->path, "/img/a.raw");
    EXPECT_TRUE(d->read_only);
    EXPECT_EQ(d->id, "data");
    auto bare = parse_disk("b.raw");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->path, "b.raw");
    EXPECT_FALSE(bare->read_only);
    EXPECT_TRUE(bare->id.empty());
    EXPECT_FALSE(parse_disk("path=x,readonly=off")->read_only);
}

TEST(ConfigParse, DiskGarbage_Rejected) {
    EXPECT_FALSE(parse_disk(""));
    EXPECT_FALSE(parse_disk("readonly=on"));
    EXPECT_FALSE(parse_disk("path=x,readonly=yes"));
    EXPECT_FALSE(parse_disk("path=x,cache=none"));
    EXPECT_FALSE(parse_disk("path=x,id="));
    EXPECT_FALSE(parse_disk("path=x,id=123456789012345678901"));  // 21 bytes
    EXPECT_TRUE(parse_disk("path=x,id=12345678901234567890"));
}

TEST(ConfigParse, TooManyVirtioDevices_Rejected) {
    VmConfig c;
    c.kernel = "k";
    c.disks.resize(kMaxVirtioDevices, DiskConfig{.path = "x", .read_only = false, .id = {}});
    EXPECT_TRUE(validate(c));
    c.rng = true;
    EXPECT_FALSE(validate(c));
}

}  // namespace
}  // namespace flint::vmm

namespace flint::vmm {
namespace {

TEST(NetParse, UserWithForwardsAndMac) {
    auto n = parse_net("user,hostfwd=tcp::2222-:22,hostfwd=udp:127.0.0.1:5353-10.0.2.16:53,mac=52:54:00:aa:bb:0c");
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n->kind, NetKind::User);
    ASSERT_EQ(n->forwards.size(), 2u);
    EXPECT_EQ(n->forwards[0].protocol, backends::HostForward::Protocol::Tcp);
    EXPECT_EQ(n->forwards[0].host_addr, 0u);
    EXPECT_EQ(n->forwards[0].host_port, 2222);
    EXPECT_EQ(n->forwards[0].guest_addr, 0u);
    EXPECT_EQ(n->forwards[0].guest_port, 22);
    EXPECT_EQ(n->forwards[1].protocol, backends::HostForward::Protocol::Udp);
    EXPECT_EQ(n->forwards[1].host_addr, 0x7f000001u);
    EXPECT_EQ(n->forwards[1].guest_addr, 0x0a000210u);
    EXPECT_EQ(n->forwards[1].guest_port, 53);
    ASSERT_TRUE(n->mac);
    EXPECT_EQ((*n->mac)[5], 0x0c);
}

TEST(NetParse, Tap_NeedsIfname) {
    auto n = parse_net("tap,ifname=tap0");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->kind, NetKind::Tap);
    EXPECT_EQ(n->ifname, "tap0");
    EXPECT_FALSE(parse_net("tap"));
}

TEST(NetParse, Garbage_RejectedWithOneLine) {
    for (const char* bad : {"", "bridge", "user,hostfwd=tcp::2222", "user,hostfwd=tcp::0-:22",
                            "user,hostfwd=tcp::70000-:22", "user,hostfwd=sctp::1-:2", "user,hostfwd=tcp:1.2.3:1-:2",
                            "user,hostfwd=tcp::22-:x", "user,mac=52:54:00:12:34", "user,mac=01:00:5e:00:00:01",
                            "user,mac=52:54:00:12:34:5g", "user,mac=52:54:00:12:34:56:78", "user,ifname=tap0",
                            "tap,ifname=tap0,hostfwd=tcp::1-:2", "user,bogus=1"}) {
        auto n = parse_net(bad);
        ASSERT_FALSE(n) << bad;
        EXPECT_EQ(n.error().message().find('\n'), std::string::npos);
        EXPECT_NE(n.error().message().find("--net"), std::string::npos) << n.error().message();
    }
}

TEST(ConfigValidate, TooManyNics_Rejected) {
    VmConfig c;
    c.kernel = "k";
    c.nets.resize(kMaxVirtioDevices + 1);
    EXPECT_FALSE(validate(c));
}

}  // namespace
}  // namespace flint::vmm

namespace flint::vmm {
namespace {

TEST(ConfigParse, Transport_KeyOnEveryVirtioOption) {
    EXPECT_EQ(parse_disk("path=x")->transport, VirtioTransport::Mmio);
    EXPECT_EQ(parse_disk("path=x,transport=pci")->transport, VirtioTransport::Pci);
    EXPECT_EQ(parse_disk("x,transport=mmio")->transport, VirtioTransport::Mmio);
    EXPECT_EQ(parse_net("user,transport=pci")->transport, VirtioTransport::Pci);
    EXPECT_EQ(*parse_rng(""), VirtioTransport::Mmio);
    EXPECT_EQ(*parse_rng("transport=pci"), VirtioTransport::Pci);
    VirtioTransport t = VirtioTransport::Pci;
    EXPECT_EQ(parse_hvc0("none", &t)->kind, ConsoleKind::None);
    EXPECT_EQ(t, VirtioTransport::Mmio);
    auto file = parse_hvc0("file:/tmp/a,b.log,transport=pci", &t);
    ASSERT_TRUE(file);
    EXPECT_EQ(file->path, "/tmp/a,b.log");
    EXPECT_EQ(t, VirtioTransport::Pci);
}

TEST(ConfigParse, TransportGarbage_RejectedWithOneLine) {
    for (auto r : {parse_disk("path=x,transport=isa").error(), parse_net("user,transport=").error(),
                   parse_rng("transport=PCI").error(), parse_rng("pci").error()}) {
        EXPECT_EQ(r.message().find('\n'), std::string::npos);
        EXPECT_NE(r.message().find("transport"), std::string::npos) << r.message();
    }
    VirtioTransport t;
    EXPECT_FALSE(parse_hvc0("none,transport=usb", &t));
}

TEST(ConfigValidate, PciDevices_DoNotCountAgainstTheMmioLimit) {
    VmConfig c;
    c.kernel = "k";
    DiskConfig disk;
    disk.path = "x";
    c.disks.resize(kMaxVirtioDevices, disk);
    c.rng = true;
    EXPECT_FALSE(validate(c));
    c.rng_transport = VirtioTransport::Pci;
    EXPECT_TRUE(validate(c));
    NetConfig net;
    net.transport = VirtioTransport::Pci;
    c.nets.resize(kMaxVirtioPciDevices - 1, net);
    EXPECT_TRUE(validate(c));
    c.nets.push_back(net);
    EXPECT_FALSE(validate(c));
}

}  // namespace
}  // namespace flint::vmm
