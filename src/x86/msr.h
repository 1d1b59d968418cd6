#pragma once
// Model-specific registers: their indices, and the interface through which the machine
// handles the ones the CPU does not own (the local APIC's x2APIC range, TSC_DEADLINE, and
// anything else it wants to add). Intel SDM vol. 4.
#include "base/types.h"

namespace flint::x86 {

namespace msr {
inline constexpr u32 Tsc = 0x10;
inline constexpr u32 PlatformId = 0x17;
inline constexpr u32 ApicBase = 0x1b;
inline constexpr u32 MtrrCap = 0xfe;
inline constexpr u32 SysenterCs = 0x174;
inline constexpr u32 SysenterEsp = 0x175;
inline constexpr u32 SysenterEip = 0x176;
inline constexpr u32 McgCap = 0x179;
inline constexpr u32 McgStatus = 0x17a;
inline constexpr u32 McgCtl = 0x17b;
inline constexpr u32 MiscEnable = 0x1a0;
inline constexpr u32 ArchCapabilities = 0x10a;
inline constexpr u32 MtrrVarFirst = 0x200;  // PHYSBASE0, PHYSMASK0, ... 8 pairs
inline constexpr u32 MtrrVarLast = 0x20f;
inline constexpr u32 MtrrFix64K = 0x250;
inline constexpr u32 MtrrFix16K0 = 0x258;
inline constexpr u32 MtrrFix16K1 = 0x259;
inline constexpr u32 MtrrFix4KFirst = 0x268;
inline constexpr u32 MtrrFix4KLast = 0x26f;
inline constexpr u32 Pat = 0x277;
inline constexpr u32 MtrrDefType = 0x2ff;
inline constexpr u32 McFirst = 0x400;  // MCi_CTL/STATUS/ADDR/MISC for the banks
inline constexpr u32 McLast = 0x47f;
inline constexpr u32 TscDeadline = 0x6e0;
inline constexpr u32 X2ApicFirst = 0x800;
inline constexpr u32 X2ApicLast = 0x8ff;
inline constexpr u32 Efer = 0xc0000080;
inline constexpr u32 Star = 0xc0000081;
inline constexpr u32 Lstar = 0xc0000082;
inline constexpr u32 Cstar = 0xc0000083;
inline constexpr u32 Sfmask = 0xc0000084;
inline constexpr u32 FsBase = 0xc0000100;
inline constexpr u32 GsBase = 0xc0000101;
inline constexpr u32 KernelGsBase = 0xc0000102;
inline constexpr u32 TscAux = 0xc0000103;
}  // namespace msr

// MTRRcap: 8 variable ranges, fixed ranges supported, write-combining type supported.
inline constexpr u64 kMtrrCapValue = 8 | (1u << 8) | (1u << 10);

// Handles MSRs outside the CPU (Cpu::set_msr_delegate). The CPU asks it first for the
// x2APIC range, TSC_DEADLINE and IA32_APIC_BASE (which it stores itself only without a
// delegate), and last for any index it does not know: returning
// false there makes RDMSR/WRMSR raise #GP(0), as for an unimplemented MSR.
class MsrDelegate {
public:
    virtual ~MsrDelegate() = default;
    virtual bool read_msr(u32 index, u64& value) = 0;
    virtual bool write_msr(u32 index, u64 value) = 0;
};

}  // namespace flint::x86
