#include "devices/legacy/uart8250.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace flint {

using namespace uart;

Uart8250::Uart8250(std::shared_ptr<IrqLine> irq, OutputSink sink)
    : m_irq(std::move(irq)), m_sink(std::move(sink)) {}

void Uart8250::read(u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        if (at >= kUartPortCount) {
            note_bad_access(at);
            data[i] = 0xff;
            continue;
        }
        data[i] = read_reg(static_cast<UartReg>(at));
    }
    update_irq();
}

void Uart8250::write(u64 offset, std::span<const u8> data) {
    // Bytes for the sink are collected and handed over after the mutex is released, so a
    // slow or re-entrant sink (one that feeds input back) cannot block the console thread.
    std::array<u8, 8> out{};
    std::size_t out_len = 0;
    {
        std::lock_guard lock(m_mutex);
        for (std::size_t i = 0; i < data.size(); ++i) {
            const u64 at = offset + i;
            if (at >= kUartPortCount) {
                note_bad_access(at);
                continue;
            }
            u8 tx = 0;
            if (write_reg(static_cast<UartReg>(at), data[i], &tx) && out_len < out.size()) {
                out[out_len++] = tx;
            }
        }
        update_irq();
    }
    if (out_len > 0 && m_sink) m_sink(std::span<const u8>(out.data(), out_len));
}

void Uart8250::push_input(std::span<const u8> bytes) {
    std::lock_guard lock(m_mutex);
    if (m_s.mcr & kMcrLoop) {
        note_dropped(bytes.size());
        return;
    }
    for (u8 b : bytes) receive(b);
    update_irq();
}

u64 Uart8250::rx_dropped() const {
    std::lock_guard lock(m_mutex);
    return m_rx_dropped;
}

u64 Uart8250::bad_accesses() const {
    std::lock_guard lock(m_mutex);
    return m_bad_accesses;
}

Uart8250State Uart8250::save() const {
    std::lock_guard lock(m_mutex);
    Uart8250State state = m_s;
    state.rx.assign(m_rx.begin(), m_rx.end());
    return state;
}

void Uart8250::restore(const Uart8250State& state) {
    std::lock_guard lock(m_mutex);
    m_s = state;
    m_s.ier &= kIerMask;
    m_s.mcr &= kMcrMask;
    m_s.fcr &= kFcrEnable | kFcrDmaMode | kFcrTriggerMask;
    m_s.lsr_errors &= kLsrErrorMask;
    const std::size_t n = std::min(state.rx.size(), kRxCapacity);
    m_rx.assign(state.rx.begin(), state.rx.begin() + static_cast<std::ptrdiff_t>(n));
    m_s.rx.clear();
    // The line's real level is unknown after a restore, so drive it either way.
    update_irq(IrqUpdate::Always);
}

u8 Uart8250::read_reg(UartReg reg) {
    const bool dlab = (m_s.lcr & kLcrDlab) != 0;
    switch (reg) {
        case UartReg::RbrThrDll: {
            if (dlab) return m_s.dll;
            if (m_rx.empty()) return 0;
            const u8 b = m_rx.front();
            m_rx.pop_front();
            return b;
        }
        case UartReg::IerDlm:
            return dlab ? m_s.dlm : m_s.ier;
        case UartReg::IirFcr: {
            const u8 id = interrupt_id();
            // Reading IIR acknowledges a THR-empty interrupt, but only when it is the one
            // being reported.
            if (id == kIirThrEmpty) m_s.thr_interrupt = false;
            return static_cast<u8>(id | ((m_s.fcr & kFcrEnable) ? kIirFifoEnabled : 0));
        }
        case UartReg::Lcr:
            return m_s.lcr;
        case UartReg::Mcr:
            return m_s.mcr;
        case UartReg::Lsr: {
            const u8 lsr = line_status();
            m_s.lsr_errors = 0;
            return lsr;
        }
        case UartReg::Msr: {
            const u8 msr = m_s.msr;
            m_s.msr &= kMsrLineMask;
            return msr;
        }
        case UartReg::Scr:
            return m_s.scr;
    }
    return 0xff;
}

bool Uart8250::write_reg(UartReg reg, u8 value, u8* tx) {
    const bool dlab = (m_s.lcr & kLcrDlab) != 0;
    switch (reg) {
        case UartReg::RbrThrDll:
            if (dlab) {
                m_s.dll = value;
                return false;
            }
            // The byte leaves THR at once, so THR is empty again and its interrupt re-arms.
            m_s.thr_interrupt = true;
            if (m_s.mcr & kMcrLoop) {
                receive(value);
                return false;
            }
            *tx = value;
            return true;
        case UartReg::IerDlm:
            if (dlab) {
                m_s.dlm = value;
            } else {
                write_ier(value);
            }
            return false;
        case UartReg::IirFcr:
            write_fcr(value);
            return false;
        case UartReg::Lcr:
            m_s.lcr = value;
            return false;
        case UartReg::Mcr:
            write_mcr(value);
            return false;
        case UartReg::Lsr:
        case UartReg::Msr:
            // Read-only status registers (writes are a factory test mode on real parts).
            return false;
        case UartReg::Scr:
            m_s.scr = value;
            return false;
    }
    return false;
}

void Uart8250::write_ier(u8 value) {
    const u8 old = m_s.ier;
    m_s.ier = value & kIerMask;
    // Enabling the THR-empty interrupt while THR is empty (always, here) raises it at
    // once. Linux checks this at startup and relies on it to start every transmission.
    if (!(old & kIerThrEmpty) && (m_s.ier & kIerThrEmpty)) m_s.thr_interrupt = true;
}

void Uart8250::write_fcr(u8 value) {
    const bool was_enabled = (m_s.fcr & kFcrEnable) != 0;
    const bool enable = (value & kFcrEnable) != 0;
    // Switching the FIFOs on or off empties them; the other bits only take effect with
    // the enable bit set.
    if (enable != was_enabled) m_rx.clear();
    if (!enable) {
        m_s.fcr = 0;
        return;
    }
    if (value & kFcrClearRx) m_rx.clear();
    // kFcrClearTx: nothing to do, the transmitter is always empty.
    m_s.fcr = value & (kFcrEnable | kFcrDmaMode | kFcrTriggerMask);
}

void Uart8250::write_mcr(u8 value) {
    m_s.mcr = value & kMcrMask;
    refresh_modem_lines();
}

void Uart8250::receive(u8 byte) {
    if (m_rx.size() >= kRxCapacity) {
        note_dropped(1);
        m_s.lsr_errors |= kLsrOverrun;
        return;
    }
    m_rx.push_back(byte);
}

void Uart8250::refresh_modem_lines() {
    u8 lines = kMsrDcd | kMsrDsr | kMsrCts;  // a console is always connected and ready
    if (m_s.mcr & kMcrLoop) {
        // Loopback wires the modem outputs back to the inputs.
        lines = 0;
        if (m_s.mcr & kMcrDtr) lines |= kMsrDsr;
        if (m_s.mcr & kMcrRts) lines |= kMsrCts;
        if (m_s.mcr & kMcrOut1) lines |= kMsrRi;
        if (m_s.mcr & kMcrOut2) lines |= kMsrDcd;
    }
    const u8 old = m_s.msr & kMsrLineMask;
    const u8 changed = old ^ lines;
    u8 delta = m_s.msr & kMsrDeltaMask;
    if (changed & kMsrCts) delta |= kMsrDeltaCts;
    if (changed & kMsrDsr) delta |= kMsrDeltaDsr;
    if (changed & kMsrDcd) delta |= kMsrDeltaDcd;
    if ((old & kMsrRi) && !(lines & kMsrRi)) delta |= kMsrTrailingRi;
    m_s.msr = static_cast<u8>(lines | delta);
}

u8 Uart8250::interrupt_id() const {
    // Highest priority first, per the datasheet's IIR table.
    if ((m_s.ier & kIerLineStatus) && m_s.lsr_errors) return kIirLineStatus;
    if ((m_s.ier & kIerRxData) && !m_rx.empty()) return kIirRxData;
    if ((m_s.ier & kIerThrEmpty) && m_s.thr_interrupt) return kIirThrEmpty;
    if ((m_s.ier & kIerModemStatus) && (m_s.msr & kMsrDeltaMask)) return kIirModemStatus;
    return kIirNoInterrupt;
}

u8 Uart8250::line_status() const {
    u8 lsr = kLsrThrEmpty | kLsrTxEmpty | m_s.lsr_errors;
    if (!m_rx.empty()) lsr |= kLsrDataReady;
    return lsr;
}

void Uart8250::update_irq(IrqUpdate mode) {
    // On a PC the UART's interrupt output reaches the PIC only through the OUT2 gate, and
    // loopback mode forces OUT2's pin inactive, so loopback also silences the line.
    const bool gated = (m_s.mcr & kMcrOut2) && !(m_s.mcr & kMcrLoop);
    const bool level = gated && interrupt_id() != kIirNoInterrupt;
    if (mode == IrqUpdate::OnChange && level == m_irq_level) return;
    m_irq_level = level;
    if (m_irq) m_irq->set_level(level);
}

void Uart8250::note_dropped(std::size_t count) {
    if (m_rx_dropped == 0 && count > 0) {
        spdlog::warn("uart: dropping console input the guest has not read yet (logged once)");
    }
    m_rx_dropped += count;
}

void Uart8250::note_bad_access(u64 offset) {
    if (m_bad_accesses++ == 0) {
        spdlog::warn("uart: guest accessed offset {:#x} outside the 8 UART registers; ignored",
                     offset);
    }
}

}  // namespace flint
