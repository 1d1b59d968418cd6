#pragma once
// Assembles one instruction from chosen fields: legacy prefixes, REX, opcode map, ModRM,
// SIB, displacement and immediate. It knows the encoding rules (which rm/base values need a
// SIB or a displacement), never what the instruction does.
#include <array>

#include "base/types.h"

namespace flint::x86diff {

// Memory operand shapes the generator cycles through.
enum class AddrKind : u8 {
    Reg,          // mod == 3
    Base,         // [base]
    BaseDisp8,    // [base + disp8]
    BaseDisp32,   // [base + disp32]
    Sib,          // [base + index*scale]
    SibDisp8,     // [base + index*scale + disp8]
    SibDisp32,    // [base + index*scale + disp32]
    IndexDisp32,  // [index*scale + disp32], no base
    Abs32,        // [disp32] through SIB
    RipRel,       // [rip + disp32]
};
inline constexpr unsigned kAddrKinds = 10;
const char* addr_kind_name(AddrKind k);

struct Encoding {
    std::array<u8, 6> prefixes{};  // legacy prefixes in emission order
    u8 prefix_count = 0;
    bool rex = false;  // emit a REX byte even when W/R/X/B are all clear
    bool rex_w = false;
    u8 map = 0;  // 0 one-byte, 1: 0F, 2: 0F 38, 3: 0F 3A
    u8 opcode = 0;
    bool has_modrm = false;
    u8 reg = 0;  // 0-15: REX.R supplies bit 3
    AddrKind kind = AddrKind::Reg;
    u8 rm = 0;  // register operand for AddrKind::Reg
    u8 base = 0, index = 0, scale = 0;  // 0-15; index 4 (no REX.X) means none
    i32 disp = 0;
    u8 disp_size = 0;  // filled by layout(): 0, 1 or 4 (also set by the caller for moffs)
    u8 imm_size = 0;   // bytes: 0, 1, 2, 4, 8 (moffs lives here too)
    u64 imm = 0;
    u8 imm2_size = 0;  // ENTER's second immediate
    u8 imm2 = 0;

    void add_prefix(u8 p) {
        if (prefix_count < prefixes.size()) prefixes[prefix_count++] = p;
    }
    bool uses_base() const;
    bool uses_index() const;
    // Fixes the ModRM/SIB shape (including the disp size the kind needs) and returns the
    // total length; call before emit(). 0 when longer than 15 bytes.
    unsigned layout();
    unsigned emit(std::array<u8, 15>& out) const;  // returns the length

private:
    bool needs_sib() const;
    u8 rex_byte() const;  // 0 when no REX byte is emitted
    unsigned m_len = 0;
};

}  // namespace flint::x86diff
