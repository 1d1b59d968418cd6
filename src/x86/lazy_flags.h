#pragma once
// RFLAGS with lazily evaluated status flags. Most instructions that set CF/PF/AF/ZF/SF/OF
// are followed by another that overwrites them before anything reads them, so an ALU
// instruction only records its operands, result, width and kind; a flag is computed when
// a Jcc/SETcc/PUSHF/... (or rflags()) asks for it. This is on the interpreter's hot path
// and written for speed: recording is a few stores, reading is one switch.
//
// The carry/overflow formulas work on carry vectors, so ADC/SBB record the same way as
// ADD/SUB (their carry-in is already part of the result):
//   add carry-out  = top bit of (dst & src) | ((dst | src) & ~res)
//   sub borrow-out = top bit of (~dst & src) | ((~dst | src) & res)
//   add overflow   = top bit of (dst ^ res) & (src ^ res)
//   sub overflow   = top bit of (dst ^ src) & (dst ^ res)
//   AF             = bit 4 of dst ^ src ^ res (both)
#include "x86/types.h"

namespace flint::x86 {

enum class FlagOp : u8 {
    None,   // status bits are materialised in the stored RFLAGS value
    Add,    // ADD, ADC, XADD
    Sub,    // SUB, SBB, CMP, NEG (dst = 0), CMPXCHG, SCAS/CMPS
    Logic,  // AND, OR, XOR, TEST: CF = OF = AF = 0
    Inc,    // like Add with src = 1, CF preserved
    Dec,    // like Sub with src = 1, CF preserved
    // SHL/SHR/SAR/SHLD/SHRD: SF/ZF/PF come from the result; CF, OF and AF depend on
    // the count, so the handler computes them and passes them as RFLAGS bits in `src`
    // (set_shift). Still lazy: the result's flags are the ones usually read.
    Shift,
};

class LazyFlags {
public:
    // --- recording (hot) ---
    void set(FlagOp op, unsigned size, u64 dst, u64 src, u64 res) { record(op, size, dst, src, res); }
    void set_add(unsigned size, u64 dst, u64 src, u64 res) { record(FlagOp::Add, size, dst, src, res); }
    void set_sub(unsigned size, u64 dst, u64 src, u64 res) { record(FlagOp::Sub, size, dst, src, res); }
    void set_logic(unsigned size, u64 res) { record(FlagOp::Logic, size, 0, 0, res); }
    // `bits`: the CF/OF/AF values as RFLAGS bits (other bits ignored).
    void set_shift(unsigned size, u64 bits, u64 res) { record(FlagOp::Shift, size, 0, bits, res); }
    void set_inc(unsigned size, u64 dst, u64 res) {
        m_cf_in = cf();
        record(FlagOp::Inc, size, dst, 1, res);
    }
    void set_dec(unsigned size, u64 dst, u64 res) {
        m_cf_in = cf();
        record(FlagOp::Dec, size, dst, 1, res);
    }

    // --- single flags ---
    bool cf() const {
        switch (m_op) {
        case FlagOp::None: return m_value & rflags::CF;
        case FlagOp::Add: return top(((m_dst & m_src) | ((m_dst | m_src) & ~m_res)));
        case FlagOp::Sub: return top(((~m_dst & m_src) | ((~m_dst | m_src) & m_res)));
        case FlagOp::Logic: return false;
        case FlagOp::Inc:
        case FlagOp::Dec: return m_cf_in;
        case FlagOp::Shift: return (m_src & rflags::CF) != 0;
        }
        return false;
    }
    bool zf() const { return m_op == FlagOp::None ? (m_value & rflags::ZF) != 0 : (m_res & mask()) == 0; }
    bool sf() const { return m_op == FlagOp::None ? (m_value & rflags::SF) != 0 : top(m_res); }
    bool of() const {
        switch (m_op) {
        case FlagOp::None: return m_value & rflags::OF;
        case FlagOp::Add:
        case FlagOp::Inc: return top((m_dst ^ m_res) & (m_src ^ m_res));
        case FlagOp::Sub:
        case FlagOp::Dec: return top((m_dst ^ m_src) & (m_dst ^ m_res));
        case FlagOp::Logic: return false;
        case FlagOp::Shift: return (m_src & rflags::OF) != 0;
        }
        return false;
    }
    bool pf() const {
        if (m_op == FlagOp::None) return m_value & rflags::PF;
        return (__builtin_popcount(static_cast<unsigned>(m_res & 0xff)) & 1) == 0;
    }
    bool af() const {
        if (m_op == FlagOp::None) return m_value & rflags::AF;
        if (m_op == FlagOp::Logic) return false;
        if (m_op == FlagOp::Shift) return (m_src & rflags::AF) != 0;
        return ((m_dst ^ m_src ^ m_res) & 0x10) != 0;
    }

    // Condition codes in encoding order (O NO B AE E NE BE A S NS P NP L GE LE G).
    // After SUB/CMP (the common case before a branch) the answer comes straight from the
    // operands instead of through the individual flags.
    bool cond(unsigned cc) const {
        bool r;
        switch (cc >> 1) {
        case 0: r = of(); break;
        case 1: r = cf(); break;
        case 2: r = zf(); break;
        case 3: r = cf() || zf(); break;
        case 4: r = sf(); break;
        case 5: r = pf(); break;
        case 6: r = sf() != of(); break;
        default: r = zf() || (sf() != of()); break;
        }
        return r ^ (cc & 1);
    }

    // --- whole register ---
    u64 value() const { return m_op == FlagOp::None ? m_value : (m_value & ~rflags::Status) | status(); }
    // Reserved bits read as their fixed values whatever is written.
    void set_value(u64 v) {
        m_value = (v & kWritable) | rflags::Fixed1;
        m_op = FlagOp::None;
    }
    // Overwrites the flags in `mask` (any bits, status or not) with those of `bits`.
    void set_bits(u64 mask, u64 bits) { set_value((value() & ~mask) | (bits & mask)); }
    void set_flag(u64 flag, bool on) { set_bits(flag, on ? flag : 0); }
    // Non-status bits (DF, IF, ...) are always exact in m_value: no materialisation needed.
    bool test_control(u64 flag) const { return (m_value & flag) != 0; }

private:
    static constexpr u64 kWritable = 0x3f7fd5;  // bits 0-21 less the reserved 1, 3, 5, 15

    void record(FlagOp op, unsigned size, u64 dst, u64 src, u64 res) {
        m_op = op;
        m_shift = static_cast<u8>(size * 8 - 1);
        m_dst = dst;
        m_src = src;
        m_res = res;
    }
    bool top(u64 v) const { return (v >> m_shift) & 1; }
    u64 mask() const { return (u64{2} << m_shift) - 1; }
    u64 status() const {
        return (cf() ? rflags::CF : 0) | (pf() ? rflags::PF : 0) | (af() ? rflags::AF : 0) |
               (zf() ? rflags::ZF : 0) | (sf() ? rflags::SF : 0) | (of() ? rflags::OF : 0);
    }

    u64 m_value = rflags::Fixed1;
    u64 m_dst = 0, m_src = 0, m_res = 0;
    FlagOp m_op = FlagOp::None;
    u8 m_shift = 63;
    bool m_cf_in = false;
};

}  // namespace flint::x86
