#include "backends/socket_chardev.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/log.h"

namespace flint::backends {

namespace {

constexpr std::string_view kTaken = "flint: this console already has a client\r\n";

}  // namespace

Result<std::unique_ptr<SocketChardev>> SocketChardev::listen(const std::string& path, EventLoop& loop,
                                                             InputHandler on_input, std::string_view what) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path)
        return Error::format("{}: the socket path must have 1 to {} characters", what, sizeof addr.sun_path - 1);
    std::memcpy(addr.sun_path, path.data(), path.size());

    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return Error::format("{}: {} exists and is not a socket; give a new path", what, path);
        ::unlink(path.c_str());  // a socket left behind by an earlier run
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Error::from_errno(fmt::format("{}: socket", what));
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0)
        return Error::from_errno(fmt::format("{}: bind {}", what, path));
    if (::listen(fd.get(), 1) < 0) return Error::from_errno(fmt::format("{}: listen on {}", what, path));

    std::unique_ptr<SocketChardev> c(new SocketChardev(loop, path, std::move(fd), std::move(on_input)));
    SocketChardev* self = c.get();
    FLINT_TRY_VOID(loop.watch(self->m_listener.get(), EPOLLIN, [self](u32) { self->accept_client(); }, self));
    return c;
}

SocketChardev::~SocketChardev() {
    m_loop.unwatch(m_listener.get(), this);
    {
        std::lock_guard lock(m_mutex);
        if (m_client.valid()) m_loop.unwatch(m_client.get(), this);
    }
    ::unlink(m_path.c_str());
}

bool SocketChardev::has_client() const {
    std::lock_guard lock(m_mutex);
    return m_client.valid();
}

void SocketChardev::write(std::span<const u8> bytes) {
    std::lock_guard lock(m_mutex);
    while (m_client.valid() && !bytes.empty()) {
        const ssize_t n = ::send(m_client.get(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // full (dropped) or gone (the loop thread notices and drops it)
        bytes = bytes.subspan(static_cast<size_t>(n));
    }
}

void SocketChardev::accept_client() {
    UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;  // the client gave up already, or a transient error
    std::lock_guard lock(m_mutex);
    if (m_client.valid()) {
        [[maybe_unused]] ssize_t n = ::send(fd.get(), kTaken.data(), kTaken.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        return;
    }
    const int client = fd.get();
    if (auto r = m_loop.watch(client, EPOLLIN, [this](u32 events) { on_client(events); }, this); !r) {
        spdlog::warn("{}: {}", m_path, r.error().message());
        return;
    }
    m_client = std::move(fd);
    spdlog::info("{}: a client attached", m_path);
}

void SocketChardev::on_client(u32 events) {
    std::array<u8, 4096> buf;
    int fd;
    {
        std::lock_guard lock(m_mutex);
        fd = m_client.get();
    }
    if (fd < 0) return;
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) {
        m_on_input(std::span<const u8>(buf.data(), static_cast<size_t>(n)));
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN) && !(events & (EPOLLERR | EPOLLHUP))) return;
    drop_client();  // end of stream or an error
}

void SocketChardev::drop_client() {
    std::lock_guard lock(m_mutex);
    if (!m_client.valid()) return;
    m_loop.unwatch(m_client.get(), this);
    m_client.reset();
    spdlog::info("{}: the client detached", m_path);
}

}  // namespace flint::backends
