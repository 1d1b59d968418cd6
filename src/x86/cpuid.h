#pragma once
// CPUID as a pure function of the CPU model, and the feature bits Flint knows by name.
// A bit may be set in CpuModel::flint_default() only once every instruction it announces
// executes (tests/x86/cpuid_test.cpp checks the ones with a probe instruction).
#include "x86/cpu.h"

namespace flint::x86 {

namespace cpuid_bits {
// Leaf 1 EDX.
inline constexpr u32 FPU = 1u << 0;
inline constexpr u32 PSE = 1u << 3;
inline constexpr u32 TSC = 1u << 4;
inline constexpr u32 MSR = 1u << 5;
inline constexpr u32 PAE = 1u << 6;
inline constexpr u32 CX8 = 1u << 8;
inline constexpr u32 APIC = 1u << 9;  // an on-chip local APIC (the machine's, not the CPU's)
inline constexpr u32 SEP = 1u << 11;  // SYSENTER/SYSEXIT
inline constexpr u32 MTRR = 1u << 12;
inline constexpr u32 PGE = 1u << 13;
inline constexpr u32 CMOV = 1u << 15;
inline constexpr u32 PAT = 1u << 16;
inline constexpr u32 PSE36 = 1u << 17;
inline constexpr u32 CLFSH = 1u << 19;
inline constexpr u32 MMX = 1u << 23;
inline constexpr u32 FXSR = 1u << 24;
inline constexpr u32 SSE = 1u << 25;
inline constexpr u32 SSE2 = 1u << 26;
// Leaf 1 ECX.
inline constexpr u32 SSE3 = 1u << 0;
inline constexpr u32 SSSE3 = 1u << 9;
inline constexpr u32 CX16 = 1u << 13;
inline constexpr u32 MOVBE = 1u << 22;
inline constexpr u32 POPCNT = 1u << 23;
inline constexpr u32 HYPERVISOR = 1u << 31;
// Leaf 6 EAX.
inline constexpr u32 ARAT = 1u << 2;  // the APIC timer runs in every C-state
// Leaf 7.0 EBX.
inline constexpr u32 BMI1 = 1u << 3;
// Leaf 7.0 EDX.
inline constexpr u32 ARCH_CAPABILITIES = 1u << 29;  // the IA32_ARCH_CAPABILITIES MSR
// Leaf 0x80000001 EDX.
inline constexpr u32 SYSCALL = 1u << 11;
inline constexpr u32 NX = 1u << 20;
inline constexpr u32 PAGE1GB = 1u << 26;
inline constexpr u32 RDTSCP = 1u << 27;
inline constexpr u32 LM = 1u << 29;
// Leaf 0x80000001 ECX.
inline constexpr u32 LAHF_LM = 1u << 0;
inline constexpr u32 ABM = 1u << 5;  // LZCNT
}  // namespace cpuid_bits

struct CpuidResult {
    u32 eax = 0, ebx = 0, ecx = 0, edx = 0;
};

inline constexpr u32 kMaxBasicLeaf = 0x16;
inline constexpr u32 kMaxExtendedLeaf = 0x80000008;

CpuidResult cpuid_query(const CpuModel& model, u32 leaf, u32 subleaf);

}  // namespace flint::x86
