#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP during `flint bench`: caught while a guard lives, so
// that the bench stops its child VM and unwinds (the scratch disk removed, the net server
// stopped) instead of dying where it stands. A second such signal ends the process the
// default way, for when the unwinding itself is stuck.
namespace flint::bench {

class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();  // restores the handlers there were before
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // The signal caught since the guard was made, or 0.
    static int caught();
};

}  // namespace flint::bench
