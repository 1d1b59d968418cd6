#pragma once
// An interrupt line driven level-style by a device but delivered as edges: a back end
// whose only way in is "one edge per signal" (a KVM irqfd) derives from it and sends an
// edge on each low-to-high transition. Raising a line that is already high sends nothing,
// as on a wire: a device that needs the driver to look again must lower the line first
// (the virtio-mmio transport does so after an InterruptAck that leaves bits pending).
#include <atomic>

#include "devices/irq_line.h"

namespace flint::hv {

class EdgeIrqLine : public IrqLine {
public:
    // From any thread; the level is one atomic flag, so racing callers send one edge.
    void set_level(bool high) final {
        if (!high) {
            m_high.store(false, std::memory_order_relaxed);
        } else if (!m_high.exchange(true, std::memory_order_relaxed)) {
            rising_edge();
        }
    }
    bool high() const { return m_high.load(std::memory_order_relaxed); }

protected:
    virtual void rising_edge() = 0;

private:
    std::atomic<bool> m_high{false};
};

}  // namespace flint::hv
