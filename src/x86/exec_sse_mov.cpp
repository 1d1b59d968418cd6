// SSE/SSE2 data movement: full-register loads and stores (aligned and not, non-temporal),
// scalar and half-register moves, MOVD/MOVQ between XMM and general registers, MOVNTI
// and MASKMOVDQU. Non-temporal hints mean nothing to an interpreter: they are plain moves.
#include "x86/sse.h"

namespace flint::x86 {
namespace {

Align align_of(const Insn& in) { return in.ext & 1 ? Align::Sixteen : Align::Any; }

}  // namespace

// MOVUPS/MOVUPD/MOVDQU (ext 0) and MOVAPS/MOVAPD/MOVDQA (ext 1): xmm <- xmm/m128.
Event op_sse_load(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm v;
    if (!read_xmm_e(cpu, in, 16, align_of(in), v)) return cpu.fault();
    xmm(cpu, in.reg) = v;
    return Event::none();
}

// The stores, including MOVNTPS/MOVNTPD/MOVNTDQ (memory only, aligned): xmm/m128 <- xmm.
Event op_sse_store(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const Xmm v = xmm(cpu, in.reg);
    if (!in.mem()) {
        xmm(cpu, in.rm) = v;
        return Event::none();
    }
    if (!write_m128(cpu, cpu.linear(in), align_of(in), v)) return cpu.fault();
    return Event::none();
}

// MOVSS (ext 4) / MOVSD (ext 8) load: between registers only the low element moves; from
// memory the element is zero-extended to the whole register.
Event op_movss_load(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm& dst = xmm(cpu, in.reg);
    if (!in.mem()) {
        const Xmm src = xmm(cpu, in.rm);
        if (in.ext == 4) dst.set<u32>(0, src.get<u32>(0));
        else dst.q[0] = src.q[0];
        return Event::none();
    }
    u64 v;
    if (!cpu.read_mem(cpu.linear(in), in.ext, v)) return cpu.fault();
    dst.q = {v, 0};
    return Event::none();
}

// MOVSS (ext 4) / MOVSD (ext 8) store: xmm/m32|64 <- xmm, the low element only.
Event op_movss_store(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const Xmm src = xmm(cpu, in.reg);
    if (!in.mem()) {
        Xmm& dst = xmm(cpu, in.rm);
        if (in.ext == 4) dst.set<u32>(0, src.get<u32>(0));
        else dst.q[0] = src.q[0];
        return Event::none();
    }
    if (!cpu.write_mem(cpu.linear(in), in.ext, in.ext == 4 ? src.get<u32>(0) : src.q[0])) return cpu.fault();
    return Event::none();
}

// 0F 12 / 0F 16 (and their 66 forms, memory only): ext 0 loads the low quadword (MOVLPS,
// MOVLPD; register form MOVHLPS takes the source's high half), ext 1 the high quadword
// (MOVHPS, MOVHPD; register form MOVLHPS takes the source's low half).
Event op_movlh_load(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    u64 v;
    if (!in.mem()) v = xmm(cpu, in.rm).q[in.ext ^ 1];
    else if (!cpu.read_mem(cpu.linear(in), 8, v)) return cpu.fault();
    xmm(cpu, in.reg).q[in.ext] = v;
    return Event::none();
}

// 0F 13 / 0F 17 (MOVLPS/MOVLPD, MOVHPS/MOVHPD stores, memory only): ext selects the half.
Event op_movlh_store(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    if (!cpu.write_mem(cpu.linear(in), 8, xmm(cpu, in.reg).q[in.ext & 1])) return cpu.fault();
    return Event::none();
}

// MOVD/MOVQ xmm, r/m32|64 (66 0F 6E): zero-extended into the whole register.
Event op_movd_load(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    xmm(cpu, in.reg).q = {v, 0};
    return Event::none();
}

// MOVD/MOVQ r/m32|64, xmm (66 0F 7E).
Event op_movd_store(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    if (!write_e(cpu, in, xmm(cpu, in.reg).q[0] & size_mask(in.esize))) return cpu.fault();
    return Event::none();
}

// MOVQ xmm, xmm/m64 (F3 0F 7E): the low quadword, upper half cleared.
Event op_movq_load(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm v;
    if (!read_xmm_e(cpu, in, 8, Align::Any, v)) return cpu.fault();
    xmm(cpu, in.reg).q = {v.q[0], 0};
    return Event::none();
}

// MOVQ xmm/m64, xmm (66 0F D6): a register destination gets its upper half cleared.
Event op_movq_store(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const u64 v = xmm(cpu, in.reg).q[0];
    if (!in.mem()) {
        xmm(cpu, in.rm).q = {v, 0};
        return Event::none();
    }
    if (!cpu.write_mem(cpu.linear(in), 8, v)) return cpu.fault();
    return Event::none();
}

// SSE3 duplicating loads. ext: 0 MOVDDUP (low quadword twice, m64), 1 MOVSLDUP (even
// dwords), 2 MOVSHDUP (odd dwords); the last two take an aligned m128.
Event op_movdup(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    Xmm s;
    if (!read_xmm_e(cpu, in, in.ext == 0 ? 8 : 16, Align::Sixteen, s)) return cpu.fault();
    Xmm r;
    if (in.ext == 0) {
        r.q = {s.q[0], s.q[0]};
    } else {
        const unsigned odd = in.ext - 1u;
        for (unsigned i = 0; i < 4; ++i) r.set<u32>(i, s.get<u32>((i & ~1u) + odd));
    }
    xmm(cpu, in.reg) = r;
    return Event::none();
}

// MOVNTI m32|64, r32|64: a general-register store; touches no SSE state, so no CR checks.
Event op_movnti(Cpu& cpu, const Insn& in) {
    if (!cpu.write_mem(cpu.linear(in), in.opsize, cpu.reg(in.reg, in.opsize))) return cpu.fault();
    return Event::none();
}

// The whole `width`-byte destination is checked first, as the hardware does whatever the
// mask, so that a fault leaves memory unchanged.
bool masked_store(Cpu& cpu, const Insn& in, const Xmm& data, unsigned mask, unsigned width) {
    const u64 base = cpu.gpr(static_cast<unsigned>(Reg::Rdi)) & size_mask(in.addrsize);
    if (!cpu.probe_write(cpu.linear(in.seg, base), width)) return false;
    for (unsigned i = 0; i < width; ++i) {
        if (!((mask >> i) & 1)) continue;
        const u64 at = cpu.linear(in.seg, (base + i) & size_mask(in.addrsize));
        if (!cpu.write_mem(at, 1, data.get<u8>(i))) return false;
    }
    return true;
}

// MASKMOVDQU xmm1, xmm2: stores the bytes of xmm1 whose mask byte in xmm2 has its top bit
// set to DS:rDI (segment overridable).
Event op_maskmovdqu(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(to_m128i(xmm(cpu, in.rm))));
    if (!masked_store(cpu, in, xmm(cpu, in.reg), mask, 16)) return cpu.fault();
    return Event::none();
}

}  // namespace flint::x86
