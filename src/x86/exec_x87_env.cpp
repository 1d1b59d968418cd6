// FNSTENV/FLDENV and FNSAVE/FRSTOR: the x87 environment (control, status and tag words,
// last instruction and operand pointers) in its four layouts — 14 bytes with a 16-bit
// operand size, 28 with 32 (and in 64-bit mode), each in a real-mode form (20/32-bit
// linear pointers with the opcode) and a protected-mode form (offsets and selectors) —
// followed by the eight registers for FNSAVE/FRSTOR. Intel SDM vol. 1, 8.1.10 and 8.1.11.
#include "x86/x87.h"

namespace flint::x86 {
namespace {

using namespace x87;

// The full tag of a non-empty register (SDM vol. 1, 8.1.7): 00 valid, 01 zero, 10 special
// (NaN, infinity, denormal, or an unsupported format such as an unnormal).
unsigned full_tag(const X87Reg& r) {
    const unsigned exp = r.sign_exp & 0x7fff;
    const bool integer_bit = r.mantissa >> 63;
    if (exp == 0) return r.mantissa == 0 ? 1 : 2;
    if (exp == 0x7fff || !integer_bit) return 2;
    return 0;
}

u16 full_tag_word(const FpuState& f) {
    u16 tw = 0;
    for (unsigned p = 0; p < 8; ++p)
        tw = static_cast<u16>(tw | ((f.ftw & (1u << p)) ? full_tag(f.st[p]) : 3u) << (2 * p));
    return tw;
}

u8 abridged(u16 tw) {
    u8 t = 0;
    for (unsigned p = 0; p < 8; ++p)
        if (((tw >> (2 * p)) & 3) != 3) t = static_cast<u8>(t | (1u << p));
    return t;
}

// The environment as words (16-bit layout) or dwords (32-bit layout): seven fields.
enum class EnvForm : u8 { Protected, Real };

// Real mode and virtual-8086 mode use the real-mode layout.
EnvForm env_form(const Cpu& cpu) {
    return cpu.mode() == CpuMode::Real || (cpu.rflags() & rflags::VM) ? EnvForm::Real : EnvForm::Protected;
}

struct Env {
    unsigned width;  // bytes per field: 2 or 4
    std::array<u32, 7> field;
};

Env build_env(const Cpu& cpu, const FpuState& f, unsigned width) {
    // In the 32-bit layouts the unused upper halves of 16-bit fields read as ones.
    const u32 pad = width == 4 ? 0xffff0000 : 0;
    Env e{width, {}};
    e.field[0] = pad | f.fcw;
    e.field[1] = pad | f.fsw;
    e.field[2] = pad | full_tag_word(f);
    if (env_form(cpu) == EnvForm::Protected) {
        e.field[3] = static_cast<u32>(f.fip);
        e.field[4] = f.fcs | (width == 4 ? u32{f.fop} << 16 : 0);
        e.field[5] = static_cast<u32>(f.fdp);
        e.field[6] = pad | f.fds;
    } else {
        // Real mode stores linear addresses: the low 16 bits, then the rest above the opcode.
        const u32 ip = static_cast<u32>(f.fip + (u32{f.fcs} << 4));
        const u32 dp = static_cast<u32>(f.fdp + (u32{f.fds} << 4));
        e.field[3] = pad | (ip & 0xffff);
        e.field[4] = ((ip >> 16) << 12) | f.fop;
        e.field[5] = pad | (dp & 0xffff);
        e.field[6] = (dp >> 16) << 12;
    }
    return e;
}

void apply_env(const Cpu& cpu, FpuState& f, const Env& e) {
    f.fcw = static_cast<u16>((e.field[0] & cw::Writable) | cw::Fixed);
    f.fsw = static_cast<u16>(e.field[1]);
    f.ftw = abridged(static_cast<u16>(e.field[2]));
    if (env_form(cpu) == EnvForm::Protected) {
        f.fip = e.field[3];
        f.fcs = static_cast<u16>(e.field[4]);
        if (e.width == 4) f.fop = static_cast<u16>((e.field[4] >> 16) & 0x7ff);
        f.fdp = e.field[5];
        f.fds = static_cast<u16>(e.field[6]);
    } else {
        f.fip = (e.field[3] & 0xffff) | ((e.field[4] >> 12) << 16);
        f.fop = static_cast<u16>(e.field[4] & 0x7ff);
        f.fdp = (e.field[5] & 0xffff) | ((e.field[6] >> 12) << 16);
        f.fcs = f.fds = 0;
    }
    update_summary(f);
}

unsigned env_width(const Insn& in) { return in.opsize == 2 ? 2 : 4; }

bool write_env(Cpu& cpu, u64 lin, const Env& e) {
    for (unsigned k = 0; k < 7; ++k)
        if (!cpu.write_mem(lin_plus(cpu, lin, k * e.width), e.width, e.field[k])) return false;
    return true;
}

bool read_env(Cpu& cpu, u64 lin, Env& e) {
    for (unsigned k = 0; k < 7; ++k) {
        u64 v;
        if (!cpu.read_mem(lin_plus(cpu, lin, k * e.width), e.width, v)) return false;
        e.field[k] = static_cast<u32>(v);
    }
    return true;
}

// FNSTENV: stores, then masks every exception (handlers run with the FPU quiet).
// FNSAVE: stores the environment and ST(0)-ST(7), then reinitialises like FNINIT.
Event store_state(Cpu& cpu, const Insn& in, bool with_registers) {
    FpuState& f = fpu_of(cpu);
    const unsigned width = env_width(in);
    const u64 lin = cpu.linear(in);
    const unsigned env_bytes = 7 * width;
    if (!cpu.probe_write(lin, env_bytes + (with_registers ? 80 : 0))) return cpu.fault();
    if (!write_env(cpu, lin, build_env(cpu, f, width))) return cpu.fault();
    if (!with_registers) {
        f.fcw |= cw::Masks;
        update_summary(f);
        return Event::none();
    }
    for (unsigned i = 0; i < 8; ++i)
        if (!write_m80(cpu, lin_plus(cpu, lin, env_bytes + 10 * i), f.st_reg(i))) return cpu.fault();
    finit(f);
    return Event::none();
}

Event load_state(Cpu& cpu, const Insn& in, bool with_registers) {
    FpuState& f = fpu_of(cpu);
    Env e{env_width(in), {}};
    const u64 lin = cpu.linear(in);
    if (!read_env(cpu, lin, e)) return cpu.fault();
    std::array<X87Reg, 8> regs{};
    if (with_registers) {
        for (unsigned i = 0; i < 8; ++i)
            if (!read_m80(cpu, lin_plus(cpu, lin, 7 * e.width + 10 * i), regs[i])) return cpu.fault();
    }
    apply_env(cpu, f, e);
    if (with_registers)
        for (unsigned i = 0; i < 8; ++i) f.st_reg(i) = regs[i];  // in the new TOP's order
    return Event::none();
}

}  // namespace

void x87::finit(FpuState& f) {
    f.fcw = cw::Default;
    f.fsw = 0;
    f.ftw = 0;
    f.fop = 0;
    f.fip = f.fdp = 0;
    f.fcs = f.fds = 0;
}

// D9 /4 FLDENV, /5 FLDCW, /6 FNSTENV, /7 FNSTCW; DD /4 FRSTOR, /6 FNSAVE, /7 FNSTSW m16.
Event x87_control_mem(Cpu& cpu, const Insn& in) {
    const unsigned op = unsigned{in.opcode()} << 4 | (in.reg & 7u);
    const bool no_wait = op == 0xd96 || op == 0xd97 || op == 0xdd6 || op == 0xdd7;
    if (Event e = begin(cpu, in, no_wait ? Kind::NoWait : Kind::Control); !e.ok()) return e;
    FpuState& f = fpu_of(cpu);
    switch (op) {
    case 0xd94: return load_state(cpu, in, false);
    case 0xd95: {
        u64 v;
        if (!cpu.read_mem(cpu.linear(in), 2, v)) return cpu.fault();
        f.fcw = static_cast<u16>((v & cw::Writable) | cw::Fixed);
        update_summary(f);
        return Event::none();
    }
    case 0xd96: return store_state(cpu, in, false);
    case 0xd97:
        if (!cpu.write_mem(cpu.linear(in), 2, f.fcw)) return cpu.fault();
        return Event::none();
    case 0xdd4: return load_state(cpu, in, true);
    case 0xdd6: return store_state(cpu, in, true);
    case 0xdd7:
        if (!cpu.write_mem(cpu.linear(in), 2, f.fsw)) return cpu.fault();
        return Event::none();
    default: return ud();
    }
}

}  // namespace flint::x86
