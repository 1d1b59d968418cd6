// The per-case half of the generator: given a row, an operand size and an addressing form,
// choose prefixes, registers, immediates and the memory operand, then encode.
#include "case_builder.h"

#include <algorithm>

#include "generator.h"
#include "layout.h"
#include "undefined_flags.h"
#include "values.h"
#include "vector_values.h"
#include "x87_values.h"

namespace flint::x86diff {
namespace {

constexpr unsigned kRax = 0, kRcx = 1, kRdx = 2, kRbx = 3, kRsp = 4, kRbp = 5, kRsi = 6,
                   kRdi = 7;

bool fits_i8(i64 v) { return v >= -128 && v <= 127; }
bool fits_i32(i64 v) { return v >= INT32_MIN && v <= INT32_MAX; }

// Builds one case; a class only to share the random stream and the half-built state
// between the steps below.
class Builder {
public:
    Builder(const InsnSpec& spec, Prng& rng, Case& c) : m_s(spec), m_rng(rng), m_c(c) {}

    void build(unsigned opsize, AddrKind kind);

private:
    bool mem() const { return m_e.has_modrm && m_e.kind != AddrKind::Reg; }
    bool addr32() const { return m_addr32; }
    void pin(unsigned r) { m_pinned |= static_cast<u16>(1u << r); }
    bool pinned(unsigned r) const { return (m_pinned >> r) & 1u; }
    u64 data_pointer(u64 lo, u64 span) { return kDataBase + lo + m_rng.below(span); }

    void choose_prefixes(unsigned opsize);
    void choose_operands(AddrKind kind);
    void implicit_registers();
    u64 choose_ea(unsigned access);
    void solve_memory(u64 ea);
    void choose_immediates(unsigned opsize);
    i64 pad_target();
    void poke(u64 addr, unsigned size, u64 value);
    unsigned e_size() const;
    u64 encoded_ea(u64 next_rip) const;
    void mark_undefined(unsigned opsize);
    void x87_operand(unsigned access, unsigned opsize);

    const InsnSpec& m_s;
    Prng& m_rng;
    Case& m_c;
    Encoding m_e;
    bool m_addr32 = false;
    u16 m_pinned = 0;
    u64 m_ea = 0;
    unsigned m_count = 0;  // shift count, for the undefined-flags table
};

void Builder::choose_prefixes(unsigned opsize) {
    u8 list[6];
    unsigned n = 0;
    if (m_s.prefix) list[n++] = m_s.prefix;
    if (opsize == 2 && m_s.size != SizeRule::Word) list[n++] = 0x66;
    const bool addr_matters = mem() || m_s.form == Form::Moffs || m_s.has(trait::String) ||
                              m_s.has(trait::CountReg) || m_s.has(trait::Xlat) || m_s.has(trait::MaskMov);
    if (addr_matters && m_rng.chance(12)) {
        list[n++] = 0x67;
        m_addr32 = true;
    }
    if (mem() && m_rng.chance(4)) {
        constexpr u8 kNullSegs[] = {0x26, 0x2e, 0x36, 0x3e};  // ignored in 64-bit mode
        list[n++] = m_rng.pick(kNullSegs);
    }
    if (m_s.has(trait::String) && m_rng.chance(60))
        list[n++] = (m_s.has(trait::RepCond) && m_rng.chance(50)) ? 0xf2 : 0xf3;
    // LOCK: valid only on a lockable row with a memory destination; anything else must #UD.
    if ((m_s.has(trait::Lockable) && mem()) ? m_rng.chance(15) : m_rng.chance(1))
        list[n++] = 0xf0;
    // Order among legacy prefixes carries no meaning except that a mandatory prefix must
    // stay the last of F2/F3; shuffle the others in front of it to exercise the decoder.
    for (unsigned i = n; i > 1; --i) std::swap(list[i - 1], list[m_rng.below(i)]);
    if (m_s.prefix) {
        auto it = std::find(list, list + n, m_s.prefix);
        std::rotate(it, it + 1, list + n);  // move the mandatory prefix last
    }
    for (unsigned i = 0; i < n; ++i) m_e.add_prefix(list[i]);

    const bool w_sized = m_s.size == SizeRule::V || m_s.size == SizeRule::Y ||
                         m_s.size == SizeRule::Q;
    m_e.rex_w = opsize == 8 && (w_sized || (m_s.size == SizeRule::D64 && m_rng.chance(20)));
    if (m_s.size == SizeRule::X) m_e.rex_w = m_rng.chance(10);  // ignored by vector forms
    // A bare REX selects SPL..DIL instead of AH..BH for byte operands.
    m_e.rex = m_rng.chance(m_s.size == SizeRule::Byte ? 30 : 8);
}

void Builder::choose_operands(AddrKind kind) {
    m_e.map = m_s.map;
    m_e.opcode = m_s.opcode;
    m_e.has_modrm = m_s.has_modrm();
    if (m_s.form == Form::Z) {
        unsigned r = static_cast<unsigned>(m_rng.below(16));
        if (m_s.opcode == 0x90 && (r & 7) == 0) r = 8;  // 90 without REX.B is NOP
        m_e.rm = static_cast<u8>(r);
        m_e.opcode = static_cast<u8>(m_s.opcode + (r & 7));
    }
    if (!m_e.has_modrm) return;
    // REX.R is ignored for group rows; set it now and then to check that it is.
    m_e.reg = m_s.reg >= 0 ? static_cast<u8>(m_s.reg | (m_rng.chance(10) ? 8 : 0))
                           : static_cast<u8>(m_rng.below(16));
    m_e.kind = kind;
    m_e.rm = m_s.rm >= 0 ? static_cast<u8>(m_s.rm) : static_cast<u8>(m_rng.below(16));
    if ((m_s.has(trait::Indirect)) && m_e.rm == kRsp) m_e.rm = kRax;  // RSP is the stack
    m_e.base = static_cast<u8>(m_rng.below(16));
    do {
        m_e.index = static_cast<u8>(m_rng.below(16));
    } while (m_e.index == kRsp);  // index 4 without REX.X means "no index"
    m_e.scale = static_cast<u8>(m_rng.below(4));
}

void Builder::implicit_registers() {
    pin(kRsp);
    if (m_s.has(trait::String)) {
        const u64 lo = m_rng.chance(50) ? 0x100 : 0x400;
        m_c.gpr[kRsi] = data_pointer(lo, 0x200);
        m_c.gpr[kRdi] = data_pointer(lo, 0x200);
        u64 count = m_rng.below(34);
        if (m_rng.chance(4)) count = edge_value(m_rng);  // runs into a guard page mid-way
        m_c.gpr[kRcx] = addr32() ? (m_rng.next() << 32 | (count & 0xffffffff)) : count;
        if (addr32()) {  // 32-bit addressing ignores the upper halves
            m_c.gpr[kRsi] = m_rng.next() << 32 | m_c.gpr[kRsi];
            m_c.gpr[kRdi] = m_rng.next() << 32 | m_c.gpr[kRdi];
        }
        pin(kRsi), pin(kRdi), pin(kRcx);
    }
    if (m_s.has(trait::Xlat)) m_c.gpr[kRbx] = data_pointer(0, 0x600), pin(kRbx);
    if (m_s.has(trait::MaskMov)) {
        m_c.gpr[kRdi] = data_pointer(0, 0x700);
        if (m_rng.chance(4)) m_c.gpr[kRdi] = kDataBase + kDataSize - m_rng.below(16);  // runs off the end
        if (addr32()) m_c.gpr[kRdi] |= m_rng.next() << 32;  // 32-bit addressing ignores these
        pin(kRdi);
    }
    if (m_s.has(trait::FramePtr)) m_c.gpr[kRbp] = data_pointer(0x800, 0x700) & ~u64{7}, pin(kRbp);
    if (m_s.has(trait::CountReg)) {
        constexpr u64 kCounts[] = {0, 1, 2, 0x100000000, 0xffffffff, 0x100000001};
        m_c.gpr[kRcx] = m_rng.chance(60) ? m_rng.pick(kCounts) : register_value(m_rng);
        pin(kRcx);
    }
    if (m_s.has(trait::ShiftCl)) {
        m_count = shift_count(m_rng);
        m_c.gpr[kRcx] = (m_c.gpr[kRcx] & ~u64{0xff}) | m_count;
        pin(kRcx);
    }
    if (m_s.has(trait::DivBias) && m_rng.chance(60)) {
        // Keep the dividend's high half small (or a sign extension) so that the quotient
        // fits often enough; the remaining cases exercise #DE.
        const bool neg = m_s.mnemonic == "IDIV" && (m_c.gpr[kRax] >> 63);
        m_c.gpr[kRdx] = neg ? ~u64{0} : 0;
        pin(kRdx);
    }
    if (m_s.has(trait::CmpAcc) || m_s.has(trait::Cmpxchg8b)) pin(kRax), pin(kRdx);
    if (m_s.has(trait::BitIndex) && mem()) {
        // A register bit offset addresses memory beyond the operand; keep it near.
        const i64 bit = static_cast<i64>(m_rng.below(1024)) - 512;
        m_c.gpr[m_e.reg] = static_cast<u64>(bit);
        pin(m_e.reg);
    }
}

u64 Builder::choose_ea(unsigned access) {
    if (m_rng.chance(4)) {
        switch (m_rng.below(5)) {
        case 0: return kDataBase + kDataSize + m_rng.below(64);          // guard page above
        case 1: return kDataBase + kDataSize - 1 - m_rng.below(access);  // straddles the end
        case 2: return kDataBase - 1 - m_rng.below(64);                  // guard page below
        case 3: return 0x8000000000000000ull | m_rng.next();             // non-canonical
        default: return m_rng.below(0x1000);                             // null page
        }
    }
    u64 off = m_rng.below(0x700);
    if (m_rng.chance(50)) off &= access <= 16 ? ~u64{access - 1} : ~u64{15};
    return kDataBase + off;
}

void Builder::solve_memory(u64 ea) {
    const u64 mask = addr32() ? 0xffffffffull : ~u64{0};
    auto random_disp = [&](unsigned size) -> i32 {
        if (size == 0) return 0;
        if (size == 1) return static_cast<i8>(m_rng.next());
        return m_rng.chance(50) ? static_cast<i32>(m_rng.below(0x2000)) - 0x1000
                                : static_cast<i32>(static_cast<u32>(m_rng.next()));
    };
    switch (m_e.kind) {
    case AddrKind::RipRel: return;  // needs the length: done after layout
    case AddrKind::Abs32: m_e.disp = static_cast<i32>(static_cast<u32>(ea)); return;
    default: break;
    }
    m_e.layout();  // learn the disp size this shape needs
    // The base doubles as the index only in shapes that have both (m_e.index is drawn
    // for every shape).
    const bool base_is_index = m_e.uses_base() && m_e.uses_index() && m_e.base == m_e.index;
    u64 idx = 0;
    if (m_e.uses_index()) {
        if (!pinned(m_e.index) && !base_is_index)
            m_c.gpr[m_e.index] = m_rng.chance(70) ? m_rng.below(0x100) : register_value(m_rng);
        idx = m_c.gpr[m_e.index] << m_e.scale;
    }
    if (m_e.uses_base() && !pinned(m_e.base) && !base_is_index) {
        m_e.disp = random_disp(m_e.disp_size);
        const u64 b = (ea - idx - static_cast<u64>(static_cast<i64>(m_e.disp))) & mask;
        m_c.gpr[m_e.base] = addr32() ? (m_rng.next() << 32 | b) : b;
        return;
    }
    // The base is fixed (the stack pointer, an implicit operand, or the index itself):
    // reach the target through the displacement instead, widening it when needed.
    u64 fixed = idx;
    if (m_e.uses_base()) {
        if (base_is_index && !pinned(m_e.base)) {
            m_c.gpr[m_e.base] = m_rng.below(0x100);
            fixed = m_c.gpr[m_e.base] + (m_c.gpr[m_e.base] << m_e.scale);
        } else {
            fixed += m_c.gpr[m_e.base];
        }
    }
    const u64 need = (ea - fixed) & mask;
    const i64 sneed = addr32() ? static_cast<i32>(static_cast<u32>(need)) : static_cast<i64>(need);
    if (m_e.disp_size == 1 && fits_i8(sneed)) m_e.disp = static_cast<i32>(sneed);
    else if (m_e.disp_size == 0 && sneed == 0) m_e.disp = 0;
    else if (fits_i32(sneed)) {
        if (m_e.kind == AddrKind::Base || m_e.kind == AddrKind::BaseDisp8) m_e.kind = AddrKind::BaseDisp32;
        if (m_e.kind == AddrKind::Sib || m_e.kind == AddrKind::SibDisp8) m_e.kind = AddrKind::SibDisp32;
        m_e.disp = static_cast<i32>(sneed);
    } else {
        m_e.disp = random_disp(m_e.disp_size);  // unreachable target: it faults somewhere
    }
}

i64 Builder::pad_target() {
    const u64 k = m_rng.below(kForwardPads + kBackwardPads);
    if (k < kForwardPads) return static_cast<i64>(m_c.len + kPadSize * k);
    return -static_cast<i64>(kPadSize * (k - kForwardPads + 1));
}

void Builder::poke(u64 addr, unsigned size, u64 value) {
    if (addr < kDataBase || addr + size > kDataBase + kDataSize || m_c.poke_count >= kMaxPokes)
        return;
    m_c.pokes[m_c.poke_count++] = Poke{static_cast<u16>(addr - kDataBase), static_cast<u8>(size), value};
}

// The effective address the final encoding and registers form.
u64 Builder::encoded_ea(u64 next_rip) const {
    const u64 disp = static_cast<u64>(static_cast<i64>(m_e.disp));
    u64 ea = 0;
    switch (m_e.kind) {
    case AddrKind::RipRel: return next_rip + disp;
    case AddrKind::Abs32: ea = disp; break;
    default:
        ea = disp + (m_e.uses_base() ? m_c.gpr[m_e.base] : 0) +
             (m_e.uses_index() ? m_c.gpr[m_e.index] << m_e.scale : 0);
        break;
    }
    return addr32() ? ea & 0xffffffff : ea;
}

unsigned Builder::e_size() const {
    if (m_s.has(trait::FxImage) || m_s.has(trait::HostFpuData)) return 512;
    if (m_s.mem) return m_s.mem;
    switch (m_s.form) {
    case Form::G_Eb: return 1;
    case Form::G_Ew: return 2;
    case Form::G_Ed: return 4;
    default: return m_s.has(trait::Cmpxchg8b) ? 0 : variant_opsize(m_c.variant);
    }
}

void Builder::choose_immediates(unsigned opsize) {
    switch (m_s.imm) {
    case ImmRule::None: break;
    case ImmRule::B: m_e.imm_size = 1; break;
    case ImmRule::W: m_e.imm_size = 2; break;
    case ImmRule::Z: m_e.imm_size = opsize == 2 ? 2 : 4; break;
    case ImmRule::V: m_e.imm_size = static_cast<u8>(opsize); break;
    case ImmRule::Jb: m_e.imm_size = 1; break;
    case ImmRule::Jz: m_e.imm_size = 4; break;
    case ImmRule::WB: m_e.imm_size = 2, m_e.imm2_size = 1; break;
    }
    if (m_s.form == Form::Moffs) m_e.imm_size = addr32() ? 4 : 8;
    m_e.imm = immediate_value(m_rng, m_e.imm_size);
    if (m_s.has(trait::ShiftImm)) {
        m_count = shift_count(m_rng);
        m_e.imm = m_count;
    }
    if (m_s.imm == ImmRule::WB) {
        constexpr u64 kFrames[] = {0, 8, 16, 0x18, 0xffff};
        m_e.imm = m_rng.chance(70) ? m_rng.pick(kFrames) : m_rng.below(0x100);
        constexpr u8 kLevels[] = {0, 0, 1, 2, 3, 31, 32, 33};
        m_e.imm2 = m_rng.chance(80) ? m_rng.pick(kLevels) : static_cast<u8>(m_rng.next());
    }
}

void Builder::mark_undefined(unsigned opsize) {
    const UndefinedEffects u = undefined_effects(m_s.mnemonic, opsize, m_count);
    m_c.undef_flags = u.flags;
    if (!u.destination) return;
    if (mem()) m_c.undef_data = true;
    else m_c.undef_gprs = static_cast<u16>(1u << m_e.rm);
}

// x87 memory operands: floats by width, integers, BCD, control words and environments.
void Builder::x87_operand(unsigned access, unsigned opsize) {
    if (m_s.has(trait::X87Env)) {
        // A control word the instruction can live with, and a tag word; the rest random.
        const unsigned width = opsize == 2 ? 2 : 4;
        poke(m_ea, 2, x87_control_image(m_rng));
        if (m_rng.chance(50)) poke(m_ea + 2 * width, 2, m_rng.chance(50) ? 0xffff : m_rng.next() & 0xffff);
        return;
    }
    if (!m_rng.chance(75)) return;
    if (access == 10) {
        const X87Reg80 v = m_s.has(trait::X87Int) ? x87_bcd(m_rng) : x87_value(m_rng);
        poke(m_ea, 8, v.mantissa);
        poke(m_ea + 8, 2, v.sign_exp);
    } else if (m_s.has(trait::X87Int)) {
        poke(m_ea, access, m_s.mnemonic == "FLDCW" ? x87_control_image(m_rng) : immediate_value(m_rng, access));
    } else if (access == 4) {
        poke(m_ea, 4, float_edge(m_rng));
    } else if (access == 8) {
        poke(m_ea, 8, double_edge(m_rng));
    }
}

void Builder::build(unsigned opsize, AddrKind kind) {
    m_c.variant = make_variant(opsize, kind);
    choose_operands(kind);
    choose_prefixes(opsize);
    implicit_registers();
    choose_immediates(opsize);

    const unsigned access = m_s.has(trait::Cmpxchg8b) ? 2 * opsize : e_size();
    if (mem()) {
        m_ea = choose_ea(access);
        solve_memory(m_ea);
    }
    if (m_s.form == Form::Moffs) {
        m_ea = choose_ea(opsize);
        m_e.imm = addr32() ? (m_ea & 0xffffffff) : m_ea;
    }
    unsigned len = m_e.layout();
    if (len == 0) {  // over 15 bytes: drop the optional prefixes and REX
        m_e.prefix_count = 0;
        if (m_s.prefix) m_e.add_prefix(m_s.prefix);
        if (opsize == 2) m_e.add_prefix(0x66);
        m_addr32 = false;
        m_e.rex = false;
        len = m_e.layout();
    }
    m_c.len = static_cast<u8>(len);
    const u64 end = kInsnAddr + len;
    if (mem() && m_e.kind == AddrKind::RipRel)
        m_e.disp = static_cast<i32>(static_cast<i64>(m_ea - end));

    // Every control transfer lands on a pad so that both outcomes are observable.
    if (m_s.has(trait::RelBranch)) {
        const i64 disp = pad_target() - static_cast<i64>(len);
        m_e.imm = m_e.imm_size == 1 ? static_cast<u64>(disp) & 0xff
                                    : static_cast<u64>(disp) & 0xffffffff;
    }
    if (m_s.has(trait::Indirect)) {
        const u64 target = kInsnAddr + static_cast<u64>(pad_target());
        if (mem()) poke(m_ea, 8, target);
        else m_c.gpr[m_e.rm] = target;
    }
    if (m_s.has(trait::Ret)) poke(m_c.gpr[kRsp], 8, kInsnAddr + static_cast<u64>(pad_target()));
    if (m_s.has(trait::PopFlags)) {
        // Only status flags and DF: TF would trap and AC would fault the harness.
        poke(m_c.gpr[kRsp], opsize, kUserFlagsBase | (m_rng.next() & kCaseFlags));
    }
    const bool vector = m_s.has(trait::Sse) || m_s.has(trait::Mmx);
    if (mem() && m_s.has(trait::X87)) x87_operand(access, opsize);
    else if (mem() && !m_s.has(trait::Indirect) && !vector && access <= 8 && m_rng.chance(50))
        poke(m_ea, access, immediate_value(m_rng, access));
    if (mem() && m_s.has(trait::Sse) && access <= 16 && m_rng.chance(60)) {  // float edges
        const Vec128 v = vector_value(m_rng);
        poke(m_ea, std::min(access, 8u), v[0]);
        if (access > 8) poke(m_ea + 8, access - 8, v[1]);
    } else if (mem() && m_s.has(trait::Mmx) && access <= 8 && m_rng.chance(60)) {  // integer lane edges
        poke(m_ea, access, mmx_value(m_rng));
    }
    if (m_s.has(trait::MxcsrImage) && m_rng.chance(80)) poke(m_ea, 4, mxcsr_value(m_rng));
    if (m_s.has(trait::FxImage) && m_rng.chance(85)) poke(m_ea + 24, 4, mxcsr_value(m_rng));
    if (m_s.has(trait::HostFpuData)) {
        // FXSAVE: MXCSR_MASK (+28) is the host model's. The operand may not be where the
        // solver aimed (a fixed base can leave the target out of reach): use the address
        // the encoding really forms.
        const u64 ea = encoded_ea(kInsnAddr + m_c.len);
        if (ea >= kDataBase && ea < kDataBase + kDataSize) {
            m_c.host_bytes_offset = static_cast<u16>(ea - kDataBase + 28);
            m_c.host_bytes_len = 4;
        }
    }
    if (m_s.has(trait::CmpAcc) && m_rng.chance(50)) {
        if (mem()) poke(m_ea, access, m_c.gpr[kRax]);
        else m_c.gpr[m_e.rm] = m_c.gpr[kRax];
    }
    if (m_s.has(trait::Cmpxchg8b) && m_rng.chance(50)) {
        const unsigned half = opsize;
        poke(m_ea, half, m_c.gpr[kRax]);
        poke(m_ea + half, half, m_c.gpr[kRdx]);
    }
    m_e.emit(m_c.bytes);
    mark_undefined(opsize);
}

}  // namespace

void build_case(const InsnSpec& spec, Prng& rng, Case& c, unsigned opsize, AddrKind kind) {
    Builder(spec, rng, c).build(opsize, kind);
}

}  // namespace flint::x86diff
