// RDMSR/WRMSR's back end: the MSRs the CPU owns, stored in CpuState::msr (or where they
// architecturally live: EFER, the FS/GS bases, the TSC offset); the rest go to the
// MsrDelegate or raise #GP(0).
#include "x86/cpu.h"
#include "x86/cpuid.h"
#include "x86/msr.h"

namespace flint::x86 {
namespace {

// Bits 7:0 of each PAT entry may only hold the defined memory types (0, 1, 4-7).
bool valid_pat(u64 v) {
    for (unsigned i = 0; i < 8; ++i) {
        const u64 t = (v >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7) return false;
    }
    return true;
}

bool is_delegated(u32 index) {
    return (index >= msr::X2ApicFirst && index <= msr::X2ApicLast) || index == msr::TscDeadline;
}

u64* fixed_mtrr(MsrState& m, u32 index) {
    if (index == msr::MtrrFix64K) return &m.mtrr_fixed[0];
    if (index == msr::MtrrFix16K0) return &m.mtrr_fixed[1];
    if (index == msr::MtrrFix16K1) return &m.mtrr_fixed[2];
    if (index >= msr::MtrrFix4KFirst && index <= msr::MtrrFix4KLast) return &m.mtrr_fixed[3 + index - msr::MtrrFix4KFirst];
    if (index >= msr::MtrrVarFirst && index <= msr::MtrrVarLast) return &m.mtrr_var[index - msr::MtrrVarFirst];
    return nullptr;
}

// IA32_ARCH_CAPABILITIES: nothing executes speculatively here, so every "not affected" bit
// the SDM defines is set: RDCL_NO (Meltdown, L1TF), SSB_NO, MDS_NO, IF_PSCHANGE_MC_NO,
// TAA_NO, SBDR_SSDP_NO, FBSDP_NO, PSDP_NO, BHI_NO, PBRSB_NO, GDS_NO, RFDS_NO.
constexpr u64 kArchCapabilitiesValue = (u64{1} << 0) | (u64{1} << 4) | (u64{1} << 5) | (u64{1} << 6) |
                                       (u64{1} << 8) | (u64{1} << 13) | (u64{1} << 14) | (u64{1} << 15) |
                                       (u64{1} << 20) | (u64{1} << 24) | (u64{1} << 26) | (u64{1} << 27);

}  // namespace

bool Cpu::read_msr(u32 index, u64& v) {
    auto gp = [this] { return fail(Event::exception(Vector::GP, 0)); };
    if (is_delegated(index)) return (m_msr_delegate && m_msr_delegate->read_msr(index, v)) || gp();
    MsrState& m = m_state.msr;
    switch (index) {
    case msr::Tsc: v = tsc(); return true;
    case msr::PlatformId: v = 0; return true;
    case msr::ArchCapabilities:
        if (!(m_model.f7_edx & cpuid_bits::ARCH_CAPABILITIES)) return gp();
        v = kArchCapabilitiesValue;
        return true;
    case msr::ApicBase:
        // With a delegate (a machine's local APIC model) the register is the APIC's: a
        // value it refuses raises #GP. A bare CPU only stores it.
        if (m_msr_delegate) return m_msr_delegate->read_msr(index, v) || gp();
        v = m.apic_base;
        return true;
    case msr::MtrrCap: v = kMtrrCapValue; return true;
    case msr::SysenterCs: v = m.sysenter_cs; return true;
    case msr::SysenterEsp: v = m.sysenter_esp; return true;
    case msr::SysenterEip: v = m.sysenter_eip; return true;
    case msr::McgCap:
    case msr::McgStatus:
    case msr::McgCtl: v = 0; return true;  // no machine-check banks
    case msr::MiscEnable: v = m.misc_enable; return true;
    case msr::Pat: v = m.pat; return true;
    case msr::MtrrDefType: v = m.mtrr_def_type; return true;
    case msr::Efer: v = m_state.efer; return true;
    case msr::Star: v = m.star; return true;
    case msr::Lstar: v = m.lstar; return true;
    case msr::Cstar: v = m.cstar; return true;
    case msr::Sfmask: v = m.sfmask; return true;
    case msr::FsBase: v = m_state.seg[static_cast<unsigned>(Seg::Fs)].base; return true;
    case msr::GsBase: v = m_state.seg[static_cast<unsigned>(Seg::Gs)].base; return true;
    case msr::KernelGsBase: v = m.kernel_gs_base; return true;
    case msr::TscAux: v = m.tsc_aux; return true;
    default: break;
    }
    if (index >= msr::McFirst && index <= msr::McLast) {
        v = 0;
        return true;
    }
    if (const u64* p = fixed_mtrr(m, index)) {
        v = *p;
        return true;
    }
    return (m_msr_delegate && m_msr_delegate->read_msr(index, v)) || gp();
}

bool Cpu::write_msr(u32 index, u64 v) {
    auto gp = [this] { return fail(Event::exception(Vector::GP, 0)); };
    if (is_delegated(index)) return (m_msr_delegate && m_msr_delegate->write_msr(index, v)) || gp();
    MsrState& m = m_state.msr;
    auto canonical_or_gp = [&](u64& slot) { return canonical(v) ? (slot = v, true) : gp(); };
    switch (index) {
    case msr::Tsc: m_state.tsc_offset += v - tsc(); return true;
    case msr::ApicBase:
        if (m_msr_delegate) return m_msr_delegate->write_msr(index, v) || gp();
        m.apic_base = v;
        return true;
    case msr::SysenterCs: m.sysenter_cs = v & 0xffff; return true;
    case msr::SysenterEsp: return canonical_or_gp(m.sysenter_esp);
    case msr::SysenterEip: return canonical_or_gp(m.sysenter_eip);
    case msr::McgStatus:
    case msr::McgCtl: return v == 0 || gp();
    case msr::MiscEnable: m.misc_enable = v; return true;
    case msr::Pat:
        if (!valid_pat(v)) return gp();
        m.pat = v;
        return true;
    case msr::MtrrDefType: m.mtrr_def_type = v; return true;
    case msr::Efer: {
        if (v & ~efer::Defined) return gp();
        const u64 old = m_state.efer;
        // LME may change only while paging is off; LMA is the CPU's to set.
        if (((v ^ old) & efer::LME) && (m_state.cr0 & cr0::PG)) return gp();
        m_state.efer = (v & ~efer::LMA) | (old & efer::LMA);
        m_seen_efer = m_state.efer;
        if ((v ^ old) & efer::NXE) flush_translations(false);
        return true;
    }
    case msr::Star: m.star = v; return true;
    case msr::Lstar: return canonical_or_gp(m.lstar);
    case msr::Cstar: return canonical_or_gp(m.cstar);
    case msr::Sfmask: m.sfmask = v & 0xffffffff; return true;
    case msr::FsBase:
    case msr::GsBase: {
        if (!canonical(v)) return gp();
        const Seg s = index == msr::FsBase ? Seg::Fs : Seg::Gs;
        m_state.seg[static_cast<unsigned>(s)].base = v;
        refresh_derived();
        return true;
    }
    case msr::KernelGsBase: return canonical_or_gp(m.kernel_gs_base);
    case msr::TscAux: m.tsc_aux = v & 0xffffffff; return true;
    default: break;
    }
    if (index >= msr::McFirst && index <= msr::McLast) return true;  // writes ignored
    if (u64* p = fixed_mtrr(m, index)) {
        *p = v;
        return true;
    }
    return (m_msr_delegate && m_msr_delegate->write_msr(index, v)) || gp();
}

}  // namespace flint::x86
