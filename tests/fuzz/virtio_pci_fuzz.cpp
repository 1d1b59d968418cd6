// libFuzzer target: a guest that does anything at all to PCI bus 0 with a virtio-pci rng
// and a virtio-pci console on it. The input is a list of 8-byte operations: configuration
// reads and writes through ports 0xCF8-0xCFF (composed or raw), and reads and writes of
// any width anywhere in the BAR window. Guest RAM (1 MiB of zeros, then whatever the
// fuzzer's writes put there through the queues) lies under queues the input may set up.
// ASan and UBSan watch the host side: no access outside guest RAM or the devices' state.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "base/bits.h"
#include "devices/pci/pci_bus.h"
#include "devices/virtio/console.h"
#include "devices/virtio/pci.h"
#include "devices/virtio/rng.h"

using namespace flint;

namespace {

constexpr u64 kWindow = 0xc0000000;
constexpr u64 kWindowSize = 0x20000;

class CountingMsi final : public MsiSink {
public:
    void signal_msi(u64, u32) override { ++count; }
    u64 count = 0;
};

enum class Op : u8 { ConfigWrite, ConfigRead, WindowWrite, WindowRead, PortWrite, PortRead };

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static GuestMemory memory = *GuestMemory::create(1 * MiB);
    u8* ram = memory.host_ptr(0, memory.size());
    std::fill(ram, ram + memory.size(), u8{0});
    CountingMsi msi;
    auto bus = std::make_shared<pci::PciBus>(kWindow, kWindowSize);
    (void)bus->add(std::make_shared<virtio::PciTransport>(std::make_shared<virtio::RngDevice>(), memory, msi));
    (void)bus->add(std::make_shared<virtio::PciTransport>(
        std::make_shared<virtio::ConsoleDevice>([](std::span<const u8>) {}), memory, msi));
    auto ports = pci::config_ports_device(bus);
    auto window = pci::bar_window_device(bus);

    constexpr size_t kWidths[4] = {1, 2, 4, 8};
    for (size_t at = 0; at + 8 <= size; at += 8) {
        const u8* p = data + at;
        const auto op = static_cast<Op>(p[0] % 6);
        const size_t width = kWidths[p[1] & 3];
        const u32 where = load_le<u16>(p + 2);
        u8 value[8];
        store_le<u32>(value, load_le<u32>(p + 4));
        store_le<u32>(value + 4, load_le<u32>(p + 4));
        const std::span<u8> buf(value, width);
        switch (op) {
        case Op::ConfigWrite:
        case Op::ConfigRead: {
            // Slot in bits 11-15, register in bits 0-7 of `where`: the composed form a
            // driver uses, so that short inputs reach the devices.
            u8 address[4];
            store_le<u32>(address, 0x80000000u | (where & 0xf8fc));
            ports->write(0, address);
            const u64 port = 4 + (where & 3);
            if (op == Op::ConfigWrite) ports->write(port, buf);
            else ports->read(port, buf);
            break;
        }
        case Op::WindowWrite: window->write(where % kWindowSize, buf); break;
        case Op::WindowRead: window->read(where % kWindowSize, buf); break;
        case Op::PortWrite: ports->write(where % 8, std::span<u8>(value, std::min<size_t>(width, 4))); break;
        case Op::PortRead: ports->read(where % 8, std::span<u8>(value, std::min<size_t>(width, 4))); break;
        }
    }
    return 0;
}
