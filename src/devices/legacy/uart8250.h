#pragma once
// A 16550A UART with FIFOs, as Linux's 8250 driver expects on ttyS0.
//
// Transmission is instant: a byte written to THR goes straight to the output sink, so
// LSR always reports THR and transmitter empty, and every THR write re-arms the "THR
// empty" interrupt. Received bytes come from the console thread through push_input()
// into a buffer of kRxCapacity bytes that stands in for the receive FIFO.
//
// The vCPU thread (register accesses) and the console thread (push_input) may call in
// concurrently; an internal mutex serialises them. The interrupt line is driven while
// the mutex is held so that its level always matches the register state.
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "base/types.h"
#include "devices/bus.h"
#include "devices/irq_line.h"
#include "devices/legacy/uart8250_regs.h"

namespace flint {

// Everything a snapshot must carry. restore() accepts any values: a damaged snapshot
// cannot put the device into a state the registers could not reach.
struct Uart8250State {
    u8 dll = 0x0c;  // divisor 12: 9600 baud from the 1.8432 MHz clock
    u8 dlm = 0x00;
    u8 ier = 0x00;
    u8 lcr = 0x00;
    u8 mcr = 0x00;
    u8 scr = 0x00;
    u8 fcr = 0x00;         // persistent FCR bits: enable, DMA mode, trigger level
    u8 lsr_errors = 0x00;  // latched LSR error bits, cleared by reading LSR
    u8 msr = uart::kMsrDcd | uart::kMsrDsr | uart::kMsrCts;
    bool thr_interrupt = false;  // "THR empty" interrupt armed and not yet acknowledged
    std::vector<u8> rx;          // received bytes not yet read, oldest first
};

class Uart8250 final : public BusDevice {
public:
    // Receives each transmitted byte (one call per THR write).
    using OutputSink = std::function<void(std::span<const u8>)>;

    static constexpr std::size_t kRxCapacity = 4096;

    Uart8250(std::shared_ptr<IrqLine> irq, OutputSink sink);

    // Offsets 0-7 (see UartReg). Wider accesses are split into byte accesses at
    // consecutive offsets, as an ISA bus does for an 8-bit device.
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // Console thread: queue bytes typed by the user. Bytes that do not fit are dropped,
    // counted and reported to the guest as an overrun; bytes arriving in loopback mode
    // are dropped too, since the serial input is disconnected then.
    void push_input(std::span<const u8> bytes);

    u64 rx_dropped() const;
    u64 bad_accesses() const;

    Uart8250State save() const;
    void restore(const Uart8250State& state);

private:
    // The helpers below require m_mutex to be held.
    u8 read_reg(UartReg reg);
    // Returns true and sets *tx when the write transmitted a byte to the sink.
    bool write_reg(UartReg reg, u8 value, u8* tx);
    void write_ier(u8 value);
    void write_fcr(u8 value);
    void write_mcr(u8 value);
    void receive(u8 byte);
    void refresh_modem_lines();
    u8 interrupt_id() const;
    u8 line_status() const;
    enum class IrqUpdate : u8 { OnChange, Always };
    void update_irq(IrqUpdate mode = IrqUpdate::OnChange);
    void note_dropped(std::size_t count);
    void note_bad_access(u64 offset);

    mutable std::mutex m_mutex;
    std::shared_ptr<IrqLine> m_irq;
    OutputSink m_sink;
    Uart8250State m_s;     // registers; m_s.rx stays empty, the FIFO lives in m_rx
    std::deque<u8> m_rx;   // receive FIFO
    bool m_irq_level = false;  // last level given to m_irq
    u64 m_rx_dropped = 0;
    u64 m_bad_accesses = 0;
};

}  // namespace flint
