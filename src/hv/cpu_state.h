#pragma once
// Back-end-neutral architectural vCPU state: what a loader sets before the first
// instruction and what a snapshot or a debugger reads. Plain data; each back end converts
// it to its own representation (struct kvm_regs/kvm_sregs, or the software CPU's state).
#include <array>

#include "base/types.h"

namespace flint::hv {

struct Segment {
    u64 base = 0;
    u32 limit = 0xffff;
    u16 selector = 0;
    u8 type = 0;      // descriptor type field (e.g. 0xb: execute/read, accessed)
    u8 dpl = 0;
    bool present = true;
    bool s = true;    // code/data (true) or system (false) descriptor
    bool db = false;  // default operation size 32-bit
    bool l = false;   // 64-bit code segment
    bool g = false;   // limit in 4 KiB units
    bool avl = false;
    bool unusable = false;
};

struct DescriptorTable {
    u64 base = 0;
    u16 limit = 0xffff;
};

struct Regs {
    // RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15, in encoding order.
    std::array<u64, 16> gpr{};
    u64 rip = 0xfff0;
    u64 rflags = 0x2;
};

struct SpecialRegs {
    Segment cs, ds, es, fs, gs, ss, tr, ldt;
    DescriptorTable gdt, idt;
    u64 cr0 = 0x60000010;
    u64 cr2 = 0;
    u64 cr3 = 0;
    u64 cr4 = 0;
    u64 cr8 = 0;
    u64 efer = 0;
    u64 apic_base = 0xfee00900;  // enabled, bootstrap processor
};

// The state a loader hands over: the registers and special registers of the boot vCPU.
struct CpuState {
    Regs regs;
    SpecialRegs sregs;
};

}  // namespace flint::hv
