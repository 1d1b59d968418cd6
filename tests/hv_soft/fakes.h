#pragma once
// Test doubles for the interrupt models: a hand-driven clock, a line that records its
// levels, and a sink that records interrupt messages.
#include <vector>

#include "devices/irq_line.h"
#include "hv/soft/clock.h"
#include "hv/soft/interrupt_types.h"

namespace flint::soft::test {

struct FakeClock {
    u64 now = 0;
    MonotonicClock fn() {
        return [this] { return now; };
    }
};

class RecordingLine final : public IrqLine {
public:
    void set_level(bool high) override {
        levels.push_back(high);
        if (high) ++rising;
    }
    std::vector<bool> levels;
    unsigned rising = 0;
};

class RecordingSink final : public InterruptSink {
public:
    void deliver(const InterruptMessage& msg) override { msgs.push_back(msg); }
    std::vector<InterruptMessage> msgs;
};

}  // namespace flint::soft::test
