// The x87 subset an operating system needs before any floating-point arithmetic exists:
// initialisation, control and status words, WAIT, and the register-stack moves that only
// load constants or discard. A 64-bit kernel requires CPUID.FPU and runs FNINIT, FLDCW
// and FWAIT while it sets up the FPU; everything else in D8-DF still raises #UD until full
// x87 arithmetic arrives. Intel SDM vol. 1, chapter 8; vol. 2 (FINIT, FSTSW, FLDCW...).
#include <utility>

#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr u16 kFswTopShift = 11;
constexpr u16 kFswTop = 7u << kFswTopShift;
constexpr u16 kFswExceptions = 0x00ff;  // IE..PE, SF, ES
constexpr u16 kFswBusy = 1u << 15;
constexpr u16 kFcwDefault = 0x037f;  // all exceptions masked, 64-bit precision, nearest
// FLDCW ignores bits 6, 13-15 (reserved) and always reads bit 6 back as one.
constexpr u16 kFcwWritable = 0x1f3f;
constexpr u16 kFcwFixed = 0x0040;

// 1.0 in the 80-bit format: explicit integer bit, biased exponent 0x3fff.
constexpr X87Reg kOne{u64{1} << 63, 0x3fff};

FpuState& x87(Cpu& cpu) { return cpu.state().fpu; }

// Every x87 instruction faults with #NM while CR0.EM or CR0.TS is set (the OS emulates or
// switches FPU state lazily).
Event device_check(Cpu& cpu) {
    if (cpu.state().cr0 & (cr0::EM | cr0::TS)) return Event::exception(Vector::NM);  // no error code
    return Event::none();
}

unsigned top(const FpuState& f) { return (f.fsw & kFswTop) >> kFswTopShift; }
void set_top(FpuState& f, unsigned t) {
    f.fsw = static_cast<u16>((f.fsw & ~u32{kFswTop}) | ((t & 7) << kFswTopShift));
}

// Pushing onto a full slot is a stack overflow: with IE masked (the default) the
// hardware loads the indefinite value instead; this subset records the fault flags and
// loads the value, which is what masked code observes apart from the value itself.
void push(FpuState& f, const X87Reg& v) {
    const unsigned t = (top(f) + 7) & 7;
    if (f.ftw & (1u << t)) f.fsw |= 0x41 | 0x200;  // IE, SF, C1 = overflow
    set_top(f, t);
    f.st[t] = v;
    f.ftw = static_cast<u8>(f.ftw | (1u << t));
}

void pop(FpuState& f) {
    const unsigned t = top(f);
    f.ftw = static_cast<u8>(f.ftw & ~(1u << t));
    set_top(f, t + 1);
}

void finit(FpuState& f) {
    f.fcw = kFcwDefault;
    f.fsw = 0;
    f.ftw = 0;
    f.fop = 0;
    f.fip = f.fdp = 0;
    f.fcs = f.fds = 0;
}

u16 status_word(const FpuState& f) {
    // ES summarises unmasked pending exceptions, B mirrors it (SDM 8.1.3).
    u16 sw = f.fsw;
    if (sw & ~f.fcw & 0x3f) sw |= 0x80 | kFswBusy;
    return sw;
}

// D9 with a memory operand: /5 FLDCW, /7 FNSTCW.
Event d9_mem(Cpu& cpu, const Insn& in) {
    FpuState& f = x87(cpu);
    switch (in.reg & 7) {
    case 5: {
        u64 v;
        if (!cpu.read_mem(cpu.linear(in), 2, v)) return cpu.fault();
        f.fcw = static_cast<u16>((v & kFcwWritable) | kFcwFixed);
        return Event::none();
    }
    case 7:
        if (!cpu.write_mem(cpu.linear(in), 2, f.fcw)) return cpu.fault();
        return Event::none();
    default: return ud();
    }
}

// D9 register forms: C0+i FLD ST(i), C8+i FXCH, D0 FNOP, E8 FLD1, EE FLDZ.
Event d9_reg(Cpu& cpu, const Insn& in) {
    FpuState& f = x87(cpu);
    const unsigned sub = in.reg & 7, i = in.rm & 7;
    switch (sub) {
    case 0: {  // FLD ST(i): copies a register that may itself be empty
        const X87Reg v = f.st[(top(f) + i) & 7];
        push(f, v);
        return Event::none();
    }
    case 1: {  // FXCH ST(i)
        const unsigned a = top(f), b = (top(f) + i) & 7;
        std::swap(f.st[a], f.st[b]);
        const bool ta = f.ftw & (1u << a), tb = f.ftw & (1u << b);
        f.ftw = static_cast<u8>((f.ftw & ~((1u << a) | (1u << b))) | (tb ? 1u << a : 0) | (ta ? 1u << b : 0));
        return Event::none();
    }
    case 2:
        if (i == 0) return Event::none();  // FNOP
        return ud();
    case 5:
        if (i == 0) {
            push(f, kOne);
            return Event::none();
        }
        if (i == 6) {
            push(f, X87Reg{});
            return Event::none();
        }
        return ud();
    default: return ud();
    }
}

// DB: E2 FNCLEX, E3 FNINIT; E0/E1/E4 are the 8087/287 FENI/FDISI/FSETPM, no-ops since.
Event db_reg(Cpu& cpu, const Insn& in) {
    FpuState& f = x87(cpu);
    if ((in.reg & 7) != 4) return ud();
    switch (in.rm & 7) {
    case 0:
    case 1:
    case 4: return Event::none();
    case 2: f.fsw = static_cast<u16>(f.fsw & ~u32{kFswExceptions | kFswBusy}); return Event::none();
    case 3: finit(f); return Event::none();
    default: return ud();
    }
}

// DD: /7 FNSTSW m16; register forms C0+i FFREE, D8+i FSTP ST(i).
Event dd(Cpu& cpu, const Insn& in) {
    FpuState& f = x87(cpu);
    const unsigned sub = in.reg & 7;
    if (in.mem()) {
        if (sub != 7) return ud();
        if (!cpu.write_mem(cpu.linear(in), 2, status_word(f))) return cpu.fault();
        return Event::none();
    }
    const unsigned i = in.rm & 7;
    switch (sub) {
    case 0:  // FFREE ST(i)
        f.ftw = static_cast<u8>(f.ftw & ~(1u << ((top(f) + i) & 7)));
        return Event::none();
    case 3: {  // FSTP ST(i)
        const unsigned t = top(f);
        f.st[(t + i) & 7] = f.st[t];
        if (f.ftw & (1u << t)) f.ftw = static_cast<u8>(f.ftw | (1u << ((t + i) & 7)));
        pop(f);
        return Event::none();
    }
    default: return ud();
    }
}

// DF E0: FNSTSW AX.
Event df_reg(Cpu& cpu, const Insn& in) {
    if ((in.reg & 7) != 4 || (in.rm & 7) != 0) return ud();
    cpu.set_reg(static_cast<u8>(Reg::Rax), 2, status_word(x87(cpu)));
    return Event::none();
}

}  // namespace

Event op_x87_min(Cpu& cpu, const Insn& in) {
    if (Event e = device_check(cpu); !e.ok()) return e;
    switch (in.opcode()) {
    case 0xd9: return in.mem() ? d9_mem(cpu, in) : d9_reg(cpu, in);
    case 0xdb: return in.mem() ? ud() : db_reg(cpu, in);
    case 0xdd: return dd(cpu, in);
    case 0xdf: return in.mem() ? ud() : df_reg(cpu, in);
    default: return ud();
    }
}

// WAIT/FWAIT: #NM only when both MP and TS are set; it would also deliver a pending
// unmasked x87 exception (#MF), which this subset never raises.
Event op_fwait(Cpu& cpu, const Insn&) {
    if ((cpu.state().cr0 & (cr0::MP | cr0::TS)) == (cr0::MP | cr0::TS)) return Event::exception(Vector::NM);
    return Event::none();
}

}  // namespace flint::x86
