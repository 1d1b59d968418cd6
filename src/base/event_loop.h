#pragma once
// The host I/O thread: one epoll loop that owns back-end file descriptors and timers, so
// that host I/O (network back ends today, disks and the control socket later) never runs
// on a vCPU thread.
//
// Threading: watch(), unwatch(), the timer calls and add_source() belong to the loop
// thread; before start() (while the VM is being built) the building thread may call them
// too. post() and stop() may be called from any thread. Handlers run on the loop thread,
// one at a time.
//
// One iteration: posted tasks run, every Source prepares (and says how long the loop may
// sleep), epoll_wait, the handlers of ready descriptors, expired timers, then every
// Source dispatches. Sources serve libraries that want a poll() loop of their own
// (libslirp): they re-declare their descriptors in prepare() and learn what happened
// in dispatch().
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/result.h"
#include "base/types.h"
#include "base/unique_fd.h"

namespace flint {

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;
    // Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLERR, ...) that were ready.
    using FdHandler = std::function<void(u32 events)>;
    using Task = std::function<void()>;
    using TimerId = u64;

    class Source {
    public:
        // Before the wait: (re-)declare descriptors; returns the longest the loop may
        // sleep in milliseconds, or -1 for no limit.
        virtual int prepare() = 0;
        // After the wait, once the descriptor handlers and timers have run.
        virtual void dispatch() = 0;

    protected:
        ~Source() = default;
    };

    static Result<std::unique_ptr<EventLoop>> create();
    // Stops and joins the thread if it still runs.
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Starts the loop thread.
    Result<void> start();
    // Asks the thread to finish its iteration and joins it. Idempotent; from any thread but
    // the loop's own. Posted tasks not yet run are dropped.
    void stop();
    bool in_loop_thread() const { return std::this_thread::get_id() == m_thread.get_id(); }

    // Adds `fd` for `events` (EPOLLIN, EPOLLOUT, ...), or replaces its events and handler.
    // Level-triggered. A descriptor closed behind the loop's back leaves epoll by itself;
    // watching a new one of the same number later works. `owner` tags the registration so
    // that a client forgetting a descriptor it closed cannot remove another client's
    // registration of a reused number.
    Result<void> watch(int fd, u32 events, FdHandler handler, const void* owner = nullptr);
    void unwatch(int fd, const void* owner = nullptr);
    // Watches the eventfd `efd`: each time it is signalled the loop resets its counter and
    // runs `on_signal` once, however many signals arrived since the last time (a kick, as
    // KVM's ioeventfd gives one per guest write). `efd` must be non-blocking. Forget it
    // with unwatch(efd, owner).
    Result<void> watch_event(int efd, Task on_signal, const void* owner = nullptr);

    // A timer starts disarmed; arming it again moves its deadline. The callback runs once
    // per arming, on the loop thread.
    TimerId add_timer(Task callback);
    void arm_timer(TimerId id, Clock::time_point deadline);
    void disarm_timer(TimerId id);
    void remove_timer(TimerId id);

    // The source must outlive the loop thread (stop() before destroying it).
    void add_source(Source& source) { m_sources.push_back(&source); }

    // Runs `task` on the loop thread soon. From any thread.
    void post(Task task);

private:
    EventLoop(UniqueFd epoll, UniqueFd wake) : m_epoll(std::move(epoll)), m_wake(std::move(wake)) {}
    void run();
    void run_posted();
    // Milliseconds until the earliest armed timer, capped by `limit` (-1: none).
    int timer_timeout(int limit) const;
    void fire_timers();
    void wake();

    struct Timer {
        Task callback;
        bool armed = false;
        Clock::time_point deadline;
    };

    UniqueFd m_epoll;
    UniqueFd m_wake;  // eventfd: post() and stop() interrupt the wait
    std::thread m_thread;
    struct Watch {
        FdHandler handler;
        const void* owner;
    };
    std::map<int, Watch> m_fds;
    std::map<TimerId, Timer> m_timers;
    TimerId m_next_timer = 1;
    std::vector<Source*> m_sources;

    std::mutex m_posted_mutex;  // guards m_posted and m_stopping
    std::vector<Task> m_posted;
    bool m_stopping = false;
};

}  // namespace flint
