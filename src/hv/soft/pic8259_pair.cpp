#include "hv/soft/pic8259_pair.h"

namespace flint::soft {

namespace {
constexpr unsigned kCascadeLine = 2;
constexpr unsigned kLinesPerChip = 8;
constexpr unsigned kLineCount = 16;
}  // namespace

Pic8259Pair::Pic8259Pair() = default;

template <typename Op>
auto Pic8259Pair::locked_update(Op&& op) {
    std::unique_lock lock(m_mutex);
    const bool before = m_master.pending_irq() >= 0;
    auto result = op();
    const bool after = m_master.pending_irq() >= 0;
    Notifier notify = (!before && after) ? m_notifier : Notifier{};
    lock.unlock();
    if (notify) notify();
    return result;
}

void Pic8259Pair::set_notifier(Notifier notifier) {
    std::lock_guard lock(m_mutex);
    m_notifier = std::move(notifier);
}

void Pic8259Pair::update_cascade(bool drop_first) {
    if (drop_first) m_master.set_irq(kCascadeLine, false);
    m_master.set_irq(kCascadeLine, m_slave.pending_irq() >= 0);
}

void Pic8259Pair::set_irq(unsigned line, bool level) {
    locked_update([&] {
        if (line >= kLineCount || line == kCascadeLine) {
            m_errors.note("set_irq on line {} (cascade or out of range)", line);
            return 0;
        }
        if (line < kLinesPerChip) {
            m_master.set_irq(line, level);
        } else {
            m_slave.set_irq(line - kLinesPerChip, level);
            update_cascade(false);
        }
        return 0;
    });
}

bool Pic8259Pair::has_interrupt() const {
    std::lock_guard lock(m_mutex);
    return m_master.pending_irq() >= 0;
}

u8 Pic8259Pair::acknowledge() {
    std::lock_guard lock(m_mutex);
    bool spurious = false;
    const unsigned line = m_master.acknowledge(&spurious);
    if (spurious) {
        ++m_spurious;
        return static_cast<u8>(m_master.vector_base() | line);
    }
    const bool cascaded = !m_master.state().single &&
                          (m_master.state().icw3 & (1u << kCascadeLine)) != 0;
    if (line != kCascadeLine || !cascaded) return static_cast<u8>(m_master.vector_base() | line);
    // The master serviced its IR2: the slave supplies the vector. A spurious answer from
    // the slave (IRQ15 without an in-service bit) still leaves the master's IR2 in
    // service, so the guest must EOI the master, as on a PC.
    const unsigned slave_line = m_slave.acknowledge(&spurious);
    if (spurious) ++m_spurious;
    update_cascade(true);
    return static_cast<u8>(m_slave.vector_base() | slave_line);
}

u8 Pic8259Pair::read_port(PicChip chip, PicPort port) {
    return locked_update([&] {
        const u8 value = (chip == PicChip::Master) ? m_master.read(port) : m_slave.read(port);
        if (chip == PicChip::Slave) update_cascade(false);  // a poll acknowledges
        return value;
    });
}

void Pic8259Pair::write_port(PicChip chip, PicPort port, u8 value) {
    locked_update([&] {
        if (chip == PicChip::Master) {
            m_master.write(port, value);
        } else {
            m_slave.write(port, value);
            update_cascade(false);
        }
        return 0;
    });
}

u8 Pic8259Pair::read_elcr(ElcrPort port) const {
    std::lock_guard lock(m_mutex);
    return port == ElcrPort::Master ? m_master.state().elcr : m_slave.state().elcr;
}

void Pic8259Pair::write_elcr(ElcrPort port, u8 value) {
    locked_update([&] {
        if (port == ElcrPort::Master) {
            m_master.write_elcr(value, kElcrMasterWritable);
        } else {
            m_slave.write_elcr(value, kElcrSlaveWritable);
            update_cascade(false);
        }
        return 0;
    });
}

Pic8259PairState Pic8259Pair::save() const {
    std::lock_guard lock(m_mutex);
    return {m_master.state(), m_slave.state()};
}

void Pic8259Pair::restore(const Pic8259PairState& state) {
    std::lock_guard lock(m_mutex);
    m_master.restore(state.master);
    m_slave.restore(state.slave);
}

u64 Pic8259Pair::spurious_count() const {
    std::lock_guard lock(m_mutex);
    return m_spurious;
}

u64 Pic8259Pair::guest_errors() const {
    std::lock_guard lock(m_mutex);
    return m_errors.count() + m_master.guest_errors() + m_slave.guest_errors();
}

void PicPortsDevice::read(u64 offset, std::span<u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        data[i] = at < kPicPortCount ? m_pair.read_port(m_chip, static_cast<PicPort>(at)) : 0xff;
    }
}

void PicPortsDevice::write(u64 offset, std::span<const u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        if (at < kPicPortCount) m_pair.write_port(m_chip, static_cast<PicPort>(at), data[i]);
    }
}

void ElcrDevice::read(u64 offset, std::span<u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        data[i] = at < kElcrPortCount ? m_pair.read_elcr(static_cast<ElcrPort>(at)) : 0xff;
    }
}

void ElcrDevice::write(u64 offset, std::span<const u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const u64 at = offset + i;
        if (at < kElcrPortCount) m_pair.write_elcr(static_cast<ElcrPort>(at), data[i]);
    }
}

}  // namespace flint::soft
