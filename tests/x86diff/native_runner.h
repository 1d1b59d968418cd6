#pragma once
// Runs cases on the host CPU. The work happens in a forked child that maps the code and
// data pages at their fixed addresses and runs each case through the stub, catching faults
// with signal handlers; a wild write or a harness bug can only kill the child, which is
// then restarted and the case being run recorded as a harness error.
#include <memory>
#include <span>

#include "base/result.h"
#include "test_case.h"

namespace flint::x86diff {

class NativeRunner {
public:
    static Result<std::unique_ptr<NativeRunner>> create();
    ~NativeRunner();
    NativeRunner(const NativeRunner&) = delete;
    NativeRunner& operator=(const NativeRunner&) = delete;

    // Largest batch run() accepts at once.
    static constexpr size_t kMaxBatch = 4096;

    // Fills out[i] for cases[i]; cases.size() <= kMaxBatch.
    Result<void> run(std::span<const Case> cases, std::span<Outcome> out);

    unsigned restarts() const { return m_restarts; }

private:
    struct Shared;
    NativeRunner() = default;
    Result<void> start_child();
    void stop_child();

    Shared* m_shared = nullptr;
    size_t m_shared_size = 0;
    int m_pid = -1;
    int m_cmd_fd = -1;     // parent -> child
    int m_result_fd = -1;  // child -> parent
    unsigned m_restarts = 0;
};

}  // namespace flint::x86diff
