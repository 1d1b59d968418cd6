#pragma once
// A TAP interface as a network back end (--net tap,ifname=NAME): frames go to and come
// from the host kernel's tap device, which the operator bridges or routes. Opened with
// IFF_TAP | IFF_NO_PI: every read and write is one bare Ethernet frame.
//
// The interface is usually created beforehand by an administrator
// (ip tuntap add dev tap0 mode tap user $USER); opening an existing one owned by the user
// needs no privilege, creating one needs CAP_NET_ADMIN.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "backends/net.h"
#include "base/event_loop.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace flint::backends {

class Tap final : public NetBackend {
public:
    // Opens `ifname` and watches it on `loop` (not yet running).
    static Result<std::unique_ptr<Tap>> open(const std::string& ifname, EventLoop& loop);

    void set_receiver(FrameSink sink) override { m_sink = std::move(sink); }
    void send(std::span<const u8> frame) override;
    u64 send_drops() const override { return m_send_drops.load(std::memory_order_relaxed); }

private:
    explicit Tap(UniqueFd fd) : m_fd(std::move(fd)), m_buffer(kMaxFrameBytes) {}
    // Loop thread: reads what the interface has, a bounded batch per wake-up.
    void on_readable();

    UniqueFd m_fd;
    FrameSink m_sink;
    std::vector<u8> m_buffer;
    std::atomic<u64> m_send_drops{0};
};

}  // namespace flint::backends
