#include "devices/virtio/mmio.h"

#include <algorithm>

#include "base/bits.h"

namespace flint::virtio {

MmioTransport::MmioTransport(std::shared_ptr<Device> device, const GuestMemory& memory, std::shared_ptr<IrqLine> irq,
                             GuestWriteHook on_guest_write)
    : m_irq(std::move(irq)), m_core(std::move(device), memory, *this, std::move(on_guest_write)) {}

void MmioTransport::notify_queue(u32 index) {
    std::lock_guard lock(m_core.mutex());
    m_core.notify(index);
}

u32 MmioTransport::status() const {
    std::lock_guard lock(m_core.mutex());
    return m_core.status();
}

u64 MmioTransport::bad_accesses() const {
    std::lock_guard lock(m_core.mutex());
    return m_core.bad_accesses();
}

void MmioTransport::read(u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_core.mutex());
    if (offset >= static_cast<u64>(MmioReg::Config)) {
        m_core.device().read_config(offset - static_cast<u64>(MmioReg::Config), data);
        return;
    }
    if (data.size() != 4 || offset % 4) {
        m_core.count_bad_access();
        std::fill(data.begin(), data.end(), u8{0});
        return;
    }
    store_le_span(data, read_reg(static_cast<MmioReg>(offset)));
}

void MmioTransport::write(u64 offset, std::span<const u8> data) {
    std::lock_guard lock(m_core.mutex());
    if (offset >= static_cast<u64>(MmioReg::Config)) {
        m_core.device().write_config(offset - static_cast<u64>(MmioReg::Config), data);
        return;
    }
    if (data.size() != 4 || offset % 4) {
        m_core.count_bad_access();
        return;
    }
    write_reg(static_cast<MmioReg>(offset), static_cast<u32>(load_le_span(data)));
}

u32 MmioTransport::read_reg(MmioReg reg) {
    Queue* q = m_core.selected_queue();
    switch (reg) {
    case MmioReg::MagicValue: return kMmioMagic;
    case MmioReg::Version: return kMmioVersion;
    case MmioReg::DeviceId: return static_cast<u32>(m_core.device().device_id());
    case MmioReg::VendorId: return kMmioVendorId;
    case MmioReg::DeviceFeatures: return m_core.device_features_word();
    case MmioReg::QueueNumMax: return q ? q->max_size() : 0;
    case MmioReg::QueueNum: return q ? q->size() : 0;
    case MmioReg::QueueReady: return q && q->ready() ? 1 : 0;
    case MmioReg::InterruptStatus: return m_interrupt_status;
    case MmioReg::Status: return m_core.status();
    case MmioReg::QueueDescLow: return q ? static_cast<u32>(q->desc_addr()) : 0;
    case MmioReg::QueueDescHigh: return q ? static_cast<u32>(q->desc_addr() >> 32) : 0;
    case MmioReg::QueueDriverLow: return q ? static_cast<u32>(q->avail_addr()) : 0;
    case MmioReg::QueueDriverHigh: return q ? static_cast<u32>(q->avail_addr() >> 32) : 0;
    case MmioReg::QueueDeviceLow: return q ? static_cast<u32>(q->used_addr()) : 0;
    case MmioReg::QueueDeviceHigh: return q ? static_cast<u32>(q->used_addr() >> 32) : 0;
    // No shared memory regions: length and base read as all-ones (section 4.2.2).
    case MmioReg::ShmLenLow:
    case MmioReg::ShmLenHigh:
    case MmioReg::ShmBaseLow:
    case MmioReg::ShmBaseHigh: return 0xffffffff;
    case MmioReg::ConfigGeneration: return 0;  // the configuration never changes
    default: m_core.count_bad_access(); return 0;  // write-only or unknown
    }
}

void MmioTransport::write_reg(MmioReg reg, u32 value) {
    Queue* q = m_core.selected_queue();
    switch (reg) {
    case MmioReg::DeviceFeaturesSel: m_core.selectors().device_features = value; return;
    case MmioReg::DriverFeaturesSel: m_core.selectors().driver_features = value; return;
    case MmioReg::DriverFeatures: m_core.write_driver_features_word(value); return;
    case MmioReg::QueueSel: m_core.selectors().queue = value; return;
    case MmioReg::QueueNum:
        if (q) q->set_size(value <= 0xffff ? static_cast<u16>(value) : 0);
        return;
    case MmioReg::QueueReady:
        if (q) m_core.set_queue_ready(*q, value != 0);
        return;
    case MmioReg::QueueNotify: m_core.notify(value); return;
    case MmioReg::InterruptAck:
        m_interrupt_status &= ~value;
        // Bits still pending (set after the driver read the status) need a fresh edge.
        m_irq->set_level(false);
        if (m_interrupt_status) m_irq->set_level(true);
        return;
    case MmioReg::Status: m_core.write_status(value); return;
    case MmioReg::QueueDescLow:
    case MmioReg::QueueDescHigh:
        if (q) q->set_desc_addr(with_half(q->desc_addr(), reg == MmioReg::QueueDescHigh, value));
        return;
    case MmioReg::QueueDriverLow:
    case MmioReg::QueueDriverHigh:
        if (q) q->set_avail_addr(with_half(q->avail_addr(), reg == MmioReg::QueueDriverHigh, value));
        return;
    case MmioReg::QueueDeviceLow:
    case MmioReg::QueueDeviceHigh:
        if (q) q->set_used_addr(with_half(q->used_addr(), reg == MmioReg::QueueDeviceHigh, value));
        return;
    case MmioReg::ShmSel: return;  // no regions to select
    default: m_core.count_bad_access(); return;  // read-only or unknown
    }
}

void MmioTransport::raise(u32 interrupt_bits) {
    m_interrupt_status |= interrupt_bits;
    m_irq->set_level(true);
}

void MmioTransport::clear() {
    if (m_interrupt_status) {
        m_interrupt_status = 0;
        m_irq->set_level(false);
    }
}

}  // namespace flint::virtio
