#pragma once
// The 8042 PS/2 controller, as far as a guest without keyboard or mouse needs it: the
// controller commands Linux issues while probing, and the reset line that "reboot=k"
// pulses. Nothing is attached to either PS/2 port.
//
// The controller answers at two ports that are not adjacent (0x60 and 0x64; 0x61 belongs
// to another device), so the VMM maps two one-byte I8042PortDevice facades, one per Port.
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>

#include "base/types.h"
#include "devices/bus.h"

namespace flint {

class I8042 {
public:
    enum class Port : u8 {
        Data,     // 0x60. Read: pops the output buffer. Write: parameter of the last
                  // command, or a byte for the keyboard (none attached: ignored).
        Command,  // 0x64. Read: status register, no side effect. Write: controller command.
    };

    // Called (without any lock held) when the guest pulses the reset line.
    using ResetHandler = std::function<void()>;

    explicit I8042(ResetHandler on_reset);

    u8 read(Port port);
    void write(Port port, u8 value);

    u8 config() const;  // the controller configuration byte ("command byte")
    u64 ignored_writes() const;

private:
    enum class Source : u8 { Keyboard, Aux };
    enum class Pending : u8 { None, Config, OutputPort, KeyboardOutput, AuxOutput, AuxDevice };
    enum class ResetRequest : u8 { No, Yes };

    struct OutputByte {
        u8 value;
        Source source;
    };

    // The helpers below require m_mutex to be held.
    ResetRequest command(u8 cmd);
    ResetRequest data(u8 value);
    void push_output(u8 value, Source source);
    u8 status() const;
    void note_ignored(const char* what, u8 value);

    mutable std::mutex m_mutex;
    ResetHandler m_on_reset;
    std::deque<OutputByte> m_output;
    u8 m_last_output = 0;
    u8 m_config;
    u8 m_output_port;
    Pending m_pending = Pending::None;
    bool m_last_write_was_command = false;
    u64 m_ignored = 0;
};

// One of the controller's two ports as a one-byte bus device.
class I8042PortDevice final : public BusDevice {
public:
    I8042PortDevice(std::shared_ptr<I8042> controller, I8042::Port port)
        : m_controller(std::move(controller)), m_port(port) {}

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

private:
    std::shared_ptr<I8042> m_controller;
    I8042::Port m_port;
};

}  // namespace flint
