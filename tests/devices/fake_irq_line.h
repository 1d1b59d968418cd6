#pragma once
// An interrupt line that records every level it is given, for device tests.
#include <vector>

#include "devices/irq_line.h"

namespace flint::test {

class FakeIrqLine final : public IrqLine {
public:
    void set_level(bool high) override { levels.push_back(high); }
    bool high() const { return !levels.empty() && levels.back(); }

    std::vector<bool> levels;
};

}  // namespace flint::test
