#include "native_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "native_child.h"

namespace flint::x86diff {

struct NativeRunner::Shared : NativeBatch {};
static_assert(NativeRunner::kMaxBatch == kNativeBatch);

namespace {

// No case runs longer than a few thousand iterations of a string instruction; a child that
// stays silent this long is stuck and gets killed.
constexpr int kBatchTimeoutMs = 20'000;

bool write_full(int fd, const void* buf, size_t len) {
    const auto* p = static_cast<const u8*>(buf);
    while (len > 0) {
        const ssize_t n = write(fd, p, len);
        if (n <= 0) return false;
        p += n, len -= static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

Result<std::unique_ptr<NativeRunner>> NativeRunner::create() {
    std::unique_ptr<NativeRunner> r(new NativeRunner());
    r->m_shared_size = sizeof(Shared);
    void* p = mmap(nullptr, r->m_shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return Error::from_errno("x86diff: mapping the shared batch");
    r->m_shared = static_cast<Shared*>(p);
    // A dead child must show up as EOF on a pipe, not kill the parent with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    if (auto s = r->start_child(); !s) return s.error();
    return r;
}

NativeRunner::~NativeRunner() {
    stop_child();
    if (m_shared) munmap(m_shared, m_shared_size);
}

Result<void> NativeRunner::start_child() {
    int cmd[2], res[2];
    if (pipe2(cmd, O_CLOEXEC) != 0) return Error::from_errno("x86diff: pipe");
    if (pipe2(res, O_CLOEXEC) != 0) {
        close(cmd[0]), close(cmd[1]);
        return Error::from_errno("x86diff: pipe");
    }
    const pid_t pid = fork();
    if (pid < 0) return Error::from_errno("x86diff: fork");
    if (pid == 0) {
        close(cmd[1]), close(res[0]);
        native_child_main(m_shared, cmd[0], res[1]);
    }
    close(cmd[0]), close(res[1]);
    m_pid = pid;
    m_cmd_fd = cmd[1];
    m_result_fd = res[0];
    // The child says when its mappings and handlers are in place; a child that cannot set
    // up (an address already taken, say) is a harness failure, not a case failure.
    u32 ready = 0;
    pollfd pfd{m_result_fd, POLLIN, 0};
    if (poll(&pfd, 1, kBatchTimeoutMs) != 1 ||
        read(m_result_fd, &ready, sizeof ready) != static_cast<ssize_t>(sizeof ready) ||
        ready != kNativeReady) {
        stop_child();
        return Error("x86diff: the host-side child failed to set up (see its message above)");
    }
    return {};
}

void NativeRunner::stop_child() {
    if (m_cmd_fd >= 0) close(m_cmd_fd);
    if (m_result_fd >= 0) close(m_result_fd);
    m_cmd_fd = m_result_fd = -1;
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
    m_pid = -1;
}

Result<void> NativeRunner::run(std::span<const Case> cases, std::span<Outcome> out) {
    const size_t n = std::min(cases.size(), kMaxBatch);
    std::copy_n(cases.begin(), n, m_shared->cases);
    u32 begin = 0;
    while (begin < n) {
        if (m_pid < 0) {
            if (auto s = start_child(); !s) return s;
            ++m_restarts;
        }
        const u32 range[2] = {begin, static_cast<u32>(n)};
        m_shared->progress = begin;
        bool ok = write_full(m_cmd_fd, range, sizeof range);
        u32 done = 0;
        if (ok) {
            pollfd pfd{m_result_fd, POLLIN, 0};
            ok = poll(&pfd, 1, kBatchTimeoutMs) == 1 &&
                 read(m_result_fd, &done, sizeof done) == static_cast<ssize_t>(sizeof done) &&
                 done == n;
        }
        if (ok) break;
        // The child died (or hung) on the case it was running: blame that case, restart
        // the child and carry on after it.
        const u32 culprit = m_shared->progress;
        stop_child();
        m_shared->outcomes[culprit] = Outcome{};
        m_shared->outcomes[culprit].end = EndKind::HarnessError;
        begin = culprit + 1;
    }
    std::copy_n(m_shared->outcomes, n, out.begin());
    return {};
}

}  // namespace flint::x86diff
