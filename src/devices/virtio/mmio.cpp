#include "devices/virtio/mmio.h"

#include "base/bits.h"
#include "base/log.h"

namespace flint::virtio {

namespace {

constexpr u64 kRingFeatures = feature::kVersion1 | feature::kEventIdx | feature::kIndirectDesc;

u64 with_half(u64 value, u32 half, u32 bits) {
    const unsigned shift = half ? 32 : 0;
    return (value & ~(u64{0xffffffff} << shift)) | (u64{bits} << shift);
}

}  // namespace

MmioTransport::MmioTransport(std::shared_ptr<Device> device, const GuestMemory& memory, std::shared_ptr<IrqLine> irq,
                             GuestWriteHook on_guest_write)
    : m_device(std::move(device)), m_memory(memory), m_irq(std::move(irq)), m_on_guest_write(std::move(on_guest_write)) {
    m_queues.assign(m_device->num_queues(), Queue(m_device->queue_max_size()));
    m_device->connect(*this);
}

bool MmioTransport::run_locked(const std::function<void(Transport&)>& work) {
    std::lock_guard lock(m_mutex);
    if (!(m_status & status::kDriverOk) || (m_status & status::kDeviceNeedsReset)) return false;
    work(*this);
    return true;
}

void MmioTransport::notify_queue(u32 index) {
    std::lock_guard lock(m_mutex);
    notify(index);
}

u32 MmioTransport::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

u64 MmioTransport::bad_accesses() const {
    std::lock_guard lock(m_mutex);
    return m_bad_accesses;
}

u64 MmioTransport::offered_features() const { return m_device->device_features() | kRingFeatures; }

void MmioTransport::read(u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_mutex);
    if (offset >= static_cast<u64>(MmioReg::Config)) {
        m_device->read_config(offset - static_cast<u64>(MmioReg::Config), data);
        return;
    }
    if (data.size() != 4 || offset % 4) {
        ++m_bad_accesses;
        std::fill(data.begin(), data.end(), u8{0});
        return;
    }
    store_le_span(data, read_reg(static_cast<MmioReg>(offset)));
}

void MmioTransport::write(u64 offset, std::span<const u8> data) {
    std::lock_guard lock(m_mutex);
    if (offset >= static_cast<u64>(MmioReg::Config)) {
        m_device->write_config(offset - static_cast<u64>(MmioReg::Config), data);
        return;
    }
    if (data.size() != 4 || offset % 4) {
        ++m_bad_accesses;
        return;
    }
    write_reg(static_cast<MmioReg>(offset), static_cast<u32>(load_le_span(data)));
}

Queue* MmioTransport::selected_queue() { return m_queue_sel < m_queues.size() ? &m_queues[m_queue_sel] : nullptr; }

u32 MmioTransport::read_reg(MmioReg reg) {
    Queue* q = selected_queue();
    switch (reg) {
    case MmioReg::MagicValue: return kMmioMagic;
    case MmioReg::Version: return kMmioVersion;
    case MmioReg::DeviceId: return static_cast<u32>(m_device->device_id());
    case MmioReg::VendorId: return kMmioVendorId;
    case MmioReg::DeviceFeatures:
        return m_device_features_sel < 2 ? static_cast<u32>(offered_features() >> (32 * m_device_features_sel)) : 0;
    case MmioReg::QueueNumMax: return q ? q->max_size() : 0;
    case MmioReg::QueueNum: return q ? q->size() : 0;
    case MmioReg::QueueReady: return q && q->ready() ? 1 : 0;
    case MmioReg::InterruptStatus: return m_interrupt_status;
    case MmioReg::Status: return m_status;
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
    default: ++m_bad_accesses; return 0;       // write-only or unknown
    }
}

void MmioTransport::write_reg(MmioReg reg, u32 value) {
    Queue* q = selected_queue();
    switch (reg) {
    case MmioReg::DeviceFeaturesSel: m_device_features_sel = value; return;
    case MmioReg::DriverFeaturesSel: m_driver_features_sel = value; return;
    case MmioReg::DriverFeatures:
        // Only while negotiating: after FEATURES_OK the accepted set is fixed.
        if (m_driver_features_sel < 2 && !(m_status & status::kFeaturesOk))
            m_driver_features = with_half(m_driver_features, m_driver_features_sel, value);
        return;
    case MmioReg::QueueSel: m_queue_sel = value; return;
    case MmioReg::QueueNum:
        if (q) q->set_size(value <= 0xffff ? static_cast<u16>(value) : 0);
        return;
    case MmioReg::QueueReady:
        if (!q) return;
        if (value == 0) {
            q->disable();
        } else if (!q->ready()) {
            const QueueError e = q->make_ready(m_memory);
            if (e != QueueError::None) mark_broken(describe(e));
        }
        return;
    case MmioReg::QueueNotify: notify(value); return;
    case MmioReg::InterruptAck:
        m_interrupt_status &= ~value;
        // Bits still pending (set after the driver read the status) need a fresh edge.
        m_irq->set_level(false);
        if (m_interrupt_status) m_irq->set_level(true);
        return;
    case MmioReg::Status: write_status(value); return;
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
    default: ++m_bad_accesses; return;  // read-only or unknown
    }
}

void MmioTransport::write_status(u32 value) {
    if (value == 0) {
        reset();
        return;
    }
    const u32 added = value & ~m_status;
    if (added & status::kFeaturesOk) {
        // Accept only a subset of what was offered, and only the modern interface; the
        // driver reads FEATURES_OK back and gives up when it is missing.
        const u64 offered = offered_features();
        if ((m_driver_features & ~offered) || !(m_driver_features & feature::kVersion1)) {
            value &= ~status::kFeaturesOk;
        } else {
            for (Queue& q : m_queues)
                q.set_features(m_driver_features & feature::kEventIdx, m_driver_features & feature::kIndirectDesc);
        }
    }
    // A broken device stays broken until reset, whatever the driver writes.
    m_status = value | (m_status & status::kDeviceNeedsReset);
    if ((added & status::kDriverOk) && (m_status & status::kFeaturesOk)) m_device->activate(m_driver_features);
}

void MmioTransport::notify(u32 index) {
    if (index >= m_queues.size()) {
        ++m_bad_accesses;
        return;
    }
    if (!(m_status & status::kDriverOk) || (m_status & status::kDeviceNeedsReset)) return;
    if (!m_queues[index].ready()) return;
    m_device->process_queue(*this, index);
}

void MmioTransport::signal_used(u32 index) {
    if (m_queues[index].should_notify()) raise(kInterruptUsedBuffer);
}

void MmioTransport::mark_broken(std::string_view why) {
    if (!m_broken_logged) {
        spdlog::warn("virtio device {}: {}; the device needs a reset", static_cast<u32>(m_device->device_id()), why);
        m_broken_logged = true;
    }
    if (m_status & status::kDeviceNeedsReset) return;
    m_status |= status::kDeviceNeedsReset;
    // Section 2.1.2: a device entering DEVICE_NEEDS_RESET sends a configuration change
    // notification, once the driver is running.
    if (m_status & status::kDriverOk) raise(kInterruptConfigChange);
}

void MmioTransport::raise(u32 interrupt_bits) {
    m_interrupt_status |= interrupt_bits;
    m_irq->set_level(true);
}

void MmioTransport::reset() {
    m_device->reset();
    for (Queue& q : m_queues) q.reset();
    m_status = 0;
    m_driver_features = 0;
    m_device_features_sel = 0;
    m_driver_features_sel = 0;
    m_queue_sel = 0;
    if (m_interrupt_status) {
        m_interrupt_status = 0;
        m_irq->set_level(false);
    }
}

}  // namespace flint::virtio
