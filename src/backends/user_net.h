#pragma once
// User-mode networking (--net user): libslirp, the network stack QEMU uses, turns the
// guest's frames into ordinary host sockets. No privilege is needed. The guest sees
// QEMU's well-known network: itself at 10.0.2.15 (by DHCP), the host (gateway) at
// 10.0.2.2, which also reaches the host's own loopback, and a DNS forwarder at 10.0.2.3.
// Host ports can be forwarded to guest ports (hostfwd).
//
// libslirp is not thread-safe: every call into it runs on the event loop thread. Frames
// the guest sends are queued and handed to it there; frames it produces go to the
// receiver from there.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "backends/net.h"
#include "base/event_loop.h"
#include "base/result.h"

struct Slirp;
struct SlirpCb;

namespace flint::backends {

// A host port forwarded into the guest: hostfwd=tcp:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT.
struct HostForward {
    enum class Protocol : u8 { Tcp, Udp };
    Protocol protocol = Protocol::Tcp;
    u32 host_addr = 0;  // IPv4, host byte order; 0 = every address
    u16 host_port = 0;
    u32 guest_addr = 0;  // IPv4, host byte order; 0 = the guest's DHCP address
    u16 guest_port = 0;
};

// The addresses of the user-mode network (host byte order).
inline constexpr u32 kUserNetGuest = 0x0a00020f;  // 10.0.2.15
inline constexpr u32 kUserNetHost = 0x0a000202;   // 10.0.2.2
// The guest's MTU on user-mode networking: libslirp's largest (IF_MTU_MAX is 65521),
// rounded down to a multiple of 8 so that IP fragments line up.
inline constexpr u16 kUserNetMtu = 65520;

class UserNet final : public NetBackend, private EventLoop::Source {
public:
    // Builds the stack and its forwards on `loop` (not yet running). A forward whose host
    // port cannot be bound is an error.
    static Result<std::unique_ptr<UserNet>> create(const std::vector<HostForward>& forwards, EventLoop& loop);
    ~UserNet() override;

    void set_receiver(FrameSink sink) override { m_sink = std::move(sink); }
    void send(std::span<const u8> frame) override;
    u64 send_drops() const override { return m_send_drops.load(std::memory_order_relaxed); }
    // libslirp computes every checksum of the frames it builds.
    bool delivers_valid_checksums() const override { return true; }
    u16 mtu() const override { return kUserNetMtu; }

private:
    explicit UserNet(EventLoop& loop);
    Result<void> add_forward(const HostForward& fwd);

    // EventLoop::Source: libslirp's poll cycle, on the loop thread.
    int prepare() override;
    void dispatch() override;
    // Loop thread: hands the queued guest frames to libslirp.
    void drain_sent();

    // libslirp callbacks (C linkage shims in user_net.cpp call these).
    friend struct SlirpGlue;
    struct PollFd {
        int fd;
        int events;   // SLIRP_POLL_*
        int revents;  // SLIRP_POLL_*, filled by the loop
    };

    EventLoop& m_loop;
    std::unique_ptr<SlirpCb> m_callbacks;  // libslirp keeps the pointer
    Slirp* m_slirp = nullptr;
    FrameSink m_sink;
    std::vector<PollFd> m_pollfds;  // this iteration's descriptors
    std::vector<int> m_watched;     // descriptors registered with the loop

    std::mutex m_send_mutex;  // guards the two below
    std::vector<std::vector<u8>> m_outgoing;
    bool m_drain_posted = false;
    std::atomic<u64> m_send_drops{0};
};

}  // namespace flint::backends
