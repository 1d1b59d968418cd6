#pragma once
// Counts per generator row and per (operand size, addressing form) variant, and the
// report printed at the end of a run.
#include <cstdio>
#include <string>
#include <vector>

#include "compare.h"
#include "insn_spec.h"
#include "test_case.h"

namespace flint::x86diff {

std::string row_title(const InsnSpec& s);
std::string case_title(const Case& c);

class Coverage {
public:
    Coverage();

    void record(const Case& c, const Outcome& host, Verdict v);
    // The per-mnemonic table; `detailed` adds every row with its variants.
    void print(std::FILE* out, bool detailed) const;

    u64 passed() const { return m_passed; }
    u64 failed() const { return m_failed; }
    u64 unimplemented() const { return m_unimplemented; }
    u64 harness_errors() const { return m_harness; }

private:
    struct RowStats {
        u64 cases = 0, pass = 0, fail = 0, unimpl = 0, harness = 0, host_faults = 0;
        u64 pass_executed = 0;  // passes where the host completed the instruction
        u64 first_fail = ~u64{0};
        std::vector<u64> variants = std::vector<u64>(64, 0);
    };
    std::vector<RowStats> m_rows;
    u64 m_passed = 0, m_failed = 0, m_unimplemented = 0, m_harness = 0;
};

}  // namespace flint::x86diff
