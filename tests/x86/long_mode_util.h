#pragma once
// A machine in long mode with paging on, for the system-architecture tests: 8 MiB of RAM,
// 4-level tables with the first 2 MiB identity-mapped by 4 KiB pages (supervisor,
// writable), a GDT with flat 64-bit kernel/user segments and a TSS, and an IDT the test
// fills with gates.
#include "exec_test_util.h"
#include "x86/paging.h"

namespace flint::x86::test {

inline constexpr u64 kPml4 = 0x10000, kPdpt = 0x11000, kPd = 0x12000, kPt = 0x13000;
inline constexpr u64 kGdt = 0x20000, kIdt = 0x21000, kTss = 0x22000;
inline constexpr u16 kKernelCs = 0x08, kKernelSs = 0x10, kUserSs = 0x1b, kUserCs = 0x23, kTr = 0x28;
inline constexpr u64 kPresentRw = pte::P | pte::RW;

// The fixture proper: a Machine over 8 MiB (the default Machine's 1 MiB is too small for
// a 2 MiB page).
struct PagedMachine {
    FlatMemory mem{0, 8 * MiB};
    Cpu cpu{mem, CpuModel::flint_default()};

    PagedMachine() {
        poke(kPml4, 8, kPdpt | kPresentRw | pte::US);
        poke(kPdpt, 8, kPd | kPresentRw | pte::US);
        poke(kPd, 8, kPt | kPresentRw | pte::US);
        for (u64 i = 0; i < 512; ++i) poke(kPt + i * 8, 8, (i << 12) | kPresentRw);
        // GDT: null, kernel code (L), kernel data, user data, user code (L), 64-bit TSS.
        poke(kGdt + 0x08, 8, 0x00af9b000000ffff);
        poke(kGdt + 0x10, 8, 0x00cf93000000ffff);
        poke(kGdt + 0x18, 8, 0x00cff3000000ffff);
        poke(kGdt + 0x20, 8, 0x00affb000000ffff);
        poke(kGdt + 0x28, 8, 0x0000890000000067 | ((kTss & 0xffffff) << 16));
        CpuState& s = cpu.state();
        s.gdtr = {kGdt, 0x37};
        s.idtr = {kIdt, 0xfff};
        s.tr = SegmentState{kTr, kTss, 0x67, 0x8b};
        poke(kTss + 0x66, 2, 0x68);  // I/O map base past the limit: no bitmap
        s.cr3 = kPml4;
        s.cr4 = cr4::PAE;
        s.efer = efer::LME | efer::LMA | efer::NXE | efer::SCE;
        s.cr0 = cr0::PE | cr0::PG | cr0::ET;
        set_cpl(0);
        s.rip = kCodeAddr;
        s.gpr[static_cast<unsigned>(Reg::Rsp)] = kStackTop;
        cpu.derive_mode();
    }
    void set_cpl(unsigned cpl) {
        CpuState& s = cpu.state();
        const auto dpl = static_cast<u16>(cpl << seg_attr::DplShift);
        s.seg[static_cast<unsigned>(Seg::Cs)] =
            SegmentState{static_cast<u16>(cpl ? kUserCs : kKernelCs), 0, 0xffffffff,
                         static_cast<u16>(0xb | seg_attr::S | seg_attr::Present | seg_attr::Long | dpl)};
        s.seg[static_cast<unsigned>(Seg::Ss)] =
            SegmentState{static_cast<u16>(cpl ? kUserSs : kKernelSs), 0, 0xffffffff,
                         static_cast<u16>(0x3 | seg_attr::S | seg_attr::Present | seg_attr::DefBig | dpl)};
        cpu.derive_mode();
    }
    // 4 KiB mapping in the first 2 MiB of virtual space.
    void map(u64 virt, u64 phys, u64 flags) { poke(kPt + (virt >> 12) * 8, 8, phys | flags); }
    u64 pte_of(u64 virt) { return peek(kPt + (virt >> 12) * 8, 8); }
    // A 64-bit interrupt/trap gate.
    void gate(unsigned vector, u64 handler, unsigned dpl = 0, unsigned ist = 0, bool trap = false) {
        const u64 lo = (handler & 0xffff) | (u64{kKernelCs} << 16) | (u64{ist} << 32) |
                       (u64{trap ? 0xfu : 0xeu} << 40) | (u64{dpl} << 45) | (u64{1} << 47) |
                       ((handler & 0xffff0000) << 32);
        poke(kIdt + vector * 16, 8, lo);
        poke(kIdt + vector * 16 + 8, 8, handler >> 32);
    }
    void load(u64 addr, const std::vector<u8>& bytes) {
        for (size_t i = 0; i < bytes.size(); ++i) *mem.at(addr + i) = bytes[i];
    }
    void poke(u64 addr, unsigned size, u64 v) {
        for (unsigned i = 0; i < size; ++i) *mem.at(addr + i) = static_cast<u8>(v >> (8 * i));
    }
    u64 peek(u64 addr, unsigned size) {
        u64 v = 0;
        for (unsigned i = 0; i < size; ++i) v |= u64{*mem.at(addr + i)} << (8 * i);
        return v;
    }
    u64& reg(Reg r) { return cpu.state().gpr[static_cast<unsigned>(r)]; }
    Event run(u64 max = 10'000) { return cpu.run(max); }
};

}  // namespace flint::x86::test
