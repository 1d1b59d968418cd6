// The D9 E0-FF operations on the top of the stack: FCHS FABS FTST FXAM, F2XM1 FYL2X
// FPTAN FPATAN FXTRACT FPREM1 FDECSTP FINCSTP FPREM FYL2XP1 FSQRT FSINCOS FRNDINT FSCALE
// FSIN FCOS. The host computes; how many values it leaves (FPTAN pushes 1.0 only when the
// operand was in range, FPATAN pops...) is read from its TOP, so the guest's stack takes
// exactly the shape the hardware gave it. Intel SDM vol. 2, F2XM1..FYL2XP1.
#include "x86/x87_host.h"

namespace flint::x86 {
namespace {

using namespace x87;

// An operation on ST(0) (and ST(1) when `inputs` is 2) whose successful result adds
// `grows` values to the stack (-1, 0 or 1). `reduces`: C2 reports an incomplete argument
// reduction (FPREM, FPREM1, FPTAN, FSIN, FCOS, FSINCOS), cleared by a stack fault too.
struct TopOp {
    HostFn fn;
    u8 inputs;
    i8 grows;
    bool reduces = false;
};

// Masked response to a stack fault: QNaN indefinite wherever a result would go.
void fault_response(FpuState& f, const TopOp& op) {
    if (op.grows < 0) {
        set_st(f, 1, kIndefinite);
        pop(f);
        return;
    }
    set_st(f, 0, kIndefinite);
    if (op.grows > 0) push(f, kIndefinite);
}

Event run_top(FpuState& f, const TopOp& op) {
    const bool under = f.st_empty(0) || (op.inputs == 2 && f.st_empty(1));
    if (under || (op.grows > 0 && push_overflows(f))) {
        if (op.reduces) set_cond(f, sw::C2, 0);
        if (under ? stack_underflow(f) : stack_overflow(f)) fault_response(f, op);
        return Event::none();
    }
    const HostIo io = run_host(f, op.fn, f.st_reg(0), f.st_reg(1));
    set_cond(f, sw::Cond, io.cond());
    if (!raise_flags(f, io.flags())) return Event::none();
    // The host's stack replaces the operands: pop them, push what it left, deepest first.
    for (unsigned k = 0; k < op.inputs; ++k) pop(f);
    for (unsigned k = io.count(); k-- > 0;) push(f, io.result(k));
    return Event::none();
}

// FTST and FXAM only set C0-C3. FXAM classifies an empty register itself (C3 and C0 set,
// C1 the sign of whatever the register holds).
Event examine(FpuState& f, bool fxam) {
    if (f.st_empty(0)) {
        if (fxam) {
            const u16 sign = (f.st_reg(0).sign_exp & 0x8000) ? sw::C1 : 0;
            set_cond(f, sw::Cond, sw::C3 | sw::C0 | sign);
        } else {  // "unordered", even when the fault is unmasked
            set_cond(f, sw::C0 | sw::C2 | sw::C3, sw::C0 | sw::C2 | sw::C3);
            stack_underflow(f);
        }
        return Event::none();
    }
    const HostIo io = run_host(f, fxam ? host_fxam : host_ftst, f.st_reg(0));
    set_cond(f, sw::Cond, io.cond());
    raise_flags(f, io.flags());
    return Event::none();
}

// Indexed by ModRM & 0x1f for D9 E0-FF; fn == nullptr marks the rows handled apart.
constexpr TopOp kOps[32] = {
    {host_fchs, 1, 0},    {host_fabs, 1, 0},    {},                   {},
    {},                   {},                   {},                   {},
    {},                   {},                   {},                   {},
    {},                   {},                   {},                   {},
    {host_f2xm1, 1, 0},   {host_fyl2x, 2, -1},        {host_fptan, 1, 1, true},    {host_fpatan, 2, -1},
    {host_fxtract, 1, 1}, {host_fprem1, 2, 0, true},  {},                          {},
    {host_fprem, 2, 0, true}, {host_fyl2xp1, 2, -1},  {host_fsqrt, 1, 0},          {host_fsincos, 1, 1, true},
    {host_frndint, 1, 0}, {host_fscale, 2, 0},        {host_fsin, 1, 0, true},     {host_fcos, 1, 0, true},
};

}  // namespace

Event x87_math(Cpu& cpu, const Insn& in) {
    const unsigned k = in.imm2 & 0x1f;
    const bool examine_row = k == 4 || k == 5, stack_row = k == 0x16 || k == 0x17;
    if (!kOps[k].fn && !examine_row && !stack_row) return ud();
    if (Event e = begin(cpu, in, Kind::Compute); !e.ok()) return e;
    FpuState& f = fpu_of(cpu);
    if (examine_row) return examine(f, k == 5);
    if (stack_row) {  // FDECSTP, FINCSTP: TOP moves, tags and contents stay
        f.set_top(f.top() + (k == 0x16 ? 7 : 1));
        set_cond(f, sw::C1, 0);
        return Event::none();
    }
    return run_top(f, kOps[k]);
}

}  // namespace flint::x86
