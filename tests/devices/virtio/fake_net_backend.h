#pragma once
// A network back end that records what the device sends and lets a test push frames
// at the device, for virtio-net tests.
#include <span>
#include <vector>

#include "backends/net.h"

namespace flint::test {

class FakeNetBackend final : public backends::NetBackend {
public:
    struct Shared {
        std::vector<std::vector<u8>> sent;
        backends::FrameSink sink;
        bool valid_checksums = false;
        u16 mtu = 0;
    };
    explicit FakeNetBackend(Shared& shared) : m_shared(shared) {}
    void set_receiver(backends::FrameSink sink) override { m_shared.sink = std::move(sink); }
    void send(std::span<const u8> frame) override { m_shared.sent.emplace_back(frame.begin(), frame.end()); }
    u64 send_drops() const override { return 0; }
    bool delivers_valid_checksums() const override { return m_shared.valid_checksums; }
    u16 mtu() const override { return m_shared.mtu; }

private:
    Shared& m_shared;
};

}  // namespace flint::test
