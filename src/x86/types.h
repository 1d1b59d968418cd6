#pragma once
// Architectural names shared by the decoder, the interpreter and its users: registers,
// segments, RFLAGS bits, exception vectors and the event a step reports.
#include "base/types.h"

namespace flint::x86 {

// General-purpose register numbers as the ModRM/REX encoding spells them.
enum class Reg : u8 {
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi,
    R8, R9, R10, R11, R12, R13, R14, R15,
};
inline constexpr unsigned kGprCount = 16;

// Segment registers in encoding order (the sreg field of MOV Sreg and the prefixes).
enum class Seg : u8 { Es, Cs, Ss, Ds, Fs, Gs };
inline constexpr unsigned kSegCount = 6;

// #PF error code bits (the subset meaningful before paging exists).
namespace pf_error {
inline constexpr u32 Present = 1u << 0;
inline constexpr u32 Write = 1u << 1;
inline constexpr u32 User = 1u << 2;
inline constexpr u32 Fetch = 1u << 4;
}  // namespace pf_error

// RFLAGS bits.
namespace rflags {
inline constexpr u64 CF = 1u << 0;
inline constexpr u64 Fixed1 = 1u << 1;  // always reads as 1
inline constexpr u64 PF = 1u << 2;
inline constexpr u64 AF = 1u << 4;
inline constexpr u64 ZF = 1u << 6;
inline constexpr u64 SF = 1u << 7;
inline constexpr u64 TF = 1u << 8;
inline constexpr u64 IF = 1u << 9;
inline constexpr u64 DF = 1u << 10;
inline constexpr u64 OF = 1u << 11;
inline constexpr u64 IOPL = 3u << 12;
inline constexpr u64 NT = 1u << 14;
inline constexpr u64 RF = 1u << 16;
inline constexpr u64 VM = 1u << 17;
inline constexpr u64 AC = 1u << 18;
inline constexpr u64 VIF = 1u << 19;
inline constexpr u64 VIP = 1u << 20;
inline constexpr u64 ID = 1u << 21;
// The six arithmetic status flags, the ones lazy evaluation covers.
inline constexpr u64 Status = CF | PF | AF | ZF | SF | OF;
}  // namespace rflags

// The code segment's default operand/address size, which is what decoding depends on.
// Real mode and 16-bit protected mode decode alike; they differ in segment loads (part 2).
enum class CpuMode : u8 { Real, Protected16, Protected32, Long64 };

enum class Vector : u8 {
    DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
    TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19,
};

// What a step (or a handler) reports besides "done". Never a C++ exception: guest faults
// are ordinary values the caller dispatches (part 2 turns Exception into IDT delivery).
enum class EventKind : u8 {
    None,       // instruction completed
    Exception,  // fault or trap: vector (+ error code); RIP points at the instruction
    Halt,       // HLT executed: RIP points after it
    Shutdown,   // triple fault: the processor stops (the VMM exits with status 4)
};

struct Event {
    EventKind kind = EventKind::None;
    Vector vector = Vector::DE;
    bool has_error_code = false;
    u32 error_code = 0;
    u64 address = 0;  // faulting linear address for #PF
    // Set for INT n/INT3/INTO/INT1: a trap, so RIP already points past the instruction and
    // part 2's delivery applies the software-interrupt (DPL) rules.
    bool trap = false;

    bool ok() const { return kind == EventKind::None; }
    static Event none() { return {}; }
    static Event exception(Vector v) { return {EventKind::Exception, v, false, 0, 0, false}; }
    static Event exception(Vector v, u32 code) { return {EventKind::Exception, v, true, code, 0, false}; }
    static Event page_fault(u64 linear, u32 code) {
        return {EventKind::Exception, Vector::PF, true, code, linear, false};
    }
    static Event software_interrupt(Vector v) { return {EventKind::Exception, v, false, 0, 0, true}; }
    static Event halt() { return {EventKind::Halt, Vector::DE, false, 0, 0, false}; }
};

}  // namespace flint::x86
