// Data movement: MOV in all forms, MOVZX/MOVSX/MOVSXD, LEA, the sign-extension family,
// XLAT, MOVBE, segment-register moves, LAHF/SAHF.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr auto kRax = static_cast<u8>(Reg::Rax);
constexpr auto kRdx = static_cast<u8>(Reg::Rdx);
constexpr auto kAh = static_cast<u8>(kHighByteReg + 0);
constexpr u64 kLahfFlags = rflags::SF | rflags::ZF | rflags::AF | rflags::PF | rflags::CF;

u64 byte_swap(u64 v, unsigned size) {
    switch (size) {
    case 2: return __builtin_bswap16(static_cast<u16>(v));
    case 4: return __builtin_bswap32(static_cast<u32>(v));
    default: return __builtin_bswap64(v);
    }
}

}  // namespace

// 88-8B, A0-A3 (moffs), B0-BF (imm into register), C6/C7 (imm into E).
Event op_mov(Cpu& cpu, const Insn& in) {
    if (in.has(insn_flags::Rev)) {
        u64 v;
        if (!read_e(cpu, in, v)) return cpu.fault();
        write_g(cpu, in, v);
        return Event::none();
    }
    if (!write_e(cpu, in, read_src_g_or_imm(cpu, in))) return cpu.fault();
    return Event::none();
}

Event op_movzx(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    write_g(cpu, in, v);
    return Event::none();
}

// MOVSX and MOVSXD (63): E is narrower than (or, for MOVSXD without REX.W, as wide as) G.
Event op_movsx(Cpu& cpu, const Insn& in) {
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    write_g(cpu, in, sign_extend(v, in.esize));
    return Event::none();
}

Event op_lea(Cpu& cpu, const Insn& in) {
    write_g(cpu, in, cpu.effective_address(in));  // no segment, no memory access
    return Event::none();
}

// CBW / CWDE / CDQE: sign-extend the lower half of the accumulator into all of it.
Event op_cbw(Cpu& cpu, const Insn& in) {
    const unsigned half = in.opsize / 2;
    cpu.set_reg(kRax, in.opsize, sign_extend(cpu.reg(kRax, half), half));
    return Event::none();
}

// CWD / CDQ / CQO: rDX = all copies of rAX's sign bit.
Event op_cwd(Cpu& cpu, const Insn& in) {
    const u64 a = cpu.reg(kRax, in.opsize);
    const bool negative = (a >> (in.opsize * 8 - 1)) & 1;
    cpu.set_reg(kRdx, in.opsize, negative ? ~u64{0} : 0);
    return Event::none();
}

Event op_xlat(Cpu& cpu, const Insn& in) {
    const u64 offset = (cpu.gpr(static_cast<unsigned>(Reg::Rbx)) + cpu.reg(kRax, 1)) & size_mask(in.addrsize);
    u64 v;
    if (!cpu.read_mem(cpu.linear(in.seg, offset), 1, v)) return cpu.fault();
    cpu.set_reg(kRax, 1, v);
    return Event::none();
}

// 0F 38 F0 loads (G_M, Rev), 0F 38 F1 stores; both byte-reverse.
Event op_movbe(Cpu& cpu, const Insn& in) {
    if (in.has(insn_flags::Rev)) {
        u64 v;
        if (!read_e(cpu, in, v)) return cpu.fault();
        write_g(cpu, in, byte_swap(v, in.opsize));
        return Event::none();
    }
    if (!write_e(cpu, in, byte_swap(read_g(cpu, in), in.opsize))) return cpu.fault();
    return Event::none();
}

// 8C: to a register the selector is zero-extended to the operand size; to memory it is
// always a 16-bit store.
Event op_mov_from_seg(Cpu& cpu, const Insn& in) {
    const unsigned s = in.reg & 7;
    if (s >= kSegCount) return ud();
    const u16 sel = cpu.state().seg[s].selector;
    if (in.mem()) {
        if (!cpu.write_mem(cpu.linear(in), 2, sel)) return cpu.fault();
    } else {
        cpu.set_reg(in.rm, in.opsize, sel);
    }
    return Event::none();
}

// 8E. Loading SS also holds off interrupts for one instruction (load_segment).
Event op_mov_to_seg(Cpu& cpu, const Insn& in) {
    const unsigned s = in.reg & 7;
    if (s >= kSegCount || s == static_cast<unsigned>(Seg::Cs)) return ud();
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    if (!cpu.load_segment(static_cast<Seg>(s), static_cast<u16>(v))) return cpu.fault();
    return Event::none();
}

// LDS/LES (C5/C4, not in 64-bit mode), LSS/LFS/LGS (0F B2/B4/B5); ext names the segment
// register. The far pointer in memory is the offset then the selector; the register is
// written only after the segment load succeeded.
Event op_load_far_ptr(Cpu& cpu, const Insn& in) {
    u64 off, sel;
    if (!cpu.read_mem(cpu.linear(in), in.opsize, off) ||
        !cpu.read_mem(cpu.linear(in.seg, cpu.effective_address(in) + in.opsize), 2, sel))
        return cpu.fault();
    if (!cpu.load_segment(static_cast<Seg>(in.ext), static_cast<u16>(sel))) return cpu.fault();
    write_g(cpu, in, off);
    return Event::none();
}

// 63 outside 64-bit mode: ARPL r/m16, r16 raises the destination selector's RPL to the
// source's, setting ZF when it did. Protected mode only.
Event op_movsxd_arpl(Cpu& cpu, const Insn& in) {
    if (cpu.mode() == CpuMode::Long64) return op_movsx(cpu, in);
    if (cpu.mode() == CpuMode::Real) return ud();
    u64 lin = 0, dst;
    if (in.mem()) {
        lin = cpu.linear(in);
        if (!cpu.read_mem(lin, 2, dst)) return cpu.fault();
    } else {
        dst = cpu.reg(in.rm, 2);
    }
    const u64 src_rpl = cpu.reg(in.reg, 2) & selector::Rpl;
    const bool raise_rpl = (dst & selector::Rpl) < src_rpl;
    if (raise_rpl) {
        dst = (dst & ~u64{selector::Rpl}) | src_rpl;
        if (!in.mem())
            cpu.set_reg(in.rm, 2, dst);
        else if (!cpu.write_mem(lin, 2, dst))
            return cpu.fault();
    }
    cpu.flags().set_flag(rflags::ZF, raise_rpl);
    return Event::none();
}

Event op_lahf(Cpu& cpu, const Insn&) {
    cpu.set_reg(kAh, 1, (cpu.rflags() & kLahfFlags) | rflags::Fixed1);
    return Event::none();
}

Event op_sahf(Cpu& cpu, const Insn&) {
    cpu.flags().set_bits(kLahfFlags, cpu.reg(kAh, 1));
    return Event::none();
}

}  // namespace flint::x86
