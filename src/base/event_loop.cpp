#include "base/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace flint {

namespace {

constexpr int kMaxEvents = 32;

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll.valid()) return Error::from_errno("epoll_create1");
    UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake.valid()) return Error::from_errno("eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake.get();
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) < 0) return Error::from_errno("epoll_ctl(eventfd)");
    return std::unique_ptr<EventLoop>(new EventLoop(std::move(epoll), std::move(wake)));
}

EventLoop::~EventLoop() { stop(); }

Result<void> EventLoop::start() {
    if (m_thread.joinable()) return Error("the event loop already runs");
    m_thread = std::thread([this] { run(); });
    return ok();
}

void EventLoop::stop() {
    {
        std::lock_guard lock(m_posted_mutex);
        m_stopping = true;
    }
    wake();
    if (m_thread.joinable()) m_thread.join();
}

Result<void> EventLoop::watch(int fd, u32 events, FdHandler handler, const void* owner) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    // Try the likelier operation first, then the other: the descriptor may have been
    // closed (and left epoll) or reopened under the same number since the last call.
    const bool known = m_fds.contains(fd);
    if (::epoll_ctl(m_epoll.get(), known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0) {
        const int first = errno;
        if ((first != ENOENT && first != EEXIST) ||
            ::epoll_ctl(m_epoll.get(), known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) < 0)
            return Error::from_errno(fmt::format("epoll_ctl(fd {})", fd));
    }
    m_fds[fd] = Watch{std::move(handler), owner};
    return ok();
}

void EventLoop::unwatch(int fd, const void* owner) {
    auto it = m_fds.find(fd);
    if (it == m_fds.end() || it->second.owner != owner) return;
    m_fds.erase(it);
    // ENOENT/EBADF: the descriptor was closed first, which removed it already.
    (void)::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
}

Result<void> EventLoop::watch_event(int efd, Task on_signal, const void* owner) {
    return watch(
        efd, EPOLLIN,
        [efd, on_signal = std::move(on_signal)](u32) {
            // Reset first: a signal that arrives while the task runs is seen on the next
            // wait and runs it again, so none is lost.
            u64 count;
            if (::read(efd, &count, sizeof count) != sizeof count) return;  // spurious: EAGAIN
            on_signal();
        },
        owner);
}

EventLoop::TimerId EventLoop::add_timer(Task callback) {
    const TimerId id = m_next_timer++;
    m_timers[id].callback = std::move(callback);
    return id;
}

void EventLoop::arm_timer(TimerId id, Clock::time_point deadline) {
    auto it = m_timers.find(id);
    if (it == m_timers.end()) return;
    it->second.armed = true;
    it->second.deadline = deadline;
}

void EventLoop::disarm_timer(TimerId id) {
    auto it = m_timers.find(id);
    if (it != m_timers.end()) it->second.armed = false;
}

void EventLoop::remove_timer(TimerId id) { m_timers.erase(id); }

void EventLoop::post(Task task) {
    {
        std::lock_guard lock(m_posted_mutex);
        if (m_stopping) return;
        m_posted.push_back(std::move(task));
    }
    wake();
}

void EventLoop::wake() {
    const u64 one = 1;
    // EAGAIN means the counter is already non-zero: the loop wakes anyway.
    [[maybe_unused]] ssize_t n = ::write(m_wake.get(), &one, sizeof one);
}

void EventLoop::run_posted() {
    std::vector<Task> tasks;
    {
        std::lock_guard lock(m_posted_mutex);
        tasks.swap(m_posted);
    }
    for (Task& t : tasks) t();
}

int EventLoop::timer_timeout(int limit) const {
    const Clock::time_point now = Clock::now();
    int timeout = limit;
    for (const auto& [id, t] : m_timers) {
        if (!t.armed) continue;
        // Round up, so that the loop never wakes a little early and spins.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(t.deadline - now).count();
        const int ms = static_cast<int>(std::clamp<long long>(left, 0, 24 * 3600 * 1000));
        if (timeout < 0 || ms < timeout) timeout = ms;
    }
    return timeout;
}

void EventLoop::fire_timers() {
    const Clock::time_point now = Clock::now();
    std::vector<TimerId> due;
    for (const auto& [id, t] : m_timers)
        if (t.armed && t.deadline <= now) due.push_back(id);
    for (TimerId id : due) {
        auto it = m_timers.find(id);  // an earlier callback may have removed it
        if (it == m_timers.end() || !it->second.armed) continue;
        it->second.armed = false;
        Task callback = it->second.callback;  // the callback may remove its own timer
        callback();
    }
}

void EventLoop::run() {
    epoll_event events[kMaxEvents];
    for (;;) {
        {
            std::lock_guard lock(m_posted_mutex);
            if (m_stopping) return;
        }
        run_posted();
        int timeout = -1;
        for (Source* s : m_sources) {
            const int t = s->prepare();
            if (t >= 0 && (timeout < 0 || t < timeout)) timeout = t;
        }
        timeout = timer_timeout(timeout);
        const int n = ::epoll_wait(m_epoll.get(), events, kMaxEvents, timeout);
        if (n < 0 && errno != EINTR) {
            spdlog::error("event loop: epoll_wait: {}; host I/O stops", std::strerror(errno));
            return;
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == m_wake.get()) {
                u64 count;
                [[maybe_unused]] ssize_t r = ::read(fd, &count, sizeof count);
                continue;
            }
            auto it = m_fds.find(fd);  // an earlier handler may have unwatched it
            if (it == m_fds.end()) continue;
            FdHandler handler = it->second.handler;  // the handler may unwatch itself
            handler(events[i].events);
        }
        fire_timers();
        for (Source* s : m_sources) s->dispatch();
    }
}

}  // namespace flint
