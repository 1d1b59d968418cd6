#pragma once
// Local APIC (Intel SDM vol. 3, ch. 11) register map. Registers are named by index: the
// xAPIC MMIO offset is index * 16, and the x2APIC MSR is 0x800 + index, so the same
// read_register()/write_register() can serve both access methods.
#include "base/types.h"

namespace flint::soft {

inline constexpr u64 kLocalApicBase = 0xfee00000;
inline constexpr u64 kLocalApicMmioSize = 0x1000;
inline constexpr u32 kX2ApicMsrBase = 0x800;

enum class ApicReg : u16 {
    Id = 0x02,           // read/write: bits 31-24 (xAPIC)
    Version = 0x03,      // read-only: version 0x14, max LVT entry 5, no EOI-broadcast suppression
    Tpr = 0x08,          // read/write: bits 7-0 task priority
    Apr = 0x09,          // read-only: arbitration priority (reads 0)
    Ppr = 0x0a,          // read-only: processor priority, from TPR and the highest ISR
    Eoi = 0x0b,          // write-only: retire the highest in-service vector
    Rrd = 0x0c,          // read-only: remote read (reads 0)
    Ldr = 0x0d,          // read/write: bits 31-24 logical APIC ID
    Dfr = 0x0e,          // read/write: bits 31-28 model (0xf flat, 0x0 cluster), rest ones
    Svr = 0x0f,          // read/write: bits 7-0 spurious vector, bit 8 software enable
    Isr0 = 0x10,         // read-only: in-service bits, eight registers 0x10-0x17
    Tmr0 = 0x18,         // read-only: trigger mode bits (1 = level), 0x18-0x1f
    Irr0 = 0x20,         // read-only: request bits, 0x20-0x27
    Esr = 0x28,          // read/write: write latches errors since the last write, read them
    IcrLow = 0x30,       // read/write: writing it sends the IPI
    IcrHigh = 0x31,      // read/write: bits 31-24 destination
    LvtTimer = 0x32,     // read/write: vector, mask, mode (one-shot/periodic/TSC deadline)
    LvtThermal = 0x33,   // read/write: vector, delivery mode, mask (never fires)
    LvtPerf = 0x34,      // read/write: vector, delivery mode, mask (never fires)
    LvtLint0 = 0x35,     // read/write: vector, delivery mode (ExtINT: 8259A), polarity, trigger, mask
    LvtLint1 = 0x36,     // read/write: as LINT0 (NMI on a PC)
    LvtError = 0x37,     // read/write: vector, mask
    TimerInitial = 0x38, // read/write: writing starts (or with 0 stops) the timer
    TimerCurrent = 0x39, // read-only: counts down from the initial count
    TimerDivide = 0x3e,  // read/write: bits 0, 1, 3 select divide by 1-128
};

inline constexpr unsigned kApicRegCount = 0x40;

namespace apic {
inline constexpr u32 kVersion = 0x0005'0014;
inline constexpr u32 kIdShift = 24;
inline constexpr u32 kSvrEnable = 1u << 8;
inline constexpr u32 kSvrWritable = 0x3ff;  // vector, enable, focus-check disable
inline constexpr u32 kLdrWritable = 0xff00'0000;
inline constexpr u32 kDfrWritable = 0xf000'0000;
inline constexpr u32 kDfrFlat = 0xf000'0000;
inline constexpr u32 kDivideWritable = 0x0b;

// LVT fields.
inline constexpr u32 kLvtVectorMask = 0xff;
inline constexpr u32 kLvtDeliveryShift = 8;
inline constexpr u32 kLvtMasked = 1u << 16;
inline constexpr u32 kLvtTimerModeShift = 17;
inline constexpr u32 kLvtTimerModeMask = 3;
inline constexpr u32 kLvtTimerWritable = 0x0007'00ff;
inline constexpr u32 kLvtLintWritable = 0x0001'a7ff;
inline constexpr u32 kLvtErrorWritable = 0x0001'00ff;
inline constexpr u32 kLvtOtherWritable = 0x0001'07ff;

// ICR fields (low dword; destination in bits 31-24 of the high dword).
inline constexpr u32 kIcrDestLogical = 1u << 11;
inline constexpr u32 kIcrLevelAssert = 1u << 14;
inline constexpr u32 kIcrLevelTrigger = 1u << 15;
inline constexpr u32 kIcrShorthandShift = 18;
inline constexpr u32 kIcrLowWritable = 0x000c'cfff;  // delivery status (bit 12) reads 0
inline constexpr u32 kIcrHighWritable = 0xff00'0000;

// ESR bits.
inline constexpr u32 kEsrSendIllegalVector = 1u << 5;
inline constexpr u32 kEsrReceiveIllegalVector = 1u << 6;
inline constexpr u32 kEsrIllegalRegister = 1u << 7;

// IA32_APIC_BASE MSR.
inline constexpr u64 kBaseBsp = 1u << 8;
inline constexpr u64 kBaseX2Apic = 1u << 10;
inline constexpr u64 kBaseEnable = 1u << 11;
inline constexpr u64 kBaseAddressMask = 0x000f'ffff'ffff'f000ull;
}  // namespace apic

enum class ApicTimerMode : u8 { OneShot = 0, Periodic = 1, TscDeadline = 2 };

// The six LVT entries this APIC implements (max LVT entry 5), in register order.
enum class Lvt : u8 { Timer = 0, Thermal = 1, Perf = 2, Lint0 = 3, Lint1 = 4, Error = 5 };
inline constexpr unsigned kLvtCount = 6;

}  // namespace flint::soft
