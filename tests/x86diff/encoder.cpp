#include "encoder.h"

namespace flint::x86diff {

const char* addr_kind_name(AddrKind k) {
    switch (k) {
    case AddrKind::Reg: return "reg";
    case AddrKind::Base: return "[b]";
    case AddrKind::BaseDisp8: return "[b+d8]";
    case AddrKind::BaseDisp32: return "[b+d32]";
    case AddrKind::Sib: return "[b+i*s]";
    case AddrKind::SibDisp8: return "[b+i*s+d8]";
    case AddrKind::SibDisp32: return "[b+i*s+d32]";
    case AddrKind::IndexDisp32: return "[i*s+d32]";
    case AddrKind::Abs32: return "[d32]";
    case AddrKind::RipRel: return "[rip+d32]";
    }
    return "?";
}

bool Encoding::uses_base() const {
    switch (kind) {
    case AddrKind::Base: case AddrKind::BaseDisp8: case AddrKind::BaseDisp32:
    case AddrKind::Sib: case AddrKind::SibDisp8: case AddrKind::SibDisp32:
        return true;
    default:
        return false;
    }
}

bool Encoding::uses_index() const {
    return kind == AddrKind::Sib || kind == AddrKind::SibDisp8 || kind == AddrKind::SibDisp32 ||
           kind == AddrKind::IndexDisp32;
}

bool Encoding::needs_sib() const {
    return has_modrm && kind != AddrKind::Reg &&
           (uses_index() || kind == AddrKind::Abs32 || (uses_base() && (base & 7) == 4));
}

u8 Encoding::rex_byte() const {
    const bool is_reg = has_modrm && kind == AddrKind::Reg;
    u8 r = 0x40;
    if (rex_w) r |= 8;
    if (reg & 8) r |= 4;
    if (needs_sib() && uses_index() && (index & 8)) r |= 2;
    if ((is_reg && (rm & 8)) || (has_modrm && !is_reg && uses_base() && (base & 8)) ||
        (!has_modrm && (rm & 8)))
        r |= 1;
    return (rex || r != 0x40) ? r : 0;
}

unsigned Encoding::layout() {
    unsigned n = prefix_count;
    n += map == 0 ? 1 : map == 1 ? 2 : 3;
    if (has_modrm) {
        n += 1;
        switch (kind) {
        case AddrKind::Reg: disp_size = 0; break;
        case AddrKind::Base:
        case AddrKind::Sib:
            // mod 0 with base 5/13 means "no base": those need an explicit zero disp8.
            disp_size = (base & 7) == 5 ? 1 : 0;
            break;
        case AddrKind::BaseDisp8: case AddrKind::SibDisp8: disp_size = 1; break;
        default: disp_size = 4; break;
        }
        n += needs_sib() ? 1u : 0u;
        n += unsigned{disp_size};
    }
    n += rex_byte() ? 1u : 0u;
    n += unsigned{imm_size} + imm2_size;
    m_len = n <= 15 ? n : 0;
    return m_len;
}

unsigned Encoding::emit(std::array<u8, 15>& out) const {
    unsigned n = 0;
    auto put = [&](u8 b) { out[n++] = b; };
    for (unsigned i = 0; i < prefix_count; ++i) put(prefixes[i]);

    const bool is_reg = has_modrm && kind == AddrKind::Reg;
    const bool sib = needs_sib();
    if (u8 r = rex_byte()) put(r);

    if (map >= 1) put(0x0f);
    if (map == 2) put(0x38);
    if (map == 3) put(0x3a);
    put(opcode);

    if (has_modrm) {
        u8 mod = 0;
        if (is_reg) mod = 3;
        else if (disp_size == 1 && uses_base()) mod = 1;
        else if (disp_size == 4 && uses_base()) mod = 2;
        u8 rmbits = 0;
        if (is_reg) rmbits = rm & 7;
        else if (kind == AddrKind::RipRel) rmbits = 5;
        else if (sib) rmbits = 4;
        else rmbits = base & 7;
        put(static_cast<u8>(mod << 6 | (reg & 7) << 3 | rmbits));
        if (sib) {
            const u8 idx = uses_index() ? (index & 7) : 4;
            const u8 b = uses_base() ? (base & 7) : 5;
            put(static_cast<u8>((uses_index() ? scale : 0) << 6 | idx << 3 | b));
        }
        for (unsigned i = 0; i < disp_size; ++i)
            put(static_cast<u8>(static_cast<u32>(disp) >> (8 * i)));
    }
    for (unsigned i = 0; i < imm_size; ++i) put(static_cast<u8>(imm >> (8 * i)));
    if (imm2_size) put(imm2);
    return n;
}

}  // namespace flint::x86diff
