#pragma once
// Intel 8259A programmable interrupt controller: port layout and command-word bits.
#include "base/types.h"

namespace flint::soft {

// Each 8259A decodes one address line (A0), giving two ports.
enum class PicPort : u8 {
    Command = 0,  // write: ICW1 (bit 4 set), OCW2 (bits 4-3 = 00), OCW3 (bits 4-3 = 01);
                  // read: IRR or ISR as selected by OCW3, or the poll word after a poll.
    Data = 1,     // write: ICW2-ICW4 during initialisation, OCW1 (IMR) afterwards;
                  // read: IMR.
};

inline constexpr u64 kPicPortCount = 2;

// The PIIX edge/level control registers, one byte per chip, at 0x4d0 (master) and 0x4d1.
enum class ElcrPort : u8 {
    Master = 0,  // read/write; bits 0-2 reserved (IRQ0-2 are always edge)
    Slave = 1,   // read/write; bits 0 and 5 reserved (IRQ8, IRQ13 are always edge)
};

inline constexpr u64 kElcrPortCount = 2;
inline constexpr u8 kElcrMasterWritable = 0xf8;
inline constexpr u8 kElcrSlaveWritable = 0xde;

namespace pic {

inline constexpr u8 kIcw1 = 0x10;      // command port: this is ICW1
inline constexpr u8 kIcw1Ic4 = 0x01;   // ICW4 follows
inline constexpr u8 kIcw1Sngl = 0x02;  // single chip: no ICW3
inline constexpr u8 kIcw1Ltim = 0x08;  // all inputs level-triggered

inline constexpr u8 kIcw4Upm = 0x01;   // 8086 mode (required on x86)
inline constexpr u8 kIcw4Aeoi = 0x02;  // automatic EOI at the end of INTA
inline constexpr u8 kIcw4Sfnm = 0x10;  // special fully nested mode

inline constexpr u8 kOcw3 = 0x08;          // with bit 4 clear: this is OCW3
inline constexpr u8 kOcw3Rr = 0x02;        // read-register command
inline constexpr u8 kOcw3Ris = 0x01;       // with RR: 1 = ISR, 0 = IRR
inline constexpr u8 kOcw3Poll = 0x04;      // next command-port read is a poll
inline constexpr u8 kOcw3Esmm = 0x40;      // enable writing SMM
inline constexpr u8 kOcw3Smm = 0x20;       // special mask mode

inline constexpr u8 kOcw2CommandShift = 5;  // R, SL, EOI in bits 7-5
inline constexpr u8 kOcw2LevelMask = 0x07;

// OCW2 R/SL/EOI encodings.
enum class Ocw2 : u8 {
    RotateAeoiClear = 0,
    NonSpecificEoi = 1,
    Nop = 2,
    SpecificEoi = 3,
    RotateAeoiSet = 4,
    RotateNonSpecificEoi = 5,
    SetPriority = 6,
    RotateSpecificEoi = 7,
};

}  // namespace pic
}  // namespace flint::soft
