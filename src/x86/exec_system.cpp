// System instructions: control and debug registers, MSRs, descriptor-table registers,
// LLDT/LTR, INVLPG, SWAPGS, SYSCALL/SYSRET, SYSENTER/SYSEXIT, cache control and fences.
// Privileged ones raise #GP(0) above CPL 0 (SDM vol. 3 section 5.9).
#include "x86/descriptors.h"
#include "x86/exec.h"
#include "x86/msr.h"

namespace flint::x86 {
namespace {

constexpr auto kRax = static_cast<u8>(Reg::Rax);
constexpr auto kRcx = static_cast<u8>(Reg::Rcx);
constexpr auto kRdx = static_cast<u8>(Reg::Rdx);
constexpr auto kR11 = static_cast<u8>(Reg::R11);
constexpr auto kRsp = static_cast<u8>(Reg::Rsp);

bool privileged(const Cpu& cpu) { return cpu.cpl() != 0; }
Event gp0() { return raise(Vector::GP, 0); }

// The flat segments SYSCALL/SYSRET/SYSENTER/SYSEXIT load without reading the GDT.
constexpr u16 kFlatCode = 0xb | seg_attr::S | seg_attr::Present | seg_attr::Gran;  // exec/read, accessed
constexpr u16 kFlatData = 0x3 | seg_attr::S | seg_attr::Present | seg_attr::Gran | seg_attr::DefBig;
SegmentState flat(u16 sel, u16 attr, unsigned dpl) {
    return SegmentState{sel, 0, 0xffffffff, static_cast<u16>(attr | (dpl << seg_attr::DplShift))};
}

// Descriptor-table register image: limit then base (8 bytes of base in 64-bit mode).
Event store_dtr(Cpu& cpu, const Insn& in, const DescriptorTable& t) {
    const u64 lin = cpu.linear(in);
    const unsigned base_size = cpu.mode() == CpuMode::Long64 ? 8 : 4;
    if (!cpu.probe_write(lin, 2) || !cpu.write_mem(lin, 2, t.limit) ||
        !cpu.write_mem(cpu.linear(in.seg, cpu.effective_address(in) + 2), base_size, t.base))
        return cpu.fault();
    return Event::none();
}

Event load_dtr(Cpu& cpu, const Insn& in, DescriptorTable& t) {
    if (privileged(cpu)) return gp0();
    u64 limit, base;
    const unsigned base_size = cpu.mode() == CpuMode::Long64 ? 8 : 4;
    if (!cpu.read_mem(cpu.linear(in), 2, limit) ||
        !cpu.read_mem(cpu.linear(in.seg, cpu.effective_address(in) + 2), base_size, base))
        return cpu.fault();
    if (base_size == 8 && !Cpu::canonical(base)) return gp0();
    if (in.opsize == 2 && base_size == 4) base &= 0xffffff;
    t = DescriptorTable{base, static_cast<u16>(limit)};
    return Event::none();
}

void write_edx_eax(Cpu& cpu, u64 v) {
    cpu.set_reg(kRax, 4, v & 0xffffffff);
    cpu.set_reg(kRdx, 4, v >> 32);
}

// Reads a system descriptor (LDT, TSS) for LLDT/LTR: 16 bytes in long mode.
bool read_system_descriptor(Cpu& cpu, u16 sel, Descriptor& d, u64& base) {
    if (sel & selector::Ti) return cpu.fail(Event::exception(Vector::GP, selector_error(sel)));
    if (!cpu.read_descriptor(sel, d.lo, d.hi)) return false;
    base = d.base();
    if (cpu.state().efer & efer::LMA) {
        u32 upper, unused;
        if (!cpu.read_descriptor(static_cast<u16>(sel + 8), upper, unused)) return false;
        base |= u64{upper} << 32;
    }
    return true;
}

}  // namespace

// 0F 20 / 0F 22: MOV r, CRn / MOV CRn, r. ModRM.reg (+REX.R) names the register.
Event op_mov_cr(Cpu& cpu, const Insn& in) {
    const unsigned n = in.reg;
    if (n != 0 && n != 2 && n != 3 && n != 4 && n != 8) return ud();
    if (privileged(cpu)) return gp0();
    if (in.opcode() == 0x20) {
        cpu.set_reg(in.rm, in.opsize, cpu.read_cr(n));
        return Event::none();
    }
    if (!cpu.write_cr(n, cpu.reg(in.rm, in.opsize))) return cpu.fault();
    return Event::none();
}

// 0F 21 / 0F 23: debug registers are stored, never acted on (no breakpoints).
// DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD.
Event op_mov_dr(Cpu& cpu, const Insn& in) {
    unsigned n = in.reg;
    if (n > 7) return ud();
    if (n == 4 || n == 5) {
        if (cpu.state().cr4 & cr4::DE) return ud();
        n += 2;
    }
    if (privileged(cpu)) return gp0();
    auto& dr = cpu.state().dr;
    if (in.opcode() == 0x21) {
        cpu.set_reg(in.rm, in.opsize, dr[n]);
        return Event::none();
    }
    const u64 v = cpu.reg(in.rm, in.opsize);
    if (n >= 6 && (v >> 32) != 0) return gp0();
    constexpr u64 kDr6Fixed = 0xffff0ff0, kDr7Fixed = 0x400;
    dr[n] = n == 6 ? v | kDr6Fixed : n == 7 ? v | kDr7Fixed : v;
    return Event::none();
}

Event op_clts(Cpu& cpu, const Insn&) {
    if (privileged(cpu)) return gp0();
    cpu.state().cr0 &= ~cr0::TS;
    return Event::none();
}

Event op_rdmsr(Cpu& cpu, const Insn&) {
    if (privileged(cpu)) return gp0();
    u64 v;
    if (!cpu.read_msr(static_cast<u32>(cpu.gpr(kRcx)), v)) return cpu.fault();
    write_edx_eax(cpu, v);
    return Event::none();
}

Event op_wrmsr(Cpu& cpu, const Insn&) {
    if (privileged(cpu)) return gp0();
    const u64 v = (cpu.gpr(kRdx) << 32) | (cpu.gpr(kRax) & 0xffffffff);
    if (!cpu.write_msr(static_cast<u32>(cpu.gpr(kRcx)), v)) return cpu.fault();
    return Event::none();
}

// INVD, WBINVD: there are no caches to flush.
Event op_cache_flush(Cpu& cpu, const Insn&) { return privileged(cpu) ? gp0() : Event::none(); }

Event op_hlt(Cpu& cpu, const Insn&) {
    if (!cpu.halt()) return cpu.fault();
    return Event::halt();
}

// 0F 01.
Event op_group7(Cpu& cpu, const Insn& in) {
    CpuState& st = cpu.state();
    if (in.mem()) {
        switch (in.ext) {
        case 0: return store_dtr(cpu, in, st.gdtr);
        case 1: return store_dtr(cpu, in, st.idtr);
        case 2: return load_dtr(cpu, in, st.gdtr);
        case 3: return load_dtr(cpu, in, st.idtr);
        case 4:
            if (!cpu.write_mem(cpu.linear(in), 2, st.cr0 & 0xffff)) return cpu.fault();
            return Event::none();
        case 6: {
            if (privileged(cpu)) return gp0();
            u64 v;
            if (!cpu.read_mem(cpu.linear(in), 2, v)) return cpu.fault();
            // LMSW writes PE/MP/EM/TS only and can set PE but never clear it.
            constexpr u64 kMsw = cr0::PE | cr0::MP | cr0::EM | cr0::TS;
            if (!cpu.write_cr(0, (st.cr0 & ~(kMsw & ~cr0::PE)) | (v & kMsw))) return cpu.fault();
            return Event::none();
        }
        case 7:
            if (privileged(cpu)) return gp0();
            cpu.invlpg(cpu.linear_unchecked(in));
            return Event::none();
        default: return ud();
        }
    }
    const unsigned rm = in.rm & 7;
    switch (in.ext) {
    case 4: cpu.set_reg(in.rm, in.opsize, st.cr0); return Event::none();
    case 6: {
        if (privileged(cpu)) return gp0();
        constexpr u64 kMsw = cr0::PE | cr0::MP | cr0::EM | cr0::TS;
        if (!cpu.write_cr(0, (st.cr0 & ~(kMsw & ~cr0::PE)) | (cpu.reg(in.rm, 2) & kMsw))) return cpu.fault();
        return Event::none();
    }
    case 7:
        if (rm == 0) {  // SWAPGS
            if (cpu.mode() != CpuMode::Long64) return ud();
            if (privileged(cpu)) return gp0();
            SegmentState gs = st.seg[static_cast<unsigned>(Seg::Gs)];
            std::swap(gs.base, st.msr.kernel_gs_base);
            cpu.set_segment(Seg::Gs, gs);
            return Event::none();
        }
        if (rm == 1) {  // RDTSCP
            if ((st.cr4 & cr4::TSD) && privileged(cpu)) return gp0();
            write_edx_eax(cpu, cpu.tsc());
            cpu.set_reg(kRcx, 4, cpu.tsc_aux());
            return Event::none();
        }
        return ud();
    default: return ud();  // VMX, MONITOR/MWAIT, CLAC/STAC, XGETBV...: not implemented
    }
}

// 0F 00: SLDT, STR, LLDT, LTR (VERR/VERW stay unimplemented). Not in real mode.
Event op_group6(Cpu& cpu, const Insn& in) {
    if (!(cpu.state().cr0 & cr0::PE)) return ud();
    CpuState& st = cpu.state();
    if (in.ext == 0 || in.ext == 1) {
        const u16 sel = in.ext == 0 ? st.ldtr.selector : st.tr.selector;
        if (in.mem()) {
            if (!cpu.write_mem(cpu.linear(in), 2, sel)) return cpu.fault();
        } else {
            cpu.set_reg(in.rm, in.opsize, sel);
        }
        return Event::none();
    }
    if (privileged(cpu)) return gp0();
    u64 v;
    if (!read_e(cpu, in, v)) return cpu.fault();
    const auto sel = static_cast<u16>(v);
    if (in.ext == 2 && (sel & (selector::Index | selector::Ti)) == 0) {
        st.ldtr = SegmentState{sel, 0, 0, 0};  // null: unusable
        return Event::none();
    }
    Descriptor d;
    u64 base;
    if ((sel & selector::Index) == 0) return gp0();
    if (!read_system_descriptor(cpu, sel, d, base)) return cpu.fault();
    const u32 want = in.ext == 2 ? desc::Ldt : desc::TssAvailable;
    if (!d.system() || d.type() != want) return raise(Vector::GP, selector_error(sel));
    if (!d.present()) return raise(Vector::NP, selector_error(sel));
    SegmentState s{sel, base, d.limit(), d.attr()};
    if (in.ext == 2) {
        st.ldtr = s;
        return Event::none();
    }
    // LTR marks the TSS busy in its descriptor.
    constexpr u32 kBusyBit = (desc::TssBusy ^ desc::TssAvailable) << 8;
    if (!cpu.write_descriptor_hi(sel, d.hi | kBusyBit)) return cpu.fault();
    s.attr = static_cast<u16>(s.attr | (desc::TssBusy ^ desc::TssAvailable));
    st.tr = s;
    return Event::none();
}

// 0F AE: the fences (register forms /5 /6 /7). One vCPU executes in order, but the vCPUs
// of an SMP guest are host threads whose stores the host may hold in its store buffer:
// MFENCE orders them against later loads with a host fence, as the guest asked. LFENCE
// and SFENCE order nothing the host's TSO does not already. CLFLUSH (/7 memory) has no
// cache to flush, but translates its address like a byte load and faults as one would.
Event op_group15(Cpu& cpu, const Insn& in) {
    if (!in.mem() && in.ext >= 5) {
        if (in.ext == 6) __atomic_thread_fence(__ATOMIC_SEQ_CST);
        return Event::none();
    }
    if (in.mem() && in.ext == 7 && !in.has(insn_flags::OpSize)) {
        u64 unused;
        if (!cpu.read_mem(cpu.linear(in), 1, unused)) return cpu.fault();
        return Event::none();
    }
    return ud();  // FXSAVE/FXRSTOR/LDMXCSR/STMXCSR/XSAVE...: with the FPU/SSE work
}

// SYSCALL (64-bit mode, AMD APM vol. 3): RCX = return RIP, R11 = RFLAGS, flat CPL 0
// segments from STAR[47:32], RIP from LSTAR, RFLAGS masked by SFMASK.
Event op_syscall(Cpu& cpu, const Insn&) {
    CpuState& st = cpu.state();
    if (!(st.efer & efer::SCE) || cpu.mode() != CpuMode::Long64) return ud();
    const auto sel = static_cast<u16>((st.msr.star >> 32) & 0xfffc);
    cpu.set_reg(kRcx, 8, cpu.rip());
    cpu.set_reg(kR11, 8, cpu.rflags() & ~rflags::RF);
    cpu.set_segment(Seg::Ss, flat(static_cast<u16>(sel + 8), kFlatData, 0));
    cpu.set_segment(Seg::Cs, flat(sel, kFlatCode | seg_attr::Long, 0));
    cpu.set_rflags(cpu.rflags() & ~(st.msr.sfmask | rflags::RF));
    cpu.jump(st.msr.lstar, 8);
    return Event::none();
}

// SYSRET: back to CPL 3, 64-bit code with REX.W (STAR[63:48] + 16) or compatibility
// mode (STAR[63:48]); SS = STAR[63:48] + 8. RFLAGS from R11.
Event op_sysret(Cpu& cpu, const Insn& in) {
    CpuState& st = cpu.state();
    if (!(st.efer & efer::SCE) || cpu.mode() != CpuMode::Long64) return ud();
    if (privileged(cpu)) return gp0();
    const bool to64 = in.has(insn_flags::RexW);
    const u64 target = to64 ? cpu.gpr(kRcx) : cpu.gpr(kRcx) & 0xffffffff;
    if (!Cpu::canonical(target)) return gp0();
    const auto base = static_cast<u16>(st.msr.star >> 48);
    const u16 cs = static_cast<u16>((to64 ? base + 16 : base) | 3);
    cpu.set_rflags((cpu.gpr(kR11) & ~(rflags::RF | rflags::VM)) | rflags::Fixed1);
    cpu.set_segment(Seg::Ss, flat(static_cast<u16>((base + 8) | 3), kFlatData, 3));
    cpu.set_segment(Seg::Cs, flat(cs, to64 ? kFlatCode | seg_attr::Long : kFlatCode | seg_attr::DefBig, 3));
    st.rip = target;
    return Event::none();
}

// SYSENTER: flat CPL 0 segments from SYSENTER_CS, stack and entry from the MSRs.
Event op_sysenter(Cpu& cpu, const Insn&) {
    CpuState& st = cpu.state();
    if (!(st.cr0 & cr0::PE)) return gp0();
    const auto sel = static_cast<u16>(st.msr.sysenter_cs & 0xfffc);
    if (sel == 0) return gp0();
    const bool lma = st.efer & efer::LMA;
    cpu.set_rflags(cpu.rflags() & ~(rflags::VM | rflags::IF | rflags::RF));
    cpu.set_segment(Seg::Ss, flat(static_cast<u16>(sel + 8), kFlatData, 0));
    cpu.set_segment(Seg::Cs, flat(sel, lma ? kFlatCode | seg_attr::Long : kFlatCode | seg_attr::DefBig, 0));
    cpu.set_reg(kRsp, 8, lma ? st.msr.sysenter_esp : st.msr.sysenter_esp & 0xffffffff);
    st.rip = lma ? st.msr.sysenter_eip : st.msr.sysenter_eip & 0xffffffff;
    return Event::none();
}

// SYSEXIT: to CPL 3 at RDX with stack RCX; 64-bit with REX.W (SYSENTER_CS + 32).
Event op_sysexit(Cpu& cpu, const Insn& in) {
    CpuState& st = cpu.state();
    const auto base = static_cast<u16>(st.msr.sysenter_cs & 0xfffc);
    if (!(st.cr0 & cr0::PE) || base == 0 || privileged(cpu)) return gp0();
    const bool to64 = in.has(insn_flags::RexW);
    const u64 rip = to64 ? cpu.gpr(kRdx) : cpu.gpr(kRdx) & 0xffffffff;
    const u64 rsp = to64 ? cpu.gpr(kRcx) : cpu.gpr(kRcx) & 0xffffffff;
    if (to64 && (!Cpu::canonical(rip) || !Cpu::canonical(rsp))) return gp0();
    const auto cs = static_cast<u16>((to64 ? base + 32 : base + 16) | 3);
    cpu.set_segment(Seg::Ss, flat(static_cast<u16>((to64 ? base + 40 : base + 24) | 3), kFlatData, 3));
    cpu.set_segment(Seg::Cs, flat(cs, to64 ? kFlatCode | seg_attr::Long : kFlatCode | seg_attr::DefBig, 3));
    cpu.set_reg(kRsp, 8, rsp);
    st.rip = rip;
    return Event::none();
}

}  // namespace flint::x86
