#include "backends/user_net.h"

#include <arpa/inet.h>
#include <libslirp.h>
#include <sys/epoll.h>

#include <algorithm>
#include <climits>

#include "base/log.h"

namespace flint::backends {

namespace {

// Frames queued from the guest between two loop iterations; beyond this the guest sends
// faster than libslirp takes them, and the excess is dropped (TCP resends).
constexpr size_t kMaxQueuedFrames = 1024;

in_addr ipv4(u32 host_order) { return in_addr{htonl(host_order)}; }
// `text` is a literal of this file: always a valid address.
in6_addr ipv6(const char* text) {
    in6_addr a{};
    ::inet_pton(AF_INET6, text, &a);
    return a;
}

u32 to_epoll(int slirp_events) {
    u32 e = 0;
    if (slirp_events & SLIRP_POLL_IN) e |= EPOLLIN;
    if (slirp_events & SLIRP_POLL_OUT) e |= EPOLLOUT;
    if (slirp_events & SLIRP_POLL_PRI) e |= EPOLLPRI;
    return e;
}

int from_epoll(u32 events) {
    int r = 0;
    if (events & EPOLLIN) r |= SLIRP_POLL_IN;
    if (events & EPOLLOUT) r |= SLIRP_POLL_OUT;
    if (events & EPOLLPRI) r |= SLIRP_POLL_PRI;
    if (events & EPOLLERR) r |= SLIRP_POLL_ERR;
    if (events & EPOLLHUP) r |= SLIRP_POLL_HUP;
    return r;
}

EventLoop::TimerId timer_id(void* timer) { return static_cast<EventLoop::TimerId>(reinterpret_cast<uintptr_t>(timer)); }

}  // namespace

// libslirp's callbacks, with `opaque` = the UserNet.
struct SlirpGlue {
    static UserNet& self(void* opaque) { return *static_cast<UserNet*>(opaque); }

    static ssize_t send_packet(const void* buf, size_t len, void* opaque) {
        UserNet& u = self(opaque);
        if (u.m_sink) u.m_sink(std::span<const u8>(static_cast<const u8*>(buf), len));
        return static_cast<ssize_t>(len);
    }
    static void guest_error(const char* msg, void*) { spdlog::debug("user-mode network: guest error: {}", msg); }
    static int64_t clock_get_ns(void*) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(EventLoop::Clock::now().time_since_epoch()).count();
    }
    static void* timer_new(SlirpTimerCb cb, void* cb_opaque, void* opaque) {
        const EventLoop::TimerId id = self(opaque).m_loop.add_timer([cb, cb_opaque] { cb(cb_opaque); });
        return reinterpret_cast<void*>(static_cast<uintptr_t>(id));
    }
    static void timer_free(void* timer, void* opaque) { self(opaque).m_loop.remove_timer(timer_id(timer)); }
    // `expire_ms` is on clock_get_ns's clock, in milliseconds.
    static void timer_mod(void* timer, int64_t expire_ms, void* opaque) {
        self(opaque).m_loop.arm_timer(timer_id(timer), EventLoop::Clock::time_point(std::chrono::milliseconds(expire_ms)));
    }
    // Descriptors are declared afresh on every poll cycle (prepare()), so registration
    // and the io-thread kick need nothing.
    static void register_poll_fd(int, void*) {}
    static void unregister_poll_fd(int, void*) {}
    static void notify(void*) {}

    static int add_poll(int fd, int events, void* opaque) {
        UserNet& u = self(opaque);
        u.m_pollfds.push_back({fd, events, 0});
        return static_cast<int>(u.m_pollfds.size() - 1);
    }
    static int get_revents(int index, void* opaque) {
        UserNet& u = self(opaque);
        return index >= 0 && static_cast<size_t>(index) < u.m_pollfds.size() ? u.m_pollfds[static_cast<size_t>(index)].revents
                                                                               : 0;
    }
};

UserNet::UserNet(EventLoop& loop) : m_loop(loop), m_callbacks(std::make_unique<SlirpCb>()) {
    SlirpCb& cb = *m_callbacks;
    cb.send_packet = &SlirpGlue::send_packet;
    cb.guest_error = &SlirpGlue::guest_error;
    cb.clock_get_ns = &SlirpGlue::clock_get_ns;
    cb.timer_new = &SlirpGlue::timer_new;
    cb.timer_free = &SlirpGlue::timer_free;
    cb.timer_mod = &SlirpGlue::timer_mod;
    cb.register_poll_fd = &SlirpGlue::register_poll_fd;
    cb.unregister_poll_fd = &SlirpGlue::unregister_poll_fd;
    cb.notify = &SlirpGlue::notify;
}

UserNet::~UserNet() {
    // The loop thread has stopped (the VMM stops it before destroying devices), so
    // libslirp's timer_free calls are safe from this thread.
    if (m_slirp) slirp_cleanup(m_slirp);
}

Result<std::unique_ptr<UserNet>> UserNet::create(const std::vector<HostForward>& forwards, EventLoop& loop) {
    std::unique_ptr<UserNet> u(new UserNet(loop));
    SlirpConfig cfg{};
    cfg.version = 3;  // up to disable_dns; version 4 would ask for timer_new_opaque
    cfg.restricted = 0;
    cfg.in_enabled = true;
    cfg.vnetwork = ipv4(kUserNetHost & 0xffffff00);
    cfg.vnetmask = ipv4(0xffffff00);
    cfg.vhost = ipv4(kUserNetHost);
    cfg.vdhcp_start = ipv4(kUserNetGuest);
    cfg.vnameserver = ipv4(0x0a000203);  // 10.0.2.3
    cfg.vhostname = "flint";
    // IPv6 as in QEMU: the guest configures itself (SLAAC) in fec0::/64 from the router
    // advertisements of fec0::2, which is the host as 10.0.2.2 is; DNS at fec0::3.
    cfg.in6_enabled = true;
    cfg.vprefix_addr6 = ipv6("fec0::");
    cfg.vprefix_len = 64;
    cfg.vhost6 = ipv6("fec0::2");
    cfg.vnameserver6 = ipv6("fec0::3");
    cfg.disable_host_loopback = false;  // 10.0.2.2 reaches the host's 127.0.0.1
    cfg.if_mtu = kUserNetMtu;
    cfg.if_mru = kUserNetMtu;
    u->m_slirp = slirp_new(&cfg, u->m_callbacks.get(), u.get());
    if (!u->m_slirp) return Error("--net user: libslirp could not create its network stack");
    for (const HostForward& f : forwards) FLINT_TRY_VOID(u->add_forward(f));
    loop.add_source(*u);
    return u;
}

Result<void> UserNet::add_forward(const HostForward& f) {
    const bool udp = f.protocol == HostForward::Protocol::Udp;
    const u32 guest = f.guest_addr ? f.guest_addr : kUserNetGuest;
    if (slirp_add_hostfwd(m_slirp, udp ? 1 : 0, ipv4(f.host_addr), f.host_port, ipv4(guest), f.guest_port) < 0) {
        const in_addr h = ipv4(f.host_addr);
        return Error::format("--net user,hostfwd={}:{}:{}-:{}: cannot listen on host port {} (in use, or not permitted)",
                             udp ? "udp" : "tcp", f.host_addr ? inet_ntoa(h) : "", f.host_port, f.guest_port,
                             f.host_port);
    }
    return ok();
}

void UserNet::send(std::span<const u8> frame) {
    bool post = false;
    {
        std::lock_guard lock(m_send_mutex);
        if (m_outgoing.size() >= kMaxQueuedFrames) {
            m_send_drops.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        m_outgoing.emplace_back(frame.begin(), frame.end());
        post = !std::exchange(m_drain_posted, true);
    }
    if (post) m_loop.post([this] { drain_sent(); });
}

void UserNet::drain_sent() {
    std::vector<std::vector<u8>> frames;
    {
        std::lock_guard lock(m_send_mutex);
        frames.swap(m_outgoing);
        m_drain_posted = false;
    }
    for (const auto& f : frames) slirp_input(m_slirp, f.data(), static_cast<int>(f.size()));
}

int UserNet::prepare() {
    m_pollfds.clear();
    uint32_t timeout = UINT32_MAX;
    slirp_pollfds_fill(m_slirp, &timeout, &SlirpGlue::add_poll, this);
    // Declare every descriptor again: libslirp opens and closes sockets between cycles,
    // and a closed one may come back under the same number.
    std::vector<int> now;
    now.reserve(m_pollfds.size());
    for (size_t i = 0; i < m_pollfds.size(); ++i) {
        const int fd = m_pollfds[i].fd;
        auto r = m_loop.watch(fd, to_epoll(m_pollfds[i].events),
                              [this, i](u32 events) { m_pollfds[i].revents |= from_epoll(events); }, this);
        if (!r) spdlog::debug("user-mode network: {}", r.error().message());
        now.push_back(fd);
    }
    std::sort(now.begin(), now.end());
    for (int fd : m_watched)
        if (!std::binary_search(now.begin(), now.end(), fd)) m_loop.unwatch(fd, this);
    m_watched = std::move(now);
    return timeout == UINT32_MAX ? -1 : static_cast<int>(std::min<uint32_t>(timeout, INT_MAX));
}

void UserNet::dispatch() { slirp_pollfds_poll(m_slirp, 0, &SlirpGlue::get_revents, this); }

}  // namespace flint::backends
