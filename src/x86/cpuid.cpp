// CPUID leaves and the models behind them.
#include "x86/cpuid.h"

#include <cpuid.h>

#include <cstring>

namespace flint::x86 {
namespace {

u32 pack4(const char* s) {
    u32 v;
    std::memcpy(&v, s, 4);
    return v;
}

// 48 bytes, NUL-padded, as leaves 0x80000002-4 return it.
constexpr char kBrand[49] = "Flint virtual CPU";

}  // namespace

CpuModel CpuModel::flint_default() {
    namespace b = cpuid_bits;
    CpuModel m;
    // Only what executes today: RDTSC, CMPXCHG8B, CMOVcc; MOVBE, CMPXCHG16B, POPCNT;
    // LAHF/SAHF in 64-bit mode, LZCNT (ABM); RDTSCP. Not BMI1 either: TZCNT works,
    // but the bit also announces the VEX-encoded ANDN/BEXTR/BLSI/BLSMSK/BLSR, so F3 0F BC
    // executes as BSF, as on processors without BMI1.
    // System architecture: paging (PSE, PSE-36, PAE, PGE, NX, 1 GiB pages, long mode),
    // MSRs with PAT and MTRR storage, SYSENTER/SYSEXIT and SYSCALL/SYSRET, CLFLUSH.
    m.f1_edx = b::TSC | b::CX8 | b::CMOV | b::PSE | b::MSR | b::PAE | b::SEP | b::MTRR | b::PGE | b::PAT | b::PSE36 |
               b::CLFSH;
    // SSE, SSE2, SSE3 and SSSE3 with their state (FXSAVE/FXRSTOR, MXCSR): exec_sse_*.cpp,
    // fxsave.cpp; MMX and the SSE-to-SSSE3 forms on MMX registers: exec_mmx*.cpp; SSE3's
    // x87 FISTTP is in exec_x87_load.cpp. Not SSE4.
    m.f1_edx |= b::MMX | b::FXSR | b::SSE | b::SSE2;
    // FPU: the whole x87 instruction set (exec_x87*.cpp), with FCMOVcc and FCOMI (CMOV).
    m.f1_edx |= b::FPU;
    m.f1_ecx = b::MOVBE | b::CX16 | b::POPCNT | b::SSE3 | b::SSSE3;
    m.e1_edx = b::RDTSCP | b::SYSCALL | b::NX | b::PAGE1GB | b::LM;
    m.e1_ecx = b::LAHF_LM | b::ABM;
    // IA32_ARCH_CAPABILITIES (msr.cpp) says what an interpreter is: not vulnerable to the
    // speculative-execution attacks. Without it Linux turns on page-table isolation for an
    // unknown vendor, which doubles the CR3 writes, each a TLB flush, of every system call.
    m.f7_edx = b::ARCH_CAPABILITIES;
    return m;
}

CpuModel CpuModel::host_like() {
    CpuModel m = flint_default();
    unsigned a, bx, c, d;
    if (__get_cpuid(0, &a, &bx, &c, &d)) {
        std::memcpy(m.vendor + 0, &bx, 4);
        std::memcpy(m.vendor + 4, &d, 4);
        std::memcpy(m.vendor + 8, &c, 4);
        m.vendor[12] = '\0';
    }
    if (__get_cpuid(1, &a, &bx, &c, &d)) {
        const u32 base_family = (a >> 8) & 0xf;
        m.family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
        const u32 base_model = (a >> 4) & 0xf;
        m.model = (base_family == 6 || base_family == 0xf) ? (((a >> 16) & 0xf) << 4) | base_model : base_model;
        m.stepping = a & 0xf;
    }
    return m;
}

CpuidResult cpuid_query(const CpuModel& m, u32 leaf, u32 subleaf) {
    CpuidResult r;
    switch (leaf) {
    case 0:
        r.eax = kMaxBasicLeaf;
        r.ebx = pack4(m.vendor);
        r.edx = pack4(m.vendor + 4);
        r.ecx = pack4(m.vendor + 8);
        break;
    case 1: {
        // Family/model with the extended fields the SDM defines for family 6 and 15.
        const u32 base_family = m.family > 0xf ? 0xf : m.family;
        const u32 ext_family = m.family > 0xf ? m.family - 0xf : 0;
        r.eax = (m.stepping & 0xf) | ((m.model & 0xf) << 4) | (base_family << 8) | (((m.model >> 4) & 0xf) << 16) |
                (ext_family << 20);
        // EBX: initial APIC ID, logical processor count; CLFLUSH line size only with CLFSH.
        r.ebx = (u32{m.apic_id} << 24) | (u32{m.logical_processors} << 16) |
                ((m.f1_edx & cpuid_bits::CLFSH) ? 8u << 8 : 0);
        r.ecx = m.f1_ecx;
        r.edx = m.f1_edx;
        break;
    }
    case 6:
        r.eax = m.f6_eax;
        break;
    case 7:
        if (subleaf == 0) {
            r.ebx = m.f7_ebx;
            r.ecx = m.f7_ecx;
            r.edx = m.f7_edx;
        }
        break;
    case 0x15:
        // TSC = crystal * EBX / EAX with a 1 MHz "crystal": the guest reads the TSC rate
        // here instead of calibrating it against the PIT.
        r.eax = 1;
        r.ebx = static_cast<u32>(m.tsc_hz / 1'000'000);
        r.ecx = 1'000'000;
        break;
    case 0x16:
        r.eax = static_cast<u32>(m.tsc_hz / 1'000'000);  // base MHz
        r.ebx = r.eax;                                    // max MHz
        r.ecx = 100;                                      // bus MHz
        break;
    case 0x80000000:
        r.eax = kMaxExtendedLeaf;
        break;
    case 0x80000001:
        r.ecx = m.e1_ecx;
        r.edx = m.e1_edx;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        const char* p = kBrand + (leaf - 0x80000002) * 16;
        r.eax = pack4(p);
        r.ebx = pack4(p + 4);
        r.ecx = pack4(p + 8);
        r.edx = pack4(p + 12);
        break;
    }
    case 0x80000008:
        r.eax = 48u << 8 | 40u;  // 48-bit linear, 40-bit physical addresses
        break;
    default:
        break;  // unknown and reserved leaves read as zero
    }
    return r;
}

}  // namespace flint::x86
