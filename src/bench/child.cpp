#include "bench/child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "base/unique_fd.h"
#include "bench/smaps.h"

namespace flint::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

[[noreturn]] void exec_child(const std::vector<std::string>& args, int out_fd) {
    // Own process group, so that a timeout kills whatever the VMM started; and gone with
    // us if flint bench itself dies.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::dprintf(STDERR_FILENO, "flint bench: cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
}

// Looks for the markers not seen yet in the output, now that `added` bytes arrived.
void find_markers(const ChildSpec& spec, const std::string& out, size_t added, double now,
                  std::vector<size_t>& match_end, ChildResult& r) {
    for (size_t i = 0; i < spec.markers.size(); ++i) {
        const Marker& m = spec.markers[i];
        if (r.marker_s[i]) continue;
        size_t from = out.size() - added;
        from = from >= m.text.size() ? from - m.text.size() + 1 : 0;
        if (m.after) {
            if (!r.marker_s[*m.after]) continue;
            from = std::max(from, match_end[*m.after]);
        }
        const size_t at = out.find(m.text, from);
        if (at == std::string::npos) continue;
        r.marker_s[i] = now;
        match_end[i] = at + m.text.size();
    }
}

// Kills the child with whatever it started (its process group) and reaps it.
void kill_group(pid_t pid, int& st, rusage& ru) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    while (::wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {}
}

}  // namespace

Result<ChildResult> run_child(const ChildSpec& spec, const std::function<void(double)>& tick) {
    if (spec.argv.empty()) return Error("run_child: no command");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("pipe2");
    UniqueFd rd(fds[0]), wr(fds[1]);

    const Clock::time_point t0 = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) return Error::from_errno("fork");
    if (pid == 0) exec_child(spec.argv, wr.get());
    wr.reset();
    ::fcntl(rd.get(), F_SETFL, O_NONBLOCK);

    ChildResult r;
    r.marker_s.resize(spec.markers.size());
    std::vector<size_t> match_end(spec.markers.size(), 0);
    double next_tick = 1.0;
    double next_sample = 0;
    bool pipe_open = true;
    int st = 0;
    rusage ru{};
    char buf[16384];
    auto absorb = [&](size_t n, double when) {
        const size_t keep = std::min(n, kMaxOutput - std::min(kMaxOutput, r.output.size()));
        r.output.append(buf, keep);
        if (keep) find_markers(spec, r.output, keep, when, match_end, r);
    };
    for (;;) {
        pollfd pfd{rd.get(), POLLIN, 0};
        if (pipe_open) ::poll(&pfd, 1, 200);
        else ::usleep(50'000);
        // Drain what is there; after the child is reaped this also takes the last bytes.
        for (;;) {
            const ssize_t n = pipe_open ? ::read(rd.get(), buf, sizeof buf) : -1;
            if (n > 0) {
                absorb(static_cast<size_t>(n), seconds_since(t0));
                continue;
            }
            if (n == 0) pipe_open = false;
            break;
        }
        const pid_t done = ::wait4(pid, &st, WNOHANG, &ru);
        const double now = seconds_since(t0);
        if (done == pid) {
            r.elapsed_s = now;
            break;
        }
        const bool stop = spec.stop && spec.stop();
        if (stop || now >= spec.timeout_s) {
            kill_group(pid, st, ru);
            r.end = stop ? ChildEnd::Stopped : ChildEnd::TimedOut;
            r.elapsed_s = now;
            r.peak_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
            return r;
        }
        if (now >= next_tick) {
            if (tick) tick(now);
            next_tick += 1.0;
        }
        // Guest RAM is not given back while the guest runs: the last sample is the most the
        // guest touched, up to what it touched in the last fraction of a second.
        if (spec.guest_ram_bytes && now >= next_sample) {
            if (auto rss = resident_of_mapping(pid, spec.guest_ram_bytes)) r.guest_ram_mib = static_cast<double>(*rss) / MiB;
            next_sample = now + 0.25;
        }
    }
    // Drain the rest: the child is gone, but its output may still sit in the pipe.
    for (ssize_t n; pipe_open && (n = ::read(rd.get(), buf, sizeof buf)) > 0;) absorb(static_cast<size_t>(n), r.elapsed_s);
    r.peak_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    if (WIFSIGNALED(st)) {
        r.end = ChildEnd::Signalled;
        r.status = WTERMSIG(st);
    } else {
        r.status = WEXITSTATUS(st);
    }
    return r;
}

}  // namespace flint::bench
