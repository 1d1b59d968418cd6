#pragma once
// The machine a bench ran on, for the report: absolute figures mean little without it.
#include <string>

#include "base/types.h"

namespace flint::bench {

struct HostInfo {
    std::string date_utc;     // "2026-11-25 22:10 UTC"
    std::string cpu_model;    // /proc/cpuinfo's "model name"
    unsigned cpus = 0;
    double memory_gib = 0;
    std::string kernel;       // uname -r
    bool nested = false;      // CPUID says a hypervisor runs this host (leaf 1, ECX bit 31)
    std::string hypervisor;   // its signature (leaf 0x40000000), e.g. "KVMKVMKVM"
    u64 tsc_khz = 0;          // measured against CLOCK_MONOTONIC
    double load_start = 0;    // 1-minute load average when the bench started
    double load_end = 0;      // ... and when it ended
};

HostInfo probe_host();
double load_average();

}  // namespace flint::bench
