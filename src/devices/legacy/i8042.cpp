#include "devices/legacy/i8042.h"

#include <spdlog/spdlog.h>

namespace flint {

namespace {

// Status register (read at port 0x64).
constexpr u8 kStatusOutputFull = 0x01;   // a byte waits at port 0x60
constexpr u8 kStatusSystemFlag = 0x04;   // mirrors the configuration byte's system flag
constexpr u8 kStatusLastCommand = 0x08;  // the last write went to 0x64, not 0x60
constexpr u8 kStatusUnlocked = 0x10;     // keyboard not inhibited by the key lock
constexpr u8 kStatusAuxData = 0x20;      // the waiting byte comes from the aux port
// Input-buffer-full (0x02) is never set: commands are processed at once.

// Configuration byte.
constexpr u8 kConfigKeyboardIrq = 0x01;
constexpr u8 kConfigAuxIrq = 0x02;
constexpr u8 kConfigSystemFlag = 0x04;
constexpr u8 kConfigKeyboardDisabled = 0x10;
constexpr u8 kConfigAuxDisabled = 0x20;
constexpr u8 kConfigTranslate = 0x40;

// Output port: bit 0 is the CPU reset line (active low), bit 1 the A20 gate.
constexpr u8 kOutputPortNoReset = 0x01;
constexpr u8 kOutputPortA20 = 0x02;

// Controller commands.
enum Command : u8 {
    kReadConfig = 0x20,
    kWriteConfig = 0x60,
    kDisableAux = 0xa7,
    kEnableAux = 0xa8,
    kTestAux = 0xa9,
    kSelfTest = 0xaa,
    kTestKeyboard = 0xab,
    kDisableKeyboard = 0xad,
    kEnableKeyboard = 0xae,
    kReadOutputPort = 0xd0,
    kWriteOutputPort = 0xd1,
    kWriteKeyboardOutput = 0xd2,
    kWriteAuxOutput = 0xd3,
    kWriteAuxDevice = 0xd4,
    kPulseFirst = 0xf0,  // 0xf0-0xff pulse output port lines whose bit is clear in the low
                         // nibble; bit 0 is the reset line, so 0xfe resets the CPU.
};

constexpr u8 kSelfTestPassed = 0x55;
constexpr u8 kInterfaceTestPassed = 0x00;
constexpr std::size_t kOutputDepth = 16;

}  // namespace

I8042::I8042(ResetHandler on_reset)
    : m_on_reset(std::move(on_reset)),
      m_config(kConfigKeyboardIrq | kConfigAuxIrq | kConfigSystemFlag | kConfigTranslate),
      m_output_port(kOutputPortNoReset | kOutputPortA20) {}

u8 I8042::read(Port port) {
    std::lock_guard lock(m_mutex);
    if (port == Port::Command) return status();
    if (!m_output.empty()) {
        m_last_output = m_output.front().value;
        m_output.pop_front();
    }
    // An empty buffer reads as the last byte again, like the real latch.
    return m_last_output;
}

void I8042::write(Port port, u8 value) {
    ResetRequest reset = ResetRequest::No;
    {
        std::lock_guard lock(m_mutex);
        m_last_write_was_command = port == Port::Command;
        reset = port == Port::Command ? command(value) : data(value);
    }
    if (reset == ResetRequest::Yes && m_on_reset) m_on_reset();
}

u8 I8042::config() const {
    std::lock_guard lock(m_mutex);
    return m_config;
}

u64 I8042::ignored_writes() const {
    std::lock_guard lock(m_mutex);
    return m_ignored;
}

I8042::ResetRequest I8042::command(u8 cmd) {
    m_pending = Pending::None;
    switch (cmd) {
        case kReadConfig: push_output(m_config, Source::Keyboard); break;
        case kWriteConfig: m_pending = Pending::Config; break;
        case kDisableAux: m_config |= kConfigAuxDisabled; break;
        case kEnableAux: m_config &= static_cast<u8>(~kConfigAuxDisabled); break;
        case kTestAux: push_output(kInterfaceTestPassed, Source::Keyboard); break;
        case kSelfTest:
            m_config |= kConfigSystemFlag;
            push_output(kSelfTestPassed, Source::Keyboard);
            break;
        case kTestKeyboard: push_output(kInterfaceTestPassed, Source::Keyboard); break;
        case kDisableKeyboard: m_config |= kConfigKeyboardDisabled; break;
        case kEnableKeyboard: m_config &= static_cast<u8>(~kConfigKeyboardDisabled); break;
        case kReadOutputPort: push_output(m_output_port, Source::Keyboard); break;
        case kWriteOutputPort: m_pending = Pending::OutputPort; break;
        case kWriteKeyboardOutput: m_pending = Pending::KeyboardOutput; break;
        case kWriteAuxOutput: m_pending = Pending::AuxOutput; break;
        case kWriteAuxDevice: m_pending = Pending::AuxDevice; break;
        default:
            if (cmd >= kPulseFirst) {
                // Pulsing the reset line resets the CPU; other lines have no effect here.
                return (cmd & kOutputPortNoReset) ? ResetRequest::No : ResetRequest::Yes;
            }
            note_ignored("command", cmd);
            break;
    }
    return ResetRequest::No;
}

I8042::ResetRequest I8042::data(u8 value) {
    const Pending pending = m_pending;
    m_pending = Pending::None;
    switch (pending) {
        case Pending::Config: m_config = value; return ResetRequest::No;
        case Pending::OutputPort:
            m_output_port = value;
            return (value & kOutputPortNoReset) ? ResetRequest::No : ResetRequest::Yes;
        case Pending::KeyboardOutput: push_output(value, Source::Keyboard); return ResetRequest::No;
        case Pending::AuxOutput: push_output(value, Source::Aux); return ResetRequest::No;
        case Pending::AuxDevice: note_ignored("byte for the absent aux device", value); break;
        case Pending::None: note_ignored("byte for the absent keyboard", value); break;
    }
    return ResetRequest::No;
}

void I8042::push_output(u8 value, Source source) {
    if (m_output.size() >= kOutputDepth) m_output.pop_front();
    m_output.push_back({value, source});
}

u8 I8042::status() const {
    u8 s = kStatusUnlocked;
    if (m_config & kConfigSystemFlag) s |= kStatusSystemFlag;
    if (m_last_write_was_command) s |= kStatusLastCommand;
    if (!m_output.empty()) {
        s |= kStatusOutputFull;
        if (m_output.front().source == Source::Aux) s |= kStatusAuxData;
    }
    return s;
}

void I8042::note_ignored(const char* what, u8 value) {
    if (m_ignored++ == 0) spdlog::info("i8042: ignoring {} {:#04x} (logged once)", what, value);
}

void I8042PortDevice::read(u64 offset, std::span<u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = (offset + i == 0) ? m_controller->read(m_port) : 0xff;
    }
}

void I8042PortDevice::write(u64 offset, std::span<const u8> data) {
    if (offset == 0 && !data.empty()) m_controller->write(m_port, data[0]);
}

}  // namespace flint
