#include "devices/virtio/transport_core.h"

#include "base/log.h"

namespace flint::virtio {

namespace {

constexpr u64 kRingFeatures = feature::kVersion1 | feature::kEventIdx | feature::kIndirectDesc;

}  // namespace

TransportCore::TransportCore(std::shared_ptr<Device> device, const GuestMemory& memory, Interrupts& interrupts,
                             GuestWriteHook on_guest_write)
    : m_device(std::move(device)),
      m_memory(memory),
      m_interrupts(interrupts),
      m_on_guest_write(std::move(on_guest_write)) {
    m_queues.assign(m_device->num_queues(), Queue(m_device->queue_max_size()));
    m_device->connect(*this);
}

bool TransportCore::run_locked(const std::function<void(Transport&)>& work) {
    std::lock_guard lock(m_mutex);
    if (!running()) return false;
    work(*this);
    return true;
}

bool TransportCore::running() const {
    return (m_status & status::kDriverOk) && !(m_status & status::kDeviceNeedsReset);
}

u64 TransportCore::offered_features() const { return m_device->device_features() | kRingFeatures; }

u32 TransportCore::device_features_word() const {
    return m_sel.device_features < 2 ? static_cast<u32>(offered_features() >> (32 * m_sel.device_features)) : 0;
}

u32 TransportCore::driver_features_word() const {
    return m_sel.driver_features < 2 ? static_cast<u32>(m_driver_features >> (32 * m_sel.driver_features)) : 0;
}

void TransportCore::write_driver_features_word(u32 value) {
    if (m_sel.driver_features < 2 && !(m_status & status::kFeaturesOk))
        m_driver_features = with_half(m_driver_features, m_sel.driver_features != 0, value);
}

void TransportCore::write_status(u32 value) {
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

void TransportCore::set_queue_ready(Queue& q, bool ready) {
    if (!ready) {
        q.disable();
    } else if (!q.ready()) {
        const QueueError e = q.make_ready(m_memory);
        if (e != QueueError::None) mark_broken(describe(e));
    }
}

void TransportCore::notify(u32 index) {
    if (index >= m_queues.size()) {
        ++m_bad_accesses;
        return;
    }
    if (!running() || !m_queues[index].ready()) return;
    m_device->process_queue(*this, index);
}

void TransportCore::signal_used(u32 index) {
    if (m_queues[index].should_notify()) m_interrupts.used_buffer(index);
}

void TransportCore::mark_broken(std::string_view why) {
    if (!m_broken_logged) {
        spdlog::warn("virtio device {}: {}; the device needs a reset", static_cast<u32>(m_device->device_id()), why);
        m_broken_logged = true;
    }
    if (m_status & status::kDeviceNeedsReset) return;
    m_status |= status::kDeviceNeedsReset;
    // Section 2.1.2: a device entering DEVICE_NEEDS_RESET sends a configuration change
    // notification, once the driver is running.
    if (m_status & status::kDriverOk) m_interrupts.config_change();
}

void TransportCore::reset() {
    m_device->reset();
    for (Queue& q : m_queues) q.reset();
    m_status = 0;
    m_driver_features = 0;
    m_sel = Selectors{};
    m_interrupts.clear();
}

}  // namespace flint::virtio
