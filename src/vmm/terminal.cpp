#include "vmm/terminal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <initializer_list>

namespace flint::vmm {

namespace {

// Terminal modes are per process, and restoring them from a signal handler needs a
// place a handler can reach: this is the one piece of process-wide state in the VMM.
struct SavedTerminal {
    int fd = -1;
    termios mode{};
    volatile sig_atomic_t active = 0;
};
SavedTerminal g_saved;

void restore_and_reraise(int sig) {
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

void install_fatal_handlers() {
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT}) {
        struct sigaction sa {};
        sa.sa_handler = restore_and_reraise;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = static_cast<int>(SA_RESETHAND);
        sigaction(sig, &sa, nullptr);
    }
}

}  // namespace

bool enter_raw_mode(int fd) {
    if (!isatty(fd)) return false;
    termios mode{};
    if (tcgetattr(fd, &mode) < 0) return false;
    g_saved.fd = fd;
    g_saved.mode = mode;
    g_saved.active = 1;
    std::atexit(restore_terminal);
    install_fatal_handlers();
    cfmakeraw(&mode);
    // Keep output post-processing so the host terminal still turns \n into \r\n for
    // anything Flint itself prints; the guest's own output already carries \r\n.
    mode.c_oflag |= OPOST | ONLCR;
    tcsetattr(fd, TCSANOW, &mode);
    return true;
}

void restore_terminal() {
    if (!g_saved.active) return;
    g_saved.active = 0;
    tcsetattr(g_saved.fd, TCSANOW, &g_saved.mode);
}

}  // namespace flint::vmm
