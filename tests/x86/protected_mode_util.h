#pragma once
// A machine in 32-bit protected mode without paging, for the legacy-mode system tests:
// 1 MiB of RAM, a GDT with flat 32-bit kernel/user segments and a 32-bit TSS whose
// SS0:ESP0 is kernel data:kEsp0, and an IDT of 8-byte gates the test fills.
#include "exec_test_util.h"

namespace flint::x86::test::pm {

inline constexpr u64 kGdt = 0x20000, kIdt = 0x21000, kTss = 0x22000, kLdt = 0x23000;
inline constexpr u16 kKernelCs = 0x08, kKernelSs = 0x10, kUserSs = 0x1b, kUserCs = 0x23, kTr = 0x28;
inline constexpr u64 kEsp0 = 0x9000;
// Access bytes of the GDT's descriptors.
inline constexpr u64 kCode32 = 0x00cf9b000000ffff, kData32 = 0x00cf93000000ffff;
inline constexpr u64 kUserData32 = 0x00cff3000000ffff, kUserCode32 = 0x00cffb000000ffff;

// A segment descriptor from its parts (access byte: P, DPL, S, type; flags: G, D/B).
constexpr u64 descriptor(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xffff) | (u64{base & 0xffffff} << 16) | (u64{access} << 40) | (u64{limit >> 16 & 0xf} << 48) |
           (u64{flags & 0xfu} << 52) | (u64{base >> 24} << 56);
}

struct ProtectedMachine : Machine {
    ProtectedMachine() : Machine(CpuMode::Real) {
        poke(kGdt + 0x08, 8, kCode32);
        poke(kGdt + 0x10, 8, kData32);
        poke(kGdt + 0x18, 8, kUserData32);
        poke(kGdt + 0x20, 8, kUserCode32);
        poke(kGdt + 0x28, 8, descriptor(kTss, 0x67, 0x89, 0));
        poke(kTss + 4, 4, kEsp0);
        poke(kTss + 8, 2, kKernelSs);
        CpuState& s = cpu.state();
        s.gdtr = {kGdt, 0xff};
        s.idtr = {kIdt, 0x7ff};
        s.tr = SegmentState{kTr, kTss, 0x67, 0x8b};
        s.cr0 = cr0::PE | cr0::ET;
        set_cpl(0);
        cpu.set_exception_delivery(Cpu::ExceptionDelivery::Guest);
    }
    void set_cpl(unsigned cpl) {
        CpuState& s = cpu.state();
        const auto code = cpl ? kUserCode32 : kCode32, data = cpl ? kUserData32 : kData32;
        const auto cs = static_cast<u16>(cpl ? kUserCs : kKernelCs), ss = static_cast<u16>(cpl ? kUserSs : kKernelSs);
        s.seg[static_cast<unsigned>(Seg::Cs)] = segment(cs, code);
        for (Seg seg : {Seg::Ss, Seg::Ds, Seg::Es, Seg::Fs, Seg::Gs})
            s.seg[static_cast<unsigned>(seg)] = segment(ss, data);
        cpu.derive_mode();
    }
    static SegmentState segment(u16 sel, u64 d) {
        const auto hi = static_cast<u32>(d >> 32);
        const u32 raw = static_cast<u32>(d & 0xffff) | (hi & 0xf0000);
        const u32 limit = (hi & (1u << 23)) ? (raw << 12) | 0xfff : raw;
        const u64 base = ((d >> 16) & 0xffffff) | (u64{hi >> 24} << 24);
        return SegmentState{sel, base, limit, static_cast<u16>(((hi >> 8) & 0xff) | ((hi >> 8) & 0xf000))};
    }
    // An 8-byte gate: `type` 0xe/0xf (32-bit interrupt/trap), 0x6/0x7 (16-bit), 0xc (call).
    void gate(u64 at, u16 sel, u32 offset, u8 type, unsigned dpl, unsigned params = 0) {
        poke(at, 8,
             (offset & 0xffff) | (u64{sel} << 16) | (u64{params} << 32) | (u64{type} << 40) | (u64{dpl} << 45) |
                 (u64{1} << 47) | (u64{offset >> 16} << 48));
    }
    void idt_gate(unsigned vector, u32 handler, unsigned dpl = 0, u8 type = 0xe) {
        gate(kIdt + vector * 8, kKernelCs, handler, type, dpl);
    }
    const SegmentState& seg(Seg s) { return cpu.state().seg[static_cast<unsigned>(s)]; }
};

}  // namespace flint::x86::test::pm
