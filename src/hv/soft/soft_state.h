#pragma once
// Conversion between the back-end-neutral vCPU state (hv/cpu_state.h) and the software
// CPU's own architectural state.
#include "hv/cpu_state.h"
#include "x86/cpu.h"

namespace flint::soft {

void load_cpu_state(x86::Cpu& cpu, const hv::CpuState& state);
hv::CpuState save_cpu_state(x86::Cpu& cpu);

}  // namespace flint::soft
