#pragma once
// Register map of the 16550A UART, after the National Semiconductor PC16550D datasheet.
// The device occupies eight consecutive ports; several offsets reach two registers,
// chosen by the access direction and by the divisor latch access bit (LCR.DLAB).
#include "base/types.h"

namespace flint {

enum class UartReg : u8 {
    RbrThrDll = 0,  // DLAB=0: read RBR (pops one received byte), write THR (transmits).
                    // DLAB=1: DLL, divisor latch low byte, read/write.
    IerDlm = 1,     // DLAB=0: IER, interrupt enable, read/write, upper 4 bits read 0.
                    // DLAB=1: DLM, divisor latch high byte, read/write.
    IirFcr = 2,     // Read IIR: highest-priority pending interrupt; a read that reports THR
                    // empty clears that interrupt. Write FCR: FIFO control, write-only.
    Lcr = 3,        // Line control, read/write; bit 7 is DLAB.
    Mcr = 4,        // Modem control, read/write, upper 3 bits read 0.
    Lsr = 5,        // Line status, read-only; a read clears the error bits 1-4.
    Msr = 6,        // Modem status, read-only; a read clears the delta bits 0-3.
    Scr = 7,        // Scratch, read/write storage with no effect.
};

inline constexpr u64 kUartPortCount = 8;

namespace uart {

// IER
inline constexpr u8 kIerRxData = 0x01;       // received data available
inline constexpr u8 kIerThrEmpty = 0x02;     // transmitter holding register empty
inline constexpr u8 kIerLineStatus = 0x04;   // receiver line status (errors)
inline constexpr u8 kIerModemStatus = 0x08;  // modem status change
inline constexpr u8 kIerMask = 0x0f;

// IIR: interrupt identification (bits 0-3) and FIFO state (bits 6-7).
inline constexpr u8 kIirNoInterrupt = 0x01;
inline constexpr u8 kIirModemStatus = 0x00;
inline constexpr u8 kIirThrEmpty = 0x02;
inline constexpr u8 kIirRxData = 0x04;
inline constexpr u8 kIirLineStatus = 0x06;
inline constexpr u8 kIirIdMask = 0x0f;
inline constexpr u8 kIirFifoEnabled = 0xc0;

// FCR
inline constexpr u8 kFcrEnable = 0x01;
inline constexpr u8 kFcrClearRx = 0x02;
inline constexpr u8 kFcrClearTx = 0x04;
inline constexpr u8 kFcrDmaMode = 0x08;
inline constexpr u8 kFcrTriggerMask = 0xc0;

// LCR
inline constexpr u8 kLcrDlab = 0x80;

// MCR
inline constexpr u8 kMcrDtr = 0x01;
inline constexpr u8 kMcrRts = 0x02;
inline constexpr u8 kMcrOut1 = 0x04;
inline constexpr u8 kMcrOut2 = 0x08;  // on a PC, gates the interrupt output to the PIC
inline constexpr u8 kMcrLoop = 0x10;
inline constexpr u8 kMcrMask = 0x1f;

// LSR
inline constexpr u8 kLsrDataReady = 0x01;
inline constexpr u8 kLsrOverrun = 0x02;
inline constexpr u8 kLsrParity = 0x04;
inline constexpr u8 kLsrFraming = 0x08;
inline constexpr u8 kLsrBreak = 0x10;
inline constexpr u8 kLsrThrEmpty = 0x20;
inline constexpr u8 kLsrTxEmpty = 0x40;
inline constexpr u8 kLsrErrorMask = kLsrOverrun | kLsrParity | kLsrFraming | kLsrBreak;

// MSR: deltas in the low nibble, line states in the high nibble.
inline constexpr u8 kMsrDeltaCts = 0x01;
inline constexpr u8 kMsrDeltaDsr = 0x02;
inline constexpr u8 kMsrTrailingRi = 0x04;
inline constexpr u8 kMsrDeltaDcd = 0x08;
inline constexpr u8 kMsrDeltaMask = 0x0f;
inline constexpr u8 kMsrCts = 0x10;
inline constexpr u8 kMsrDsr = 0x20;
inline constexpr u8 kMsrRi = 0x40;
inline constexpr u8 kMsrDcd = 0x80;
inline constexpr u8 kMsrLineMask = 0xf0;

}  // namespace uart
}  // namespace flint
