#include "base/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace flint {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until `done` holds, for results produced on the loop thread.
class Latch {
public:
    void open() {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_cv.notify_all();
    }
    bool wait(std::chrono::milliseconds limit = 2000ms) {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, limit, [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_open = false;
};

TEST(EventLoop, Post_RunsOnLoopThread) {
    auto loop = *EventLoop::create();
    ASSERT_TRUE(loop->start());
    Latch latch;
    bool on_loop = false;
    loop->post([&] {
        on_loop = loop->in_loop_thread();
        latch.open();
    });
    ASSERT_TRUE(latch.wait());
    EXPECT_TRUE(on_loop);
    loop->stop();
}

TEST(EventLoop, ReadableFd_CallsHandler) {
    auto loop = *EventLoop::create();
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    Latch latch;
    char got = 0;
    ASSERT_TRUE(loop->watch(p[0], EPOLLIN, [&](u32 events) {
        if (events & EPOLLIN) (void)!::read(p[0], &got, 1);
        loop->unwatch(p[0]);
        latch.open();
    }));
    ASSERT_TRUE(loop->start());
    ASSERT_EQ(::write(p[1], "x", 1), 1);
    ASSERT_TRUE(latch.wait());
    EXPECT_EQ(got, 'x');
    loop->stop();
    ::close(p[0]);
    ::close(p[1]);
}

TEST(EventLoop, Timer_FiresOnceAfterDeadline) {
    auto loop = *EventLoop::create();
    Latch latch;
    int fired = 0;
    const auto start = EventLoop::Clock::now();
    EventLoop::Clock::time_point at;
    const auto id = loop->add_timer([&] {
        ++fired;
        at = EventLoop::Clock::now();
        latch.open();
    });
    loop->arm_timer(id, start + 30ms);
    ASSERT_TRUE(loop->start());
    ASSERT_TRUE(latch.wait());
    loop->post([] {});  // one more iteration: the timer must not fire again
    std::this_thread::sleep_for(50ms);
    loop->stop();
    EXPECT_EQ(fired, 1);
    EXPECT_GE(at - start, 30ms);
}

TEST(EventLoop, Source_PreparedAndDispatchedEachIteration) {
    struct Counting final : EventLoop::Source {
        int prepare() override {
            ++prepared;
            return 5;  // wake every 5 ms
        }
        void dispatch() override { ++dispatched; }
        std::atomic<int> prepared{0}, dispatched{0};
    } source;
    auto loop = *EventLoop::create();
    loop->add_source(source);
    ASSERT_TRUE(loop->start());
    std::this_thread::sleep_for(60ms);
    loop->stop();
    EXPECT_GE(source.dispatched.load(), 3);
    EXPECT_GE(source.prepared.load(), source.dispatched.load());
}

TEST(EventLoop, EventfdSignals_CoalescedIntoOneRunEach) {
    auto loop = *EventLoop::create();
    UniqueFd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    ASSERT_TRUE(efd.valid());
    std::atomic<int> runs{0};
    Latch first, second;
    ASSERT_TRUE(loop->watch_event(efd.get(), [&] {
        EXPECT_TRUE(loop->in_loop_thread());
        if (++runs == 1)
            first.open();
        else
            second.open();
    }));
    ASSERT_TRUE(loop->start());
    // Three kicks while the loop is busy with a task: one run, and the counter is reset.
    Latch busy, kicked;
    loop->post([&] {
        busy.open();
        EXPECT_TRUE(kicked.wait());
    });
    ASSERT_TRUE(busy.wait());
    const u64 one = 1;
    for (int i = 0; i < 3; ++i) ASSERT_EQ(::write(efd.get(), &one, sizeof one), 8);
    kicked.open();
    ASSERT_TRUE(first.wait());
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(runs.load(), 1);
    u64 count = 0;
    EXPECT_LT(::read(efd.get(), &count, sizeof count), 0);  // already drained: EAGAIN
    // A later kick runs it again.
    ASSERT_EQ(::write(efd.get(), &one, sizeof one), 8);
    ASSERT_TRUE(second.wait());
    loop->stop();
    EXPECT_EQ(runs.load(), 2);
}

TEST(EventLoop, Stop_IdempotentAndWithoutStart) {
    auto loop = *EventLoop::create();
    loop->stop();
    auto running = *EventLoop::create();
    ASSERT_TRUE(running->start());
    running->stop();
    running->stop();
    running->post([] { FAIL() << "a task after stop must not run"; });
}

}  // namespace
}  // namespace flint
