#include "backends/tap.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace flint::backends {

namespace {

// Frames read per wake-up before the loop serves its other descriptors; epoll is
// level-triggered, so the rest comes on the next iteration.
constexpr int kReadBatch = 64;

Error open_error(const std::string& ifname, const char* what, int err) {
    const std::string where = fmt::format("--net tap,ifname={}", ifname);
    if (err == EPERM || err == EACCES)
        return Error(fmt::format("{}: not permitted to {} (create it first with 'ip tuntap add dev {} mode tap user "
                                 "$USER', or run flint with CAP_NET_ADMIN)",
                                 where, what, ifname),
                     err);
    if (err == ENOENT || err == ENODEV)
        return Error(fmt::format("{}: no /dev/net/tun on this host (load the tun module: modprobe tun)", where), err);
    if (err == EBUSY) return Error(fmt::format("{}: the interface is in use by another process", where), err);
    return Error::from_errno(fmt::format("{}: {}", where, what), err);
}

}  // namespace

Result<std::unique_ptr<Tap>> Tap::open(const std::string& ifname, EventLoop& loop) {
    if (ifname.empty() || ifname.size() >= IFNAMSIZ)
        return Error::format("--net tap,ifname='{}': give an interface name of 1 to {} characters", ifname,
                             IFNAMSIZ - 1);
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return open_error(ifname, "open /dev/net/tun", errno);
    ifreq req{};
    std::memcpy(req.ifr_name, ifname.data(), ifname.size());
    req.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(fd.get(), TUNSETIFF, &req) < 0) return open_error(ifname, "attach to the interface", errno);

    std::unique_ptr<Tap> tap(new Tap(std::move(fd)));
    Tap* self = tap.get();
    FLINT_TRY_VOID(loop.watch(self->m_fd.get(), EPOLLIN, [self](u32) { self->on_readable(); }));
    return tap;
}

void Tap::send(std::span<const u8> frame) {
    // One write is one frame; the kernel takes it whole or not at all. A full interface
    // queue (EAGAIN) or a link that is down drops the frame, as a wire would.
    for (;;) {
        const ssize_t n = ::write(m_fd.get(), frame.data(), frame.size());
        if (n >= 0) return;
        if (errno != EINTR) break;
    }
    m_send_drops.fetch_add(1, std::memory_order_relaxed);
}

void Tap::on_readable() {
    for (int i = 0; i < kReadBatch; ++i) {
        const ssize_t n = ::read(m_fd.get(), m_buffer.data(), m_buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // EAGAIN: drained
        if (m_sink) m_sink(std::span<const u8>(m_buffer.data(), static_cast<size_t>(n)));
    }
}

}  // namespace flint::backends
