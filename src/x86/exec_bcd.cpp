// Legacy decimal arithmetic on AL/AH: DAA DAS AAA AAS AAM AAD, and SALC. Intel SDM vol. 2
// "DAA", "DAS", "AAA", "AAS", "AAM", "AAD"; SALC (D6) is undocumented by Intel and
// documented by AMD only as invalid in 64-bit mode: AL = CF ? FF : 00, flags unchanged.
// All are invalid in 64-bit mode; their rows carry Inv64, so the decoder raises #UD there
// and these handlers only run in real, 16- and 32-bit modes.
//
// Undefined flags: OF after DAA/DAS; OF/SF/ZF/PF after AAA/AAS; OF/AF/CF after AAM/AAD.
// We set them as an 8-bit logic result on AL would (OF = AF = CF = 0 where undefined, SF/
// ZF/PF from AL), which is deterministic and cheap; the differential tester cannot
// compare these (it runs 64-bit code only), so there is no host behaviour to follow yet.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

enum BcdOp : unsigned { kDaa, kDas, kAaa, kAas, kAam, kAad, kSalc };

constexpr auto kRax = static_cast<u8>(Reg::Rax);

inline u64 szp(u64 al) {
    u64 f = 0;
    if ((al & 0xff) == 0) f |= rflags::ZF;
    if (al & 0x80) f |= rflags::SF;
    if ((__builtin_popcount(static_cast<unsigned>(al & 0xff)) & 1) == 0) f |= rflags::PF;
    return f;
}

constexpr u64 kArith = rflags::CF | rflags::PF | rflags::AF | rflags::ZF | rflags::SF | rflags::OF;

// DAA/DAS: decimal adjust AL after a packed-BCD addition/subtraction.
Event decimal_adjust(Cpu& cpu, bool subtract) {
    const u64 old_al = cpu.reg(kRax, 1);
    const bool old_cf = cpu.flags().cf();
    u64 al = old_al;
    bool cf = false, af = false;
    if ((old_al & 0x0f) > 9 || cpu.flags().af()) {
        cf = old_cf || (subtract ? old_al < 6 : old_al + 6 > 0xff);
        al = (subtract ? al - 6 : al + 6) & 0xff;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (subtract ? al - 0x60 : al + 0x60) & 0xff;
        cf = true;
    } else if (!subtract) {
        cf = false;  // DAA's operation clears CF here; DAS's keeps the low digit's borrow
    }
    cpu.set_reg(kRax, 1, al);
    cpu.flags().set_bits(kArith, szp(al) | (cf ? rflags::CF : 0) | (af ? rflags::AF : 0));
    return Event::none();
}

// AAA/AAS: ASCII adjust after an unpacked-BCD addition/subtraction. The adjustment is
// done on AX as a whole (current processors; the 8086 adjusted AL and AH separately).
Event ascii_adjust(Cpu& cpu, bool subtract) {
    u64 ax = cpu.reg(kRax, 2);
    const bool adjust = (ax & 0x0f) > 9 || cpu.flags().af();
    if (adjust) ax = subtract ? ax - 6 - 0x100 : ax + 0x106;
    ax = (ax & 0xff00) | (ax & 0x0f);
    cpu.set_reg(kRax, 2, ax);
    const u64 af_cf = adjust ? rflags::AF | rflags::CF : 0;
    cpu.flags().set_bits(kArith, szp(ax) | af_cf);
    return Event::none();
}

}  // namespace

// 27 DAA, 2F DAS, 37 AAA, 3F AAS, D4 AAM imm8, D5 AAD imm8, D6 SALC (ext in that order).
Event op_bcd(Cpu& cpu, const Insn& in) {
    switch (in.ext) {
    case kDaa: return decimal_adjust(cpu, false);
    case kDas: return decimal_adjust(cpu, true);
    case kAaa: return ascii_adjust(cpu, false);
    case kAas: return ascii_adjust(cpu, true);
    case kAam: {
        const u64 base = in.imm & 0xff;
        if (base == 0) return Event::exception(Vector::DE);
        const u64 al = cpu.reg(kRax, 1);
        const u64 r = al % base;
        cpu.set_reg(kRax, 2, ((al / base) << 8) | r);
        cpu.flags().set_bits(kArith, szp(r));
        return Event::none();
    }
    case kAad: {
        const u64 ax = cpu.reg(kRax, 2);
        const u64 al = ((ax & 0xff) + (ax >> 8) * (in.imm & 0xff)) & 0xff;
        cpu.set_reg(kRax, 2, al);
        cpu.flags().set_bits(kArith, szp(al));
        return Event::none();
    }
    default:  // kSalc
        cpu.set_reg(kRax, 1, cpu.flags().cf() ? 0xff : 0);
        return Event::none();
    }
}

}  // namespace flint::x86
