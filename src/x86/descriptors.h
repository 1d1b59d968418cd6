#pragma once
// Segment descriptors as read from the GDT/LDT (Intel SDM vol. 3, section 3.4.5): field
// accessors over the two dwords, and the conversion to the cached segment register.
#include "x86/cpu.h"

namespace flint::x86 {

struct Descriptor {
    u32 lo = 0, hi = 0;

    static constexpr u32 kS = 1u << 12;
    static constexpr unsigned kDplShift = 13;
    static constexpr u32 kPresent = 1u << 15;
    static constexpr u32 kLong = 1u << 21;
    static constexpr u32 kDefBig = 1u << 22;
    static constexpr u32 kGran = 1u << 23;

    u32 type() const { return (hi >> 8) & desc::TypeMask; }
    bool system() const { return !(hi & kS); }
    bool code() const { return !system() && (type() & desc::Code); }
    bool data() const { return !system() && !(type() & desc::Code); }
    bool conforming() const { return code() && (type() & desc::Conforming); }
    bool readable() const { return data() || (type() & desc::Writable); }
    bool writable_data() const { return data() && (type() & desc::Writable); }
    unsigned dpl() const { return (hi >> kDplShift) & 3; }
    bool present() const { return hi & kPresent; }
    bool long_mode() const { return hi & kLong; }
    bool def_big() const { return hi & kDefBig; }
    u64 base() const { return (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000); }
    u32 limit() const {
        const u32 raw = (lo & 0xffff) | (hi & 0xf0000);
        return (hi & kGran) ? (raw << 12) | 0xfff : raw;
    }
    // The VMCS-style attribute word: type, S, DPL, P from bits 8-15; AVL, L, D/B, G from
    // bits 20-23.
    u16 attr() const { return static_cast<u16>(((hi >> 8) & 0xff) | ((hi >> 8) & 0xf000)); }
    SegmentState segment(u16 selector) const { return SegmentState{selector, base(), limit(), attr()}; }
};

// Faults about a selector report it with RPL cleared (and EXT, when set, in bit 0).
inline u32 selector_error(u16 sel) { return sel & (selector::Index | selector::Ti); }

// Expand-down data segments hold the offsets above the limit (SDM vol. 3 section 3.4.5.1).
inline bool expand_down(const SegmentState& s) {
    constexpr u16 kind = seg_attr::S | desc::Code | desc::Conforming;
    return (s.attr & kind) == (seg_attr::S | desc::Conforming);
}
// Whether [offset, offset + size) lies inside the segment's limit: up to the limit, or
// for expand-down segments above it and up to 64 KiB or 4 GiB (the B bit).
inline bool within_limit(const SegmentState& s, u64 offset, unsigned size) {
    const u64 last = offset + size - 1;
    if (!expand_down(s)) return last <= s.limit;
    const u64 upper = (s.attr & seg_attr::DefBig) ? 0xffffffff : 0xffff;
    return offset > s.limit && last <= upper;
}

// What SS holds after a privilege change in 64-bit mode: a null selector usable for the
// stack, its DPL the new CPL.
inline SegmentState null_stack(unsigned cpl) {
    return SegmentState{static_cast<u16>(cpl), 0, 0, static_cast<u16>(cpl << seg_attr::DplShift)};
}

// stack_switch.cpp: the inner stack of a privilege change through an interrupt or call
// gate outside long mode (SDM vol. 3 sections 5.8.5 and 6.12.1).
// SS:ESP of privilege level `cpl` from the current 16- or 32-bit TSS, checked as the
// switch checks it: #TS for a TSS too short or an unusable SS, #SS when SS is not present.
// `ext` is or-ed into the error codes.
bool tss_stack(Cpu& cpu, unsigned cpl, u32 ext, SegmentState& ss, u64& sp);
// Pushes `values` (in push order, `width` bytes each) below `sp` on the stack `ss`, which
// need not be the current one; `sp` becomes the new stack pointer. The limit is checked
// first (#SS(fault_code)); the stores use `cpl`'s page permissions.
bool push_on(Cpu& cpu, const SegmentState& ss, unsigned cpl, u64& sp, std::span<const u64> values, unsigned width,
             u32 fault_code);
// RSPn of the current 64-bit TSS (#TS when the TSS is too short).
bool tss_rsp(Cpu& cpu, u64 offset, u32 ext, u64& rsp);

// exec_gate.cpp: far CALL/JMP whose selector names a system descriptor `d` (call gates;
// task switches are not implemented and raise #GP). `ret` is the return address.
enum class FarKind : u8 { Jmp, Call };
Event far_through_gate(Cpu& cpu, u16 sel, const Descriptor& d, FarKind kind, u64 ret);

}  // namespace flint::x86
