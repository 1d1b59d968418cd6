#pragma once
// The unit of work: one instruction with its initial state, and what running it produced.
// Both are plain data so the host runner can pass them through shared memory unchanged.
#include <array>
#include <span>

#include "base/types.h"

namespace flint::x86diff {

inline constexpr unsigned kGprs = 16;
inline constexpr unsigned kMaxInsnLen = 15;
inline constexpr unsigned kMaxPokes = 4;
inline constexpr unsigned kXmms = 16;

// An XMM register as two little-endian quadwords (q[0] = bytes 0-7).
using Vec128 = std::array<u64, 2>;
using XmmFile = std::array<Vec128, kXmms>;
// MXCSR after reset: all exceptions masked, round to nearest, no DAZ/FTZ.
inline constexpr u32 kMxcsrDefault = 0x1f80;

// The x87 state as FXSAVE holds it: control and status words, the abridged tag word (one
// bit per physical register), and ST(0)-ST(7) in stack order (significand, sign+exponent).
// The default is what FNINIT leaves.
struct X87Reg80 {
    u64 mantissa = 0;
    u16 sign_exp = 0;
    bool operator==(const X87Reg80&) const = default;
};
struct X87State {
    u16 fcw = 0x037f;
    u16 fsw = 0;
    u8 ftw = 0;
    std::array<X87Reg80, 8> st{};
    bool operator==(const X87State&) const = default;
};

// RFLAGS bits the harness sets and compares: the six status flags and DF. The rest (IF, the
// fixed bit 1, ID, ...) belong to the host process, not to the case.
inline constexpr u64 kFlagCF = 1u << 0, kFlagPF = 1u << 2, kFlagAF = 1u << 4, kFlagZF = 1u << 6,
                     kFlagSF = 1u << 7, kFlagDF = 1u << 10, kFlagOF = 1u << 11;
inline constexpr u64 kStatusFlags = kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF | kFlagOF;
inline constexpr u64 kCaseFlags = kStatusFlags | kFlagDF;
// What a user-mode process's RFLAGS always holds: IF and the reserved bit 1.
inline constexpr u64 kUserFlagsBase = 0x202;

// A value the generator stores into the data area on top of its seeded contents (a branch
// target on the stack, an edge value under a memory operand, ...).
struct Poke {
    u16 offset = 0;  // from kDataBase
    u8 size = 0;     // 1..8
    u64 value = 0;
};

struct Case {
    u64 seed = 0;
    u64 index = 0;
    u16 spec = 0;       // row of the generator's instruction table
    u8 variant = 0;     // operand size / addressing form, for the coverage report
    u8 len = 0;
    std::array<u8, kMaxInsnLen> bytes{};
    std::array<u64, kGprs> gpr{};
    u64 flags = 0;      // kCaseFlags bits only
    XmmFile xmm{};
    u32 mxcsr = kMxcsrDefault;
    X87State x87{};
    u64 data_seed = 0;  // the data area's contents before the pokes
    u8 poke_count = 0;
    std::array<Poke, kMaxPokes> pokes{};
    // What the architecture leaves undefined for this instruction and these operands: those
    // flags, registers and (when set) the data area are not compared.
    u64 undef_flags = 0;
    u16 undef_gprs = 0;
    bool undef_data = false;
    // Data-area bytes whose stored value is the host's rather than the architecture's
    // (FXSAVE's MXCSR_MASK): left out of both data summaries.
    u16 host_bytes_offset = 0;
    u16 host_bytes_len = 0;

    std::span<const u8> code() const { return {bytes.data(), len}; }
};

// How the instruction ended. Faults are compared by class because the host reports them
// as signals: #DE -> SIGFPE, #UD -> SIGILL, #GP/#SS/#PF/#AC -> SIGSEGV/SIGBUS.
enum class EndKind : u8 { Completed, Fault, HarnessError };
// #XM is SIGFPE too; the kernel's trap number tells it from #DE.
// #MF is SIGFPE with trap number 16.
enum class FaultClass : u8 { None, Divide, Invalid, Memory, Trap, SimdFp, X87Fp, Other };

// What the instruction did to the data area, summarised so that it fits in shared memory:
// how many bytes differ from the initial contents, a hash over all (offset, value) changes,
// and the first few changes for a readable diff.
inline constexpr unsigned kListedChanges = 32;
struct DataDelta {
    u32 changed = 0;
    u64 hash = 0;
    std::array<u16, kListedChanges> offset{};
    std::array<u8, kListedChanges> value{};

    bool operator==(const DataDelta&) const = default;
};

struct Outcome {
    EndKind end = EndKind::HarnessError;
    FaultClass fault = FaultClass::None;
    u8 vector = 0;       // exception vector (host: the kernel's trap number)
    i64 rip_offset = 0;  // where execution ended or faulted, relative to kInsnAddr
    std::array<u64, kGprs> gpr{};
    u64 rflags = 0;
    XmmFile xmm{};
    u32 mxcsr = 0;
    X87State x87{};
    DataDelta data;
};

// Fills the data area's initial contents: seeded bytes, then the case's pokes.
void build_data(const Case& c, std::span<u8> data);
// Compares the data area after the run with its initial contents, except the case's
// host-specific bytes.
DataDelta summarize_data(const Case& c, std::span<const u8> before, std::span<const u8> after);

const char* fault_class_name(FaultClass f);
const char* gpr_name(unsigned r);

}  // namespace flint::x86diff
