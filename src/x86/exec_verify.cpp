// The selector checks that report through ZF instead of faulting: VERR/VERW (0F 00 /4 /5)
// and LAR/LSL (0F 02, 0F 03). Linux runs VERW on every return to user space where the
// CPU may leak through its buffers (the MDS mitigation), and the vDSO's getcpu uses LSL.
// Intel SDM vol. 2 (VERR/VERW, LAR, LSL); vol. 3, 5.10.
#include "x86/descriptors.h"
#include "x86/exec.h"

namespace flint::x86 {
namespace {

// The descriptor `sel` names, or false with `faulted` clear when the selector is null or
// outside its table (which these instructions report as ZF = 0), or with `faulted` set
// when reading the table faulted (which they raise).
bool lookup(Cpu& cpu, u16 sel, Descriptor& d, bool& faulted) {
    faulted = false;
    if ((sel & (selector::Index | selector::Ti)) == 0) return false;
    const CpuState& st = cpu.state();
    const bool ldt = sel & selector::Ti;
    if (ldt && !(st.ldtr.attr & seg_attr::Present)) return false;
    const u64 base = ldt ? st.ldtr.base : st.gdtr.base;
    const u64 limit = ldt ? st.ldtr.limit : st.gdtr.limit;
    if ((sel | 7u) > limit) return false;
    u64 v;
    const u64 mask = cpu.mode() == CpuMode::Long64 ? ~u64{0} : 0xffffffff;
    if (!cpu.system_read((base + (sel & selector::Index)) & mask, 8, v)) {
        faulted = true;
        return false;
    }
    d.lo = static_cast<u32>(v);
    d.hi = static_cast<u32>(v >> 32);
    return true;
}

// Conforming code is visible from any privilege; everything else needs DPL >= CPL and
// DPL >= RPL.
bool visible(const Cpu& cpu, const Descriptor& d, u16 sel) {
    if (d.conforming()) return true;
    return d.dpl() >= cpu.cpl() && d.dpl() >= (sel & selector::Rpl);
}

bool read_selector(Cpu& cpu, const Insn& in, u16& sel) {
    u64 v;
    if (in.mem()) {
        if (!cpu.read_mem(cpu.linear(in), 2, v)) return false;
    } else {
        v = cpu.reg(in.rm, 2);
    }
    sel = static_cast<u16>(v);
    return true;
}

// System descriptor types LAR accepts (LSL: those with a limit, not the gates). IA-32e
// mode drops the 16-bit TSS and gate types and the task gate.
bool lar_system_type(u32 type, bool lsl, bool ia32e) {
    switch (type) {
    case desc::Ldt:
    case desc::TssAvailable:
    case desc::TssBusy: return true;
    case desc::CallGate: return !lsl;
    case 0x1:  // 16-bit TSS, available and busy
    case 0x3: return !ia32e;
    case 0x4:  // 16-bit call gate, task gate
    case 0x5: return !ia32e && !lsl;
    default: return false;
    }
}

}  // namespace

// 0F 00 /4 VERR, /5 VERW: ZF = the segment could be loaded for reading / writing at the
// current privilege. Protected mode only.
Event op_verify(Cpu& cpu, const Insn& in) {
    if (!(cpu.state().cr0 & cr0::PE) || cpu.mode() == CpuMode::Real) return ud();
    u16 sel;
    if (!read_selector(cpu, in, sel)) return cpu.fault();
    Descriptor d;
    bool faulted;
    bool ok = lookup(cpu, sel, d, faulted);
    if (faulted) return cpu.fault();
    if (ok) ok = !d.system() && visible(cpu, d, sel) && (in.ext == 4 ? d.readable() : d.writable_data());
    cpu.flags().set_flag(rflags::ZF, ok);
    return Event::none();
}

// 0F 02 LAR, 0F 03 LSL: the access rights or the byte-granular limit of the segment,
// with ZF set; ZF clear and the destination untouched when the selector does not qualify.
Event op_lar_lsl(Cpu& cpu, const Insn& in) {
    if (!(cpu.state().cr0 & cr0::PE) || cpu.mode() == CpuMode::Real) return ud();
    const bool lsl = in.opcode() == 0x03;
    u16 sel;
    if (!read_selector(cpu, in, sel)) return cpu.fault();
    Descriptor d;
    bool faulted;
    bool ok = lookup(cpu, sel, d, faulted);
    if (faulted) return cpu.fault();
    const bool ia32e = cpu.state().efer & efer::LMA;
    if (ok) ok = (!d.system() || lar_system_type(d.type(), lsl, ia32e)) && visible(cpu, d, sel);
    if (ok) {
        const u64 v = lsl ? d.limit() : (in.opsize == 2 ? d.hi & 0xff00 : d.hi & 0x00f0ff00);
        cpu.set_reg(in.reg, in.opsize, v);
    }
    cpu.flags().set_flag(rflags::ZF, ok);
    return Event::none();
}

}  // namespace flint::x86
