#pragma once
// An MSI sink that records every message, for device tests.
#include <utility>
#include <vector>

#include "devices/msi.h"

namespace flint::test {

class FakeMsi final : public MsiSink {
public:
    void signal_msi(u64 address, u32 data) override { messages.emplace_back(address, data); }

    std::vector<std::pair<u64, u32>> messages;
};

}  // namespace flint::test
