#pragma once
// What virtio-mmio and virtio-pci share (virtio 1.2 sections 2 and 3): the device status
// and feature negotiation, the queues and their setup, reset, the broken state, the lock
// that serialises everything the device does and TransportLink::run_locked. A transport
// keeps only its register layout and its way of interrupting the driver, which it hands
// to the core as Interrupts.
//
// Every member function below except the constructor and mutex() requires mutex() held;
// the transport takes it around each register access.
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "devices/virtio/device.h"

namespace flint::virtio {

// `value` with its high (or low) 32 bits replaced by `bits`: the registers that set a
// 64-bit address or feature word 32 bits at a time.
inline u64 with_half(u64 value, bool high, u32 bits) {
    const unsigned shift = high ? 32 : 0;
    return (value & ~(u64{0xffffffff} << shift)) | (u64{bits} << shift);
}

class TransportCore final : private Transport, private TransportLink {
public:
    // Called for every range of guest RAM a device writes (may be empty).
    using GuestWriteHook = std::function<void(u64 gpa, u64 len)>;

    // How a transport tells the driver something happened; called with the lock held.
    class Interrupts {
    public:
        // Queue `index` has used buffers the driver asked to hear about.
        virtual void used_buffer(u32 index) = 0;
        // The configuration changed (here: the device needs a reset).
        virtual void config_change() = 0;
        // The device was reset: drop every pending interrupt.
        virtual void clear() = 0;

    protected:
        ~Interrupts() = default;
    };

    TransportCore(std::shared_ptr<Device> device, const GuestMemory& memory, Interrupts& interrupts,
                  GuestWriteHook on_guest_write);
    TransportCore(const TransportCore&) = delete;
    TransportCore& operator=(const TransportCore&) = delete;

    std::mutex& mutex() const { return m_mutex; }

    Device& device() { return *m_device; }
    u32 num_queues() const { return static_cast<u32>(m_queues.size()); }

    // The feature and queue selectors both transports have; a reset clears them.
    struct Selectors {
        u32 device_features = 0;
        u32 driver_features = 0;
        u32 queue = 0;
    };
    Selectors& selectors() { return m_sel; }

    // 32 bits of the offered features, chosen by the device features selector (0 past bit 63).
    u32 device_features_word() const;
    // 32 bits of the driver's features, chosen by the driver features selector.
    u32 driver_features_word() const;
    // Ignored after FEATURES_OK: the accepted set is fixed then.
    void write_driver_features_word(u32 value);

    u32 status() const { return m_status; }
    // 0 resets the device; FEATURES_OK sticks only for an acceptable feature set.
    void write_status(u32 value);
    // DRIVER_OK and not broken: queue notifications are served.
    bool running() const;

    // The queue the queue selector names, or nullptr when there is no such queue.
    Queue* selected_queue() { return queue_at(m_sel.queue); }
    Queue* queue_at(u32 index) { return index < m_queues.size() ? &m_queues[index] : nullptr; }
    // The driver enables (true) or disables a queue; a bad ring layout marks the device broken.
    void set_queue_ready(Queue& q, bool ready);
    // The driver notified queue `index`.
    void notify(u32 index);

    // A guest access the register layout does not allow (counted, otherwise ignored).
    void count_bad_access() { ++m_bad_accesses; }
    u64 bad_accesses() const { return m_bad_accesses; }

private:
    // Transport, for the device.
    const GuestMemory& memory() const override { return m_memory; }
    Queue& queue(u32 index) override { return m_queues[index]; }
    void signal_used(u32 index) override;
    void mark_broken(std::string_view why) override;
    void guest_written(u64 gpa, u64 len) override {
        if (m_on_guest_write) m_on_guest_write(gpa, len);
    }
    // TransportLink, for the device's host-side work.
    bool run_locked(const std::function<void(Transport&)>& work) override;

    void reset();
    u64 offered_features() const;

    std::shared_ptr<Device> m_device;
    const GuestMemory& m_memory;
    Interrupts& m_interrupts;
    GuestWriteHook m_on_guest_write;

    mutable std::mutex m_mutex;
    std::vector<Queue> m_queues;
    Selectors m_sel;
    u32 m_status = 0;
    u64 m_driver_features = 0;
    bool m_broken_logged = false;
    u64 m_bad_accesses = 0;
};

}  // namespace flint::virtio
