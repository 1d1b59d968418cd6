#include "vmm/console.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <vector>

#include "base/log.h"
#include "vmm/terminal.h"

namespace flint::vmm {

namespace {
constexpr u8 kCtrlA = 0x01;

void write_all(int fd, std::span<const u8> bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // the console went away (closed pipe): output is dropped
        }
        bytes = bytes.subspan(static_cast<size_t>(n));
    }
}
}  // namespace

Result<std::unique_ptr<Console>> Console::create(const ConsoleConfig& config) {
    std::unique_ptr<Console> c(new Console());
    c->m_kind = config.kind;
    switch (config.kind) {
    case ConsoleKind::Stdio: {
        int fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (fd < 0) return Error::from_errno("duplicating stdout for the console");
        c->m_out.reset(fd);
        break;
    }
    case ConsoleKind::File: {
        int fd = ::open(config.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return Error::from_errno(fmt::format("console file {}", config.path));
        c->m_out.reset(fd);
        break;
    }
    case ConsoleKind::None:
        break;
    case ConsoleKind::Socket:
        return Error("a socket console is the virtio-console's only (--hvc0 socket:PATH)");
    }
    return c;
}

Console::~Console() {
    stop_input();
    if (m_raw) restore_terminal();
}

void Console::write(std::span<const u8> bytes) {
    if (m_out.valid()) write_all(m_out.get(), bytes);
}

Result<void> Console::start_input(InputHandler on_input, QuitHandler on_quit) {
    if (m_kind != ConsoleKind::Stdio) return ok();
    int efd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0) return Error::from_errno("eventfd for the console");
    m_stop_event.reset(efd);
    m_on_input = std::move(on_input);
    m_on_quit = std::move(on_quit);
    m_raw = enter_raw_mode(STDIN_FILENO);
    m_thread = std::thread([this] { input_loop(); });
    return ok();
}

void Console::stop_input() {
    if (!m_thread.joinable()) return;
    u64 one = 1;
    [[maybe_unused]] ssize_t n = ::write(m_stop_event.get(), &one, sizeof one);
    m_thread.join();
}

void Console::input_loop() {
    bool stdin_open = true;
    std::vector<u8> buf(256);
    for (;;) {
        pollfd fds[2] = {{m_stop_event.get(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        int r = ::poll(fds, stdin_open ? 2 : 1, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            spdlog::warn("console input: poll failed: {}", std::strerror(errno));
            return;
        }
        if (fds[0].revents) return;
        if (stdin_open && fds[1].revents) {
            ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) {
                stdin_open = false;  // end of input: the guest keeps running without it
                continue;
            }
            handle_input(std::span<const u8>(buf.data(), static_cast<size_t>(n)));
        }
    }
}

void Console::handle_input(std::span<const u8> bytes) {
    std::vector<u8> out;
    out.reserve(bytes.size());
    for (u8 b : bytes) {
        if (m_escape) {
            m_escape = false;
            if (b == 'x' || b == 'X') {
                if (!out.empty()) m_on_input(out);
                m_on_quit();
                return;
            }
            if (b == kCtrlA) {
                out.push_back(kCtrlA);
                continue;
            }
            // Unknown escape: pass both bytes on, as if no escape had been meant.
            out.push_back(kCtrlA);
            out.push_back(b);
            continue;
        }
        if (b == kCtrlA) {
            m_escape = true;
            continue;
        }
        out.push_back(b);
    }
    if (!out.empty()) m_on_input(out);
}

}  // namespace flint::vmm
