#include "bench/net_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "bench/net_stream.h"

namespace flint::bench {

namespace {

// Bounds on what a guest may ask for: far above what the bench asks, far below harm.
constexpr u64 kMaxBytes = u64{1} << 36;
constexpr u64 kMaxRounds = 10'000'000;
constexpr size_t kMaxLine = 64;

enum class Io { Ok, End };

// One connection's non-blocking I/O. Waiting also watches the stop eventfd and the
// listening socket: a new connection means the guest of this one is gone (one runs at a
// time), so this one ends.
class Connection {
public:
    Connection(int fd, int stop_fd, int listen_fd) : m_fd(fd), m_stop(stop_fd), m_listen(listen_fd) {}

    Io read_some(std::span<u8> buf, size_t& got) {
        for (;;) {
            const ssize_t n = ::recv(m_fd, buf.data(), buf.size(), 0);
            if (n > 0) {
                got = static_cast<size_t>(n);
                return Io::Ok;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR) || wait(POLLIN) == Io::End) return Io::End;
        }
    }
    Io read_all(std::span<u8> buf) {
        for (size_t done = 0, got = 0; done < buf.size(); done += got) {
            if (read_some(buf.subspan(done), got) == Io::End) return Io::End;
        }
        return Io::Ok;
    }
    Io write_all(std::span<const u8> buf) {
        for (size_t done = 0; done < buf.size();) {
            const ssize_t n = ::send(m_fd, buf.data() + done, buf.size() - done, MSG_NOSIGNAL);
            if (n > 0) {
                done += static_cast<size_t>(n);
                continue;
            }
            if ((errno != EAGAIN && errno != EINTR) || wait(POLLOUT) == Io::End) return Io::End;
        }
        return Io::Ok;
    }
    // A command line without its newline; one longer than kMaxLine is cut there (and then
    // matches no command).
    Io read_line(std::string& line) {
        line.clear();
        for (u8 ch = 0; line.size() <= kMaxLine;) {
            if (read_all(std::span(&ch, 1)) == Io::End) return Io::End;
            if (ch == '\n') break;
            line += static_cast<char>(ch);
        }
        return Io::Ok;
    }

private:
    Io wait(short events) {
        pollfd fds[3] = {{m_fd, events, 0}, {m_stop, POLLIN, 0}, {m_listen, POLLIN, 0}};
        while (::poll(fds, 3, -1) < 0) {
            if (errno != EINTR) return Io::End;
        }
        return fds[1].revents || fds[2].revents ? Io::End : Io::Ok;
    }
    int m_fd, m_stop, m_listen;
};

// "UP 1048576" -> the numbers after the word, when the line is exactly that word and as
// many numbers as `out` holds.
bool parse_command(std::string_view line, std::string_view word, std::span<u64> out) {
    if (!line.starts_with(word)) return false;
    line.remove_prefix(word.size());
    for (u64& v : out) {
        if (!line.starts_with(' ')) return false;
        line.remove_prefix(1);
        auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
        if (ec != std::errc() || end == line.data()) return false;
        line.remove_prefix(static_cast<size_t>(end - line.data()));
    }
    return line.empty();
}

enum class Served { Done, Rejected };

Served serve_connection(Connection& c) {
    std::vector<u8> buf(kNetBlock);
    std::string line;
    for (;;) {
        if (c.read_line(line) == Io::End || line == "BYE") return Served::Done;
        u64 n[2] = {0, 0};
        if (parse_command(line, "UP", std::span(n, 1)) && n[0] <= kMaxBytes) {
            StreamHash hash;
            for (u64 left = n[0], got = 0; left > 0; left -= got) {
                size_t g = 0;
                if (c.read_some(std::span(buf).first(std::min<u64>(left, buf.size())), g) == Io::End) return Served::Done;
                got = g;
                hash.add(std::span(buf).first(g));
            }
            const std::string ok = fmt::format("OK {:016x}\n", hash.value());
            if (c.write_all(std::span(reinterpret_cast<const u8*>(ok.data()), ok.size())) == Io::End) return Served::Done;
        } else if (parse_command(line, "DOWN", std::span(n, 1)) && n[0] <= kMaxBytes) {
            const NetBlock& block = net_block();
            for (u64 left = n[0]; left > 0;) {
                const size_t len = static_cast<size_t>(std::min<u64>(left, block.size()));
                if (c.write_all(std::span(block).first(len)) == Io::End) return Served::Done;
                left -= len;
            }
        } else if (parse_command(line, "ECHO", std::span(n, 2)) && n[0] <= kMaxRounds && n[1] >= 1 && n[1] <= buf.size()) {
            const auto msg = std::span(buf).first(static_cast<size_t>(n[1]));
            for (u64 i = 0; i < n[0]; ++i) {
                if (c.read_all(msg) == Io::End || c.write_all(msg) == Io::End) return Served::Done;
            }
        } else {
            return Served::Rejected;
        }
    }
}

}  // namespace

Result<std::unique_ptr<NetServer>> NetServer::start() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return Error::from_errno("net suite server: socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd.get(), 4) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return Error::from_errno("net suite server: listening on 127.0.0.1");
    UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop.valid()) return Error::from_errno("net suite server: eventfd");
    std::unique_ptr<NetServer> server(new NetServer(std::move(fd), std::move(stop), ntohs(addr.sin_port)));
    server->m_thread = std::thread([s = server.get()] { s->serve(); });
    return server;
}

NetServer::NetServer(UniqueFd listen_fd, UniqueFd stop_fd, u16 port)
    : m_listen(std::move(listen_fd)), m_stop(std::move(stop_fd)), m_port(port) {}

NetServer::~NetServer() {
    const u64 one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_stop.get(), &one, sizeof one);
    if (m_thread.joinable()) m_thread.join();
}

void NetServer::serve() {
    for (;;) {
        pollfd fds[2] = {{m_listen.get(), POLLIN, 0}, {m_stop.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
        if (fds[1].revents) return;
        if (!fds[0].revents) continue;
        UniqueFd conn(::accept4(m_listen.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!conn.valid()) continue;
        const int one = 1;
        ::setsockopt(conn.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Connection c(conn.get(), m_stop.get(), m_listen.get());
        if (serve_connection(c) == Served::Rejected) ++m_rejected;
    }
}

}  // namespace flint::bench
