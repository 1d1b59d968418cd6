// x87 data movement: FLD/FST/FSTP (m32, m64, m80, ST(i)), FILD/FIST/FISTP (m16, m32,
// m64), FISTTP (SSE3), FBLD/FBSTP, the constants FLD1..FLDZ, FXCH, FCMOVcc and
// FFREE/FFREEP. Conversions run on the host (x87_host.h); 80-bit moves are plain copies.
// Intel SDM vol. 2, FLD..FXCH.
#include "x86/x87_host.h"

namespace flint::x86 {
namespace {

using namespace x87;

// Pushes what a host load produced (an m32/m64/integer/BCD conversion or a constant).
Event push_from_host(FpuState& f, HostFn fn, u64 lo = 0, u16 hi = 0) {
    if (push_overflows(f)) {
        if (stack_overflow(f)) push(f, kIndefinite);
        return Event::none();
    }
    const HostIo io = run_host(f, fn, {}, {}, lo, hi);
    set_cond(f, sw::Cond, io.cond());
    raise_flags(f, io.flags());
    // Whether the value is loaded is the host's answer: an unmasked invalid operand (an
    // SNaN) stops the load, an unmasked denormal operand does not.
    if (io.count() == 1) push(f, io.result(0));
    return Event::none();
}

Event push_value(FpuState& f, const X87Reg& v) {
    if (push_overflows(f)) {
        if (stack_overflow(f)) push(f, kIndefinite);
        return Event::none();
    }
    set_cond(f, sw::C1, 0);
    push(f, v);
    return Event::none();
}

bool write_sized(Cpu& cpu, u64 lin, unsigned bytes, u64 lo, u16 hi) {
    if (bytes == 10) return write_m80(cpu, lin, X87Reg{lo, hi});
    return cpu.write_mem(lin, bytes, lo);
}

// Converts ST(0) on the host and stores `bytes` of the result. An empty ST(0) stores the
// masked response to the stack fault (the indefinite value in the destination format).
// An unmasked exception other than precision stores nothing and does not pop.
Event store_converted(Cpu& cpu, const Insn& in, HostFn fn, unsigned bytes, bool pop_after) {
    FpuState& f = fpu_of(cpu);
    // The destination is checked first: it faults even when the store is then suppressed.
    if (!cpu.probe_write(cpu.linear(in), bytes)) return cpu.fault();
    u16 raised = 0;
    X87Reg v = f.st_reg(0);
    if (f.st_empty(0)) {
        raised = sw::IE | sw::SF;
        v = kIndefinite;
    }
    const HostIo io = run_host(f, fn, v);
    raised |= io.flags();
    const bool stored = !(raised & ~f.fcw & (sw::Exceptions & ~sw::PE));
    if (stored && !write_sized(cpu, cpu.linear(in), bytes, host_mem(io), host_mem_hi(io))) return cpu.fault();
    set_cond(f, sw::Cond, io.cond());
    if (raised & sw::SF) set_cond(f, sw::C1, 0);
    raise_flags(f, raised);
    if (stored && pop_after) pop(f);
    return Event::none();
}

// FSTP m80: a copy, no conversion.
Event store_m80(Cpu& cpu, const Insn& in) {
    FpuState& f = fpu_of(cpu);
    const bool empty = f.st_empty(0);
    if (!cpu.probe_write(cpu.linear(in), 10)) return cpu.fault();
    if (empty && !masked(f, sw::IE)) return stack_underflow(f), Event::none();
    if (!write_m80(cpu, cpu.linear(in), empty ? kIndefinite : f.st_reg(0))) return cpu.fault();
    if (empty) stack_underflow(f);
    else set_cond(f, sw::C1, 0);
    pop(f);
    return Event::none();
}

template <unsigned Bytes>
bool read_operand(Cpu& cpu, const Insn& in, u64& lo, u16& hi) {
    if constexpr (Bytes == 10) {
        X87Reg r;
        if (!read_m80(cpu, cpu.linear(in), r)) return false;
        lo = r.mantissa, hi = r.sign_exp;
        return true;
    } else {
        hi = 0;
        return cpu.read_mem(cpu.linear(in), Bytes, lo);
    }
}

template <unsigned Bytes>
Event load(Cpu& cpu, const Insn& in, HostFn fn) {
    u64 lo;
    u16 hi;
    if (!read_operand<Bytes>(cpu, in, lo, hi)) return cpu.fault();
    if (!fn) return push_value(fpu_of(cpu), X87Reg{lo, hi});
    return push_from_host(fpu_of(cpu), fn, lo, hi);
}

// FCMOVcc: DA C0/C8/D0/D8 = B, E, BE, U; DB the negations.
bool fcmov_condition(const Cpu& cpu, const Insn& in) {
    const LazyFlags& fl = cpu.flags();
    bool c = false;
    switch (in.reg & 3) {
    case 0: c = fl.cf(); break;
    case 1: c = fl.zf(); break;
    case 2: c = fl.cf() || fl.zf(); break;
    default: c = fl.pf(); break;
    }
    return in.opcode() == 0xdb ? !c : c;
}

Event fxch(FpuState& f, unsigned i) {
    if (f.st_empty(0) || f.st_empty(i)) {
        if (!stack_underflow(f)) return Event::none();
        if (f.st_empty(0)) set_st(f, 0, kIndefinite);
        if (f.st_empty(i)) set_st(f, i, kIndefinite);
    } else {
        set_cond(f, sw::C1, 0);
    }
    const X87Reg a = f.st_reg(0);
    set_st(f, 0, f.st_reg(i));
    set_st(f, i, a);
    return Event::none();
}

// FST/FSTP ST(i): a copy of ST(0), then an optional pop.
Event fst_reg(FpuState& f, unsigned i, bool pop_after) {
    if (f.st_empty(0)) {
        if (!stack_underflow(f)) return Event::none();
        set_st(f, i, kIndefinite);
    } else {
        set_cond(f, sw::C1, 0);
        set_st(f, i, f.st_reg(0));
    }
    if (pop_after) pop(f);
    return Event::none();
}

}  // namespace

// D9 /0 /2 /3, DB /0-/3 /5 /7, DD /0-/3, DF /0-/7.
Event x87_load_mem(Cpu& cpu, const Insn& in) {
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    const unsigned reg = in.reg & 7;
    switch (unsigned{in.opcode()} << 4 | reg) {
    case 0xd90: return load<4>(cpu, in, host_fld_m32);
    case 0xd92: return store_converted(cpu, in, host_fst_m32, 4, false);
    case 0xd93: return store_converted(cpu, in, host_fst_m32, 4, true);
    case 0xdb0: return load<4>(cpu, in, host_fild_m32);
    case 0xdb1: return store_converted(cpu, in, host_fisttp_m32, 4, true);
    case 0xdb2: return store_converted(cpu, in, host_fist_m32, 4, false);
    case 0xdb3: return store_converted(cpu, in, host_fist_m32, 4, true);
    case 0xdb5: return load<10>(cpu, in, nullptr);
    case 0xdb7: return store_m80(cpu, in);
    case 0xdd0: return load<8>(cpu, in, host_fld_m64);
    case 0xdd1: return store_converted(cpu, in, host_fisttp_m64, 8, true);
    case 0xdd2: return store_converted(cpu, in, host_fst_m64, 8, false);
    case 0xdd3: return store_converted(cpu, in, host_fst_m64, 8, true);
    case 0xdf0: return load<2>(cpu, in, host_fild_m16);
    case 0xdf1: return store_converted(cpu, in, host_fisttp_m16, 2, true);
    case 0xdf2: return store_converted(cpu, in, host_fist_m16, 2, false);
    case 0xdf3: return store_converted(cpu, in, host_fist_m16, 2, true);
    case 0xdf4: return load<10>(cpu, in, host_fbld);
    case 0xdf5: return load<8>(cpu, in, host_fild_m64);
    case 0xdf6: return store_converted(cpu, in, host_fbstp, 10, true);
    case 0xdf7: return store_converted(cpu, in, host_fistp_m64, 8, true);
    default: return ud();
    }
}

// D9 C0+i FLD, D9 C8+i FXCH, D9 D8+i FSTP (alias); DA/DB C0-DF FCMOVcc; DD C0+i FFREE,
// DD C8+i FXCH (alias), DD D0+i FST, DD D8+i FSTP; DF C0+i FFREEP, DF C8+i FXCH (alias),
// DF D0+i and D8+i FSTP (aliases).
Event x87_move_reg(Cpu& cpu, const Insn& in) {
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    FpuState& f = fpu_of(cpu);
    const unsigned reg = in.reg & 7, i = in.rm & 7;
    if (in.opcode() == 0xda || in.opcode() == 0xdb) {
        if (f.st_empty(0) || f.st_empty(i)) {
            if (stack_underflow(f)) set_st(f, 0, kIndefinite);
        } else if (fcmov_condition(cpu, in)) {
            set_st(f, 0, f.st_reg(i));
        }
        return Event::none();
    }
    if (reg == 1) return fxch(f, i);
    if (in.opcode() == 0xd9 && reg == 3) {
        // D9 D8+i, the undocumented FSTP alias: no stack fault (an empty ST(0) is simply
        // popped).
        if (!f.st_empty(0)) set_st(f, i, f.st_reg(0));
        set_cond(f, sw::C1, 0);
        pop(f);
        return Event::none();
    }
    if (reg >= 2) return fst_reg(f, i, in.opcode() != 0xdd || reg == 3);
    if (in.opcode() == 0xd9) {  // FLD ST(i): an empty source is reported before overflow
        if (!f.st_empty(i)) return push_value(f, f.st_reg(i));
        if (stack_underflow(f)) push(f, kIndefinite);
        return Event::none();
    }
    f.set_tag(f.phys(i), false);  // FFREE, FFREEP (C1 cleared, as the hardware does)
    set_cond(f, sw::C1, 0);
    if (in.opcode() == 0xdf) pop(f);
    return Event::none();
}

// D9 E8 FLD1, E9 FLDL2T, EA FLDL2E, EB FLDPI, EC FLDLG2, ED FLDLN2, EE FLDZ.
Event x87_constant(Cpu& cpu, const Insn& in) {
    static constexpr HostFn kConstants[] = {host_fld1, host_fldl2t, host_fldl2e, host_fldpi,
                                            host_fldlg2, host_fldln2, host_fldz};
    const unsigned k = in.rm & 7;
    if (k >= std::size(kConstants)) return ud();
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    return push_from_host(fpu_of(cpu), kConstants[k]);
}

}  // namespace flint::x86
