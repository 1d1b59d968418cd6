#include "bench/interrupt.h"

#include <signal.h>

#include <chrono>

#include <gtest/gtest.h>

#include "bench/child.h"

namespace flint::bench {
namespace {

TEST(BenchInterrupt, Sigterm_CaughtNotFatalAndResetByTheNextGuard) {
    {
        InterruptGuard guard;
        EXPECT_EQ(InterruptGuard::caught(), 0);
        ASSERT_EQ(::raise(SIGTERM), 0);  // would end the test program without the guard
        EXPECT_EQ(InterruptGuard::caught(), SIGTERM);
    }
    InterruptGuard next;
    EXPECT_EQ(InterruptGuard::caught(), 0);
    ASSERT_EQ(::raise(SIGINT), 0);
    EXPECT_EQ(InterruptGuard::caught(), SIGINT);
}

TEST(BenchInterrupt, GuardGone_PreviousHandlerBack) {
    struct sigaction before {};
    ::sigaction(SIGHUP, nullptr, &before);
    { InterruptGuard guard; }
    struct sigaction after {};
    ::sigaction(SIGHUP, nullptr, &after);
    EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(BenchChild, Stop_KillsTheChildAndItsGroupAtOnce) {
    // As flint bench does on Ctrl-C: the child (and what it started) goes, well before its
    // timeout.
    const auto t0 = std::chrono::steady_clock::now();
    ChildSpec spec{{"/bin/sh", "-c", "sleep 30 & sleep 30"}, {}, 60, 0, [t0] {
                       return std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(300);
                   }};
    auto r = run_child(spec, {});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->end, ChildEnd::Stopped);
    EXPECT_LT(r->elapsed_s, 5);
}

}  // namespace
}  // namespace flint::bench
