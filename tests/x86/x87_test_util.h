#pragma once
// A machine for x87 tests: direct access to the FPU state and a runner for a code
// snippet that ends in HLT.
#include "exec_test_util.h"

namespace flint::x86::test {

struct X87Fixture : Machine {
    explicit X87Fixture(CpuMode mode = CpuMode::Long64) : Machine(mode) {}
    FpuState& fpu() { return cpu.state().fpu; }
    Event run_code(std::vector<u8> code) {
        code.push_back(0xf4);
        load(kCodeAddr, code);
        return run();
    }
};

}  // namespace flint::x86::test
