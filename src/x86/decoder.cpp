// The decoder interprets opcode rows (opcodes.h): prefixes, then the row, then ModRM/SIB/
// displacement and immediates as the row's form and immediate kind say. It runs once per
// instruction per cached page, so it is written for clarity rather than speed.
#include "x86/decoder.h"

#include "x86/opcodes.h"

namespace flint::x86 {
namespace {

class ByteReader {
public:
    explicit ByteReader(std::span<const u8> bytes) : m_bytes(bytes) {}

    bool next(u8& b) {
        if (m_pos >= kMaxInsnLen) {
            m_status = DecodeStatus::TooLong;
            return false;
        }
        if (m_pos >= m_bytes.size()) {
            m_status = DecodeStatus::NeedBytes;
            return false;
        }
        b = m_bytes[m_pos++];
        return true;
    }
    // Little-endian field of n bytes.
    bool le(unsigned n, u64& v) {
        v = 0;
        for (unsigned i = 0; i < n; ++i) {
            u8 b;
            if (!next(b)) return false;
            v |= u64{b} << (8 * i);
        }
        return true;
    }
    u8 pos() const { return static_cast<u8>(m_pos); }
    DecodeStatus status() const { return m_status; }

private:
    std::span<const u8> m_bytes;
    size_t m_pos = 0;
    DecodeStatus m_status = DecodeStatus::Ok;
};

struct Prefixes {
    u8 rex = 0;
    u8 rep = 0;  // the last of F2/F3, or 0
    bool lock = false;
    bool opsize = false;
    bool addrsize = false;
    int seg = -1;
};

constexpr u8 kRexB = 1, kRexX = 2, kRexR = 4, kRexW = 8;

constexpr u64 sext(u64 v, unsigned bytes) {
    const unsigned sh = 64 - 8 * bytes;
    return static_cast<u64>(static_cast<i64>(v << sh) >> sh);
}

// Without REX, byte registers 4-7 are AH/CH/DH/BH; with any REX they are SPL/BPL/SIL/DIL.
constexpr u8 byte_reg(u8 r, bool rex) { return (!rex && r >= 4 && r < 8) ? static_cast<u8>(r - 4 + kHighByteReg) : r; }

constexpr bool needs_modrm(Form f) {
    switch (f) {
    case Form::Invalid:
    case Form::None:
    case Form::Z:
    case Form::Z_Acc:
    case Form::Acc:
    case Form::Moffs: return false;
    default: return true;
    }
}

u8 operand_size(Size s, bool is64, bool def16, const Prefixes& p) {
    const bool w = is64 && (p.rex & kRexW);
    const u8 v16_32 = (def16 != p.opsize) ? 2 : 4;
    switch (s) {
    case Size::B: return 1;
    case Size::W: return 2;
    case Size::V: return w ? 8 : v16_32;
    case Size::D64: return is64 ? (w || !p.opsize ? 8 : 2) : v16_32;
    case Size::F64: return is64 ? 8 : v16_32;
    case Size::Y: return w ? 8 : 4;
    case Size::Z: return v16_32;
    case Size::Inherit: break;
    }
    return 4;
}

// A mandatory prefix consumed by row selection no longer acts as REP or operand size.
const OpRow* select_row(const OpRow* base, u16 op, Prefixes& p) {
    if (!(base->attr & row_attr::Prefixed)) return base;
    for (const PrefixedRow& r : prefixed_rows())
        if (p.rep && r.op == op && r.prefix == p.rep) {
            p.rep = 0;
            return &r.row;
        }
    for (const PrefixedRow& r : prefixed_rows())
        if (p.opsize && r.op == op && r.prefix == 0x66) {
            p.opsize = false;
            return &r.row;
        }
    return base;
}

bool decode_mem16(ByteReader& rd, u8 modrm, bool seg_override, Insn& out) {
    // rm: BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP (or disp16), BX.
    constexpr u8 kBase[8] = {3, 3, 5, 5, 6, 7, 5, 3};
    constexpr u8 kIndex[8] = {6, 7, 6, 7, kNoReg, kNoReg, kNoReg, kNoReg};
    const unsigned mod = modrm >> 6, rm = modrm & 7;
    out.base = kBase[rm];
    out.index = kIndex[rm];
    u64 d = 0;
    if (mod == 0 && rm == 6) {
        out.base = kNoReg;
        if (!rd.le(2, d)) return false;
        out.disp = static_cast<i64>(sext(d, 2));
    } else if (mod != 0) {
        const unsigned n = mod == 1 ? 1 : 2;
        if (!rd.le(n, d)) return false;
        out.disp = static_cast<i64>(sext(d, n));
    }
    if (!seg_override && out.base == 5) out.seg = static_cast<u8>(Seg::Ss);
    return true;
}

bool decode_mem32(ByteReader& rd, u8 modrm, u8 rex, bool is64, bool seg_override, Insn& out) {
    const unsigned mod = modrm >> 6, rm = modrm & 7;
    unsigned disp_bytes = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        u8 sib;
        if (!rd.next(sib)) return false;
        out.scale = static_cast<u8>(sib >> 6);
        const auto idx = static_cast<u8>(((sib >> 3) & 7) | ((rex & kRexX) << 2));
        out.index = idx == 4 ? kNoReg : idx;  // index 4 without REX.X means none
        if ((sib & 7) == 5 && mod == 0) {
            out.base = kNoReg;
            disp_bytes = 4;
        } else {
            out.base = static_cast<u8>((sib & 7) | ((rex & kRexB) << 3));
        }
    } else if (rm == 5 && mod == 0) {
        out.base = is64 ? kRipReg : kNoReg;  // RIP-relative in 64-bit mode
        disp_bytes = 4;
    } else {
        out.base = static_cast<u8>(rm | (static_cast<unsigned>(rex & kRexB) << 3));
    }
    if (disp_bytes) {
        u64 d;
        if (!rd.le(disp_bytes, d)) return false;
        out.disp = static_cast<i64>(sext(d, disp_bytes));
    }
    const bool stack_base = out.base == static_cast<u8>(Reg::Rsp) || out.base == static_cast<u8>(Reg::Rbp);
    if (!seg_override && stack_base) out.seg = static_cast<u8>(Seg::Ss);
    return true;
}

bool read_imm(ByteReader& rd, ImmKind kind, Insn& out) {
    u64 v = 0, v2 = 0;
    switch (kind) {
    case ImmKind::None: return true;
    case ImmKind::B:
        if (!rd.le(1, v)) return false;
        break;
    case ImmKind::Bs:
    case ImmKind::Jb:
        if (!rd.le(1, v)) return false;
        v = sext(v, 1);
        break;
    case ImmKind::W:
        if (!rd.le(2, v)) return false;
        break;
    case ImmKind::Z: {
        const unsigned n = out.opsize < 4 ? out.opsize : 4;
        if (!rd.le(n, v)) return false;
        if (out.opsize == 8) v = sext(v, 4);
        break;
    }
    case ImmKind::V:
        if (!rd.le(out.opsize, v)) return false;
        break;
    case ImmKind::Jz: {
        const unsigned n = out.opsize == 2 ? 2 : 4;
        if (!rd.le(n, v)) return false;
        v = sext(v, n);
        break;
    }
    case ImmKind::Wb:
        if (!rd.le(2, v) || !rd.le(1, v2)) return false;
        out.imm2 = static_cast<u8>(v2);
        break;
    case ImmKind::Far:
        if (!rd.le(out.opsize == 2 ? 2 : 4, v) || !rd.le(2, v2)) return false;
        out.disp = static_cast<i64>(v2);  // selector
        break;
    }
    out.imm = v;
    out.flags |= insn_flags::Imm;
    return true;
}

}  // namespace

DecodeStatus decode(CpuMode mode, std::span<const u8> bytes, Insn& out) {
    out = Insn{};
    ByteReader rd(bytes);
    auto stop = [&](DecodeStatus s) {
        out.len = rd.pos();
        return s;
    };
    const bool is64 = mode == CpuMode::Long64;
    const bool def16 = mode == CpuMode::Real || mode == CpuMode::Protected16;

    // Prefixes, any number and order; a REX counts only right before the opcode.
    Prefixes p;
    u8 b = 0;
    for (bool more = true; more;) {
        if (!rd.next(b)) return stop(rd.status());
        u8 rex = 0;  // a legacy prefix after a REX cancels it
        switch (b) {
        case 0xf0: p.lock = true; break;
        case 0xf2:
        case 0xf3: p.rep = b; break;
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
            if (!is64) p.seg = (b >> 3) & 3;  // ES CS SS DS; ignored in 64-bit mode
            break;
        case 0x64:
        case 0x65: p.seg = static_cast<int>(Seg::Fs) + (b & 1); break;
        case 0x66: p.opsize = true; break;
        case 0x67: p.addrsize = true; break;
        default:
            if (is64 && (b & 0xf0) == 0x40) {
                rex = b;
            } else {
                more = false;
                continue;  // the opcode: keep the REX that preceded it
            }
            break;
        }
        p.rex = rex;
    }

    // Opcode and map.
    const std::array<OpRow, 256>* map = &one_byte_map();
    OpMap m = OpMap::OneByte;
    if (b == 0x0f) {
        if (!rd.next(b)) return stop(rd.status());
        map = &map_0f();
        m = OpMap::Map0F;
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? &map_0f38() : &map_0f3a();
            m = b == 0x38 ? OpMap::Map0F38 : OpMap::Map0F3A;
            if (!rd.next(b)) return stop(rd.status());
        }
    }
    const u8 opcode = b;
    out.op = static_cast<u16>(static_cast<unsigned>(m) << 8 | opcode);
    const OpRow* row = select_row(&(*map)[opcode], out.op, p);
    if (row->form == Form::Invalid) return stop(DecodeStatus::Invalid);

    Form form = row->form;
    Size size = row->size;
    ImmKind imm = row->imm;
    u16 attr = row->attr;
    u16 iflags = row->iflags;
    out.fn = row->fn;
    out.name = row->name;
    out.ext = row->ext;

    u8 modrm = 0;
    const bool has_modrm = needs_modrm(form);
    if (has_modrm && !rd.next(modrm)) return stop(rd.status());
    out.imm2 = modrm;  // the x87 opcode register (FOP) records it; ENTER's level replaces it
    if (form == Form::Group) {
        const OpRow& s = group_rows()[row->group][(modrm >> 3) & 7];
        if (s.form == Form::Invalid) return stop(DecodeStatus::Invalid);
        form = s.form;
        out.fn = s.fn;
        out.name = s.name;
        out.ext = (modrm >> 3) & 7;
        attr |= s.attr;
        iflags |= s.iflags;
        if (s.imm != ImmKind::None) imm = s.imm;
        if (s.size != Size::Inherit) size = s.size;
    }
    if ((attr & row_attr::Inv64) && is64) return stop(DecodeStatus::Invalid);
    if ((attr & row_attr::Only64) && !is64) return stop(DecodeStatus::Invalid);

    const bool rex = p.rex != 0;
    out.opsize = operand_size(size, is64, def16, p);
    out.addrsize = is64 ? (p.addrsize ? 4 : 8) : ((def16 != p.addrsize) ? 2 : 4);
    // MOVSXD's source is a dword at every operand size: with 66 the result is its low word
    // either way, but the access is 4 bytes wide (and faults as such), as AMD documents.
    out.esize = form == Form::G_Eb ? 1 : form == Form::G_Ew ? 2 : form == Form::G_Ed ? 4 : out.opsize;
    out.seg = static_cast<u8>(p.seg >= 0 ? p.seg : static_cast<int>(Seg::Ds));

    if (has_modrm) {
        const auto reg = static_cast<u8>(((modrm >> 3) & 7) | ((p.rex & kRexR) << 1));
        out.reg = out.opsize == 1 ? byte_reg(reg, rex) : reg;
        const bool is_mem = (modrm >> 6) != 3 && !(attr & row_attr::ModIsReg);
        if (is_mem) {
            out.flags |= insn_flags::Mem;
            const bool ok = out.addrsize == 2 ? decode_mem16(rd, modrm, p.seg >= 0, out)
                                              : decode_mem32(rd, modrm, p.rex, is64, p.seg >= 0, out);
            if (!ok) return stop(rd.status());
        } else {
            const auto rm = static_cast<u8>((modrm & 7) | ((p.rex & kRexB) << 3));
            out.rm = out.esize == 1 ? byte_reg(rm, rex) : rm;
        }
        const bool mem_only = (attr & row_attr::MemOnly) || form == Form::G_M || form == Form::M_G;
        if (mem_only && !is_mem) return stop(DecodeStatus::Invalid);
        if ((attr & row_attr::RegOnly) && is_mem) return stop(DecodeStatus::Invalid);
    } else if (form == Form::Z || form == Form::Z_Acc) {
        const auto r = static_cast<u8>((opcode & 7) | ((p.rex & kRexB) << 3));
        out.rm = out.opsize == 1 ? byte_reg(r, rex) : r;
    } else if (form == Form::Moffs) {
        u64 addr;
        if (!rd.le(out.addrsize, addr)) return stop(rd.status());
        out.flags |= insn_flags::Mem;
        out.disp = static_cast<i64>(addr);
    }
    if (!read_imm(rd, imm, out)) return stop(rd.status());

    // LOCK is allowed only on the read-modify-write instructions, with a memory operand.
    if (p.lock && (!(attr & row_attr::Lockable) || !out.mem())) return stop(DecodeStatus::Invalid);

    const bool g_dest = form == Form::G_E || form == Form::G_Eb || form == Form::G_Ew || form == Form::G_Ed ||
                        form == Form::G_M;
    out.flags |= iflags | (g_dest ? insn_flags::Rev : 0);
    if (p.lock) out.flags |= insn_flags::Lock;
    if (p.rep == 0xf3) out.flags |= insn_flags::Rep;
    if (p.rep == 0xf2) out.flags |= insn_flags::Repne;
    if (rex) out.flags |= insn_flags::Rex;
    if (p.rex & kRexW) out.flags |= insn_flags::RexW;
    if (p.opsize) out.flags |= insn_flags::OpSize;
    if (p.seg >= 0) out.flags |= insn_flags::SegOverride;
    out.len = rd.pos();
    return DecodeStatus::Ok;
}

}  // namespace flint::x86
