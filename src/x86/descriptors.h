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

}  // namespace flint::x86
