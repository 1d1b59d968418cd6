#pragma once
// Intel 8254 programmable interval timer: ports, control-word fields, and the PC's
// system control port B (0x61) that carries channel 2's gate and output.
#include "base/types.h"

namespace flint::soft {

enum class PitPort : u8 {
    Channel0 = 0,  // read/write: counter 0 (IRQ0), byte order per its RW mode
    Channel1 = 1,  // read/write: counter 1 (historically DRAM refresh)
    Channel2 = 2,  // read/write: counter 2 (PC speaker; gate and output via port 0x61)
    Control = 3,   // write-only: control word, counter latch or read-back; reads 0xff
};

inline constexpr u64 kPitPortCount = 4;
inline constexpr u64 kPitHz = 1'193'182;

// The control word: SC1 SC0 RW1 RW0 M2 M1 M0 BCD.
namespace pit {
inline constexpr u8 kSelectShift = 6;
inline constexpr u8 kSelectReadBack = 3;
inline constexpr u8 kAccessShift = 4;
inline constexpr u8 kAccessMask = 3;
inline constexpr u8 kModeShift = 1;
inline constexpr u8 kModeMask = 7;
inline constexpr u8 kBcd = 0x01;

// Read-back command: bit 5 clear latches counts, bit 4 clear latches status, bits 3-1
// select counters 2-0.
inline constexpr u8 kReadBackNoCount = 0x20;
inline constexpr u8 kReadBackNoStatus = 0x10;
inline constexpr u8 kReadBackCounterShift = 1;

// Status byte: OUT, NULL COUNT, then the low six bits of the control word.
inline constexpr u8 kStatusOut = 0x80;
inline constexpr u8 kStatusNullCount = 0x40;
}  // namespace pit

// How a counter's 16-bit value is transferred through its 8-bit port.
enum class PitAccess : u8 {
    Latch = 0,  // control word only: latch the count, no reprogramming
    LowByte = 1,
    HighByte = 2,
    LowHigh = 3,  // least significant byte first, then most significant
};

enum class PitMode : u8 {
    InterruptOnTerminalCount = 0,
    HardwareOneShot = 1,
    RateGenerator = 2,
    SquareWave = 3,
    SoftwareStrobe = 4,
    HardwareStrobe = 5,
};

// Port 0x61 (system control port B), one byte.
namespace port61 {
inline constexpr u8 kGate2 = 0x01;          // read/write: counter 2 gate
inline constexpr u8 kSpeaker = 0x02;        // read/write: speaker data enable
inline constexpr u8 kWritable = 0x0f;       // bits 2-3 (parity/IOCHK enables) are storage
inline constexpr u8 kRefreshToggle = 0x10;  // read-only: toggles every refresh period
inline constexpr u8 kOut2 = 0x20;           // read-only: counter 2 output
inline constexpr u64 kRefreshPeriodNs = 15'085;
}  // namespace port61

}  // namespace flint::soft
