#pragma once
// The floating-point and vector register file: XMM0-15 with MXCSR (SSE/SSE2), and the
// x87/MMX registers with their control, status and last-instruction fields (x87.h has the
// bit definitions). The single owner of the x87/MMX register file. A plain struct, part
// of CpuState: a snapshot copies it as it is. Intel SDM vol. 1, 8.1 and 10.2.
#include <array>
#include <cstring>

#include "base/types.h"

namespace flint::x86 {

// One 128-bit register, little-endian: q[0] holds bytes 0-7. Element access goes through
// memcpy-based helpers so that no aliasing rule is bent.
struct alignas(16) Xmm {
    std::array<u64, 2> q{};

    template <typename T>
    T get(unsigned i) const {
        T v;
        std::memcpy(&v, reinterpret_cast<const u8*>(q.data()) + i * sizeof(T), sizeof(T));
        return v;
    }
    template <typename T>
    void set(unsigned i, T v) {
        std::memcpy(reinterpret_cast<u8*>(q.data()) + i * sizeof(T), &v, sizeof(T));
    }
    bool operator==(const Xmm&) const = default;
};

// An x87 data register as FXSAVE stores it: 64-bit significand and sign+exponent.
struct X87Reg {
    u64 mantissa = 0;
    u16 sign_exp = 0;
    bool operator==(const X87Reg&) const = default;
};

namespace mxcsr {
inline constexpr u32 IE = 1u << 0;  // invalid operation
inline constexpr u32 DE = 1u << 1;  // denormal operand
inline constexpr u32 ZE = 1u << 2;  // divide by zero
inline constexpr u32 OE = 1u << 3;  // overflow
inline constexpr u32 UE = 1u << 4;  // underflow
inline constexpr u32 PE = 1u << 5;  // precision (inexact)
inline constexpr u32 Flags = 0x3f;
inline constexpr u32 DAZ = 1u << 6;  // denormal inputs are zero
inline constexpr unsigned MaskShift = 7;  // IM..PM: the flags' masks, bits 7-12
inline constexpr u32 Masks = Flags << MaskShift;
inline constexpr u32 RoundShift = 13;  // RC: 0 nearest, 1 down, 2 up, 3 toward zero
inline constexpr u32 RC = 3u << RoundShift;
inline constexpr u32 FTZ = 1u << 15;  // flush tiny results to zero
inline constexpr u32 Default = 0x1f80;  // all exceptions masked, round to nearest
// The bits this CPU implements: what FXSAVE reports as MXCSR_MASK. Setting any other bit
// with LDMXCSR or FXRSTOR raises #GP(0).
inline constexpr u32 Supported = 0xffff;
}  // namespace mxcsr

struct FpuState {
    std::array<Xmm, 16> xmm{};
    u32 mxcsr = mxcsr::Default;

    // x87 / MMX. The values FNINIT leaves (what a VMM gives a new vCPU).
    std::array<X87Reg, 8> st{};  // physical registers R0-R7 (MMX aliases their significands)
    u16 fcw = 0x037f;
    u16 fsw = 0;
    u8 ftw = 0;  // abridged tag word as FXSAVE stores it: bit i set = R[i] not empty
    u16 fop = 0;
    u64 fip = 0;  // last x87 instruction pointer (FCS:FIP outside 64-bit FXSAVE)
    u64 fdp = 0;  // last x87 data pointer
    u16 fcs = 0, fds = 0;

    bool operator==(const FpuState&) const = default;

    // The register stack: TOP lives in FSW bits 11-13; ST(i) is physical register TOP+i.
    unsigned top() const { return (fsw >> 11) & 7; }
    void set_top(unsigned t) { fsw = static_cast<u16>((fsw & ~0x3800u) | ((t & 7) << 11)); }
    unsigned phys(unsigned i) const { return (top() + i) & 7; }
    X87Reg& st_reg(unsigned i) { return st[phys(i)]; }
    bool st_empty(unsigned i) const { return !(ftw & (1u << phys(i))); }
    void set_tag(unsigned physical, bool valid) {
        ftw = static_cast<u8>(valid ? ftw | (1u << physical) : ftw & ~(1u << physical));
    }
};

}  // namespace flint::x86
