#include "bench/interrupt.h"

#include <signal.h>

#include <array>

namespace flint::bench {

namespace {

constexpr std::array kSignals{SIGINT, SIGTERM, SIGHUP};

// A signal handler can only leave word for the code it interrupted in a static of this
// type; it is the one piece of process-wide state here.
volatile sig_atomic_t g_caught = 0;
std::array<struct sigaction, kSignals.size()> g_previous{};

void on_signal(int sig) { g_caught = sig; }

}  // namespace

InterruptGuard::InterruptGuard() {
    g_caught = 0;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    // No SA_RESTART: a blocking poll or wait returns EINTR, so the bench notices at once.
    // SA_RESETHAND: the second signal takes its default action.
    sa.sa_flags = static_cast<int>(SA_RESETHAND);
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &sa, &g_previous[i]);
}

InterruptGuard::~InterruptGuard() {
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &g_previous[i], nullptr);
}

int InterruptGuard::caught() { return g_caught; }

}  // namespace flint::bench
