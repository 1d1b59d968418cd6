// MMX: the integer SIMD operations on MM0-MM7, the moves to and from them, and EMMS. The
// arithmetic is the SSE2/SSSE3 table of sse_ops.h run on the 64-bit operands placed in the
// low half of a 128-bit value; the operations whose elements cross the halves (the high
// unpacks, the packs and the horizontal ones, PSHUFB's index) are rearranged around it.
// Intel SDM vol. 1, chapter 9; vol. 2 for each instruction.
#include "x86/mmx.h"
#include "x86/sse_ops.h"

namespace flint::x86 {
namespace {

using namespace sse;

// The 64-bit form of a table operation.
u64 mmx_op(unsigned op, u64 a, u64 b) {
    switch (op) {
    // The high halves of two MMX registers interleave into the upper quadword of the
    // low-half interleave of the 128-bit form.
    case Punpckhbw: return high_half(sse_int_op(Punpcklbw, widen(a), widen(b)));
    case Punpckhwd: return high_half(sse_int_op(Punpcklwd, widen(a), widen(b)));
    case Punpckhdq: return high_half(sse_int_op(Punpckldq, widen(a), widen(b)));
    // Packs and horizontal operations take the destination's elements, then the source's:
    // with both in one 128-bit value, the low half of the 128-bit result is that order.
    case Packsswb:
    case Packuswb:
    case Packssdw:
    case Phaddw:
    case Phaddd:
    case Phaddsw:
    case Phsubw:
    case Phsubd:
    case Phsubsw: {
        const __m128i both = _mm_unpacklo_epi64(widen(a), widen(b));
        return low_half(sse_int_op(op, both, both));
    }
    // PSHUFB mm: index bits 2:0 select, bit 7 clears.
    case Pshufb: return low_half(sse_int_op(op, widen(a), widen(b & 0x8787878787878787)));
    default: return low_half(sse_int_op(op, widen(a), widen(b)));
    }
}

}  // namespace

// mm = mm op mm/m64 for every table operation. The low unpacks use only the low half of
// the source, and read only that much memory (PUNPCKLBW mm, mm/m32).
Event op_mmx_int(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    const bool half = in.ext == Punpcklbw || in.ext == Punpcklwd || in.ext == Punpckldq;
    u64 src;
    if (half && in.mem()) {
        if (!cpu.read_mem(cpu.linear(in), 4, src)) return cpu.fault();
    } else if (!read_mm_e(cpu, in, src)) {
        return cpu.fault();
    }
    set_mm(cpu, in.reg, mmx_op(in.ext, mm(cpu, in.reg), src));
    return Event::none();
}

// 0F 71/72/73 /r ib: shifts of the E register by an immediate; ext: opcode & 3.
Event op_mmx_shift_imm(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    const u8 op = kShiftImmOps[in.ext - 1][in.reg & 7];
    if (op == kNoShift) return ud();
    set_mm(cpu, in.rm, mmx_op(op, mm(cpu, in.rm), in.imm & 0xff));
    return Event::none();
}

// MOVD/MOVQ mm, r/m32|64 (0F 6E, ext 0: zero-extended) and MOVQ mm, mm/m64 (0F 6F, ext 1).
Event op_mmx_load(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    u64 v;
    if (!(in.ext ? read_mm_e(cpu, in, v) : read_e(cpu, in, v))) return cpu.fault();
    set_mm(cpu, in.reg, v);
    return Event::none();
}

// MOVD/MOVQ r/m32|64, mm (0F 7E, ext 0), MOVQ mm/m64, mm (0F 7F, ext 1) and MOVNTQ m64, mm
// (0F E7, ext 1, memory only).
Event op_mmx_store(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    const u64 v = mm(cpu, in.reg);
    if (in.ext && !in.mem()) {
        set_mm(cpu, in.rm, v);
        return Event::none();
    }
    const bool ok = in.ext ? cpu.write_mem(cpu.linear(in), 8, v) : write_e(cpu, in, v & size_mask(in.esize));
    if (!ok) return cpu.fault();
    enter_mmx(cpu);
    return Event::none();
}

// EMMS: every x87 register tagged empty, so that x87 code may follow. TOP is unchanged.
Event op_emms(Cpu& cpu, const Insn& in) {
    if (Event e = mmx_check(cpu, in); !e.ok()) return e;
    fpu(cpu).ftw = 0;
    return Event::none();
}

}  // namespace flint::x86
