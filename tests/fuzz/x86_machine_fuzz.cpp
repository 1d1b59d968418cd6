// libFuzzer target: random code run by the software CPU the way a machine runs it, where
// x86_decoder_fuzz stops at the first event. Exceptions and interrupts go through the
// guest's own tables (IVT, or IDT, GDT and TSS); long mode runs with 4-level paging and
// protected mode optionally with 32-bit paging; the code starts in ring 0 or 3, with an
// interrupt or NMI pending or not, and runs for up to ~1000 instructions. The input also
// gives the handler code and byte patches into the system tables, so that deliveries meet
// broken gates, descriptors, TSS fields and page-table entries too. All of it lives in
// one 64 KiB block of guest memory with nothing behind the addresses above it. Whatever
// the guest does, the host process must survive (AddressSanitizer and UBSan watch).
//
// Input: [0] bits 0-1 mode (real, protected 16, protected 32, long 64), bit 2 paging in
// protected mode, bit 3 ring 3, bit 4 RFLAGS.IF, bit 5 an external interrupt pending,
// bit 6 an NMI pending; [1] instruction budget / 4; [2] bits 0-3 patch count, bits 4-7 the
// interrupt vector's low nibble; [3] handler length; then 3 bytes per patch (offset into
// the tables, little-endian, and the byte), the handler, and the code, which ends where
// memory ends.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "x86/cpu.h"
#include "x86/flat_memory.h"
#include "x86/paging.h"

using namespace flint;
using namespace flint::x86;

namespace {

constexpr u64 kMemSize = 64 * KiB;
// The system area the patches may change: IVT, GDT, TSS, IDT and page tables.
constexpr u64 kIvt = 0x0000, kGdt = 0x0400, kTss = 0x0500, kIdt = 0x1000;
constexpr u64 kPml4 = 0x2000, kPdpt = 0x3000, kPd64 = 0x4000, kPt64 = 0x5000;
constexpr u64 kPd32 = 0x2000, kPt32 = 0x3000;
constexpr u64 kTablesEnd = 0x6000;
constexpr u64 kHandler = 0x6000, kUserStack = 0xc000, kKernelStack = 0xe000;
constexpr size_t kMaxCode = 512;

constexpr u16 kKernelCs = 0x08, kKernelDs = 0x10, kUserDs = 0x1b, kUserCs = 0x23, kTr = 0x28;
constexpr u16 kKernelCs16 = 0x38, kUserCs16 = 0x43, kKernelCs64 = 0x48, kUserCs64 = 0x53;
constexpr u64 kPageFlags = pte::P | pte::RW | pte::US;

// A flat segment descriptor: base 0, limit 4 GiB (64 KiB for 16-bit code).
constexpr u64 flat(u8 access, u8 flags) {
    const u64 limit = (flags & 0x8) ? 0xfffff : 0xffff;
    return (limit & 0xffff) | (u64{access} << 40) | ((limit >> 16) << 48) | (u64{flags} << 52);
}

class Sandbox {
public:
    Sandbox() : m_cpu(m_mem, CpuModel::flint_default()) { m_cpu.set_exception_delivery(Cpu::ExceptionDelivery::Guest); }

    void poke(u64 addr, unsigned size, u64 v) {
        for (unsigned i = 0; i < size; ++i) *m_mem.at(addr + i) = static_cast<u8>(v >> (8 * i));
    }

    void build(CpuMode mode, bool paging, unsigned cpl) {
        CpuState& s = m_cpu.state();
        s.gpr[static_cast<unsigned>(Reg::Rsp)] = cpl ? kUserStack : kKernelStack;
        if (mode == CpuMode::Real) {
            for (u64 v = 0; v < 256; ++v) poke(kIvt + v * 4, 4, kHandler);  // 0000:kHandler
            s.idtr = {kIvt, 0x3ff};
            m_cpu.set_mode(mode);
            return;
        }
        poke(kGdt + kKernelCs, 8, flat(0x9b, 0xc));
        poke(kGdt + kKernelDs, 8, flat(0x93, 0xc));
        poke(kGdt + (kUserDs & ~3), 8, flat(0xf3, 0xc));
        poke(kGdt + (kUserCs & ~3), 8, flat(0xfb, 0xc));
        poke(kGdt + kTr, 8, 0x67 | (kTss << 16) | (u64{0x89} << 40));
        poke(kGdt + kKernelCs16, 8, flat(0x9b, 0));
        poke(kGdt + (kUserCs16 & ~3), 8, flat(0xfb, 0));
        poke(kGdt + kKernelCs64, 8, flat(0x9b, 0xa));
        poke(kGdt + (kUserCs64 & ~3), 8, flat(0xfb, 0xa));
        s.gdtr = {kGdt, 0x57};
        s.tr = SegmentState{kTr, kTss, 0x67, 0x8b};
        poke(kTss + 0x66, 2, 0x68);  // no I/O permission bitmap
        s.cr0 = cr0::PE | cr0::ET | cr0::NE;
        const bool long_mode = mode == CpuMode::Long64;
        if (long_mode) {
            poke(kTss + 4, 8, kKernelStack);  // RSP0
            for (u64 v = 0; v < 256; ++v) poke(kIdt + v * 16, 8, gate(kKernelCs64));
            s.idtr = {kIdt, 0xfff};
            poke(kPml4, 8, kPdpt | kPageFlags);
            poke(kPdpt, 8, kPd64 | kPageFlags);
            poke(kPd64, 8, kPt64 | kPageFlags);
            map_all(kPt64, 8);
            s.cr3 = kPml4;
            s.cr4 = cr4::PAE;
            s.efer = efer::LME | efer::LMA | efer::NXE | efer::SCE;
            s.cr0 |= cr0::PG;
        } else {
            poke(kTss + 4, 4, kKernelStack);  // ESP0, SS0
            poke(kTss + 8, 2, kKernelDs);
            for (u64 v = 0; v < 256; ++v) poke(kIdt + v * 8, 8, gate(kKernelCs));
            s.idtr = {kIdt, 0x7ff};
            if (paging) {
                poke(kPd32, 4, kPt32 | kPageFlags);
                map_all(kPt32, 4);
                s.cr3 = kPd32;
                s.cr0 |= cr0::PG;
            }
        }
        const u16 cs = mode == CpuMode::Long64 ? (cpl ? kUserCs64 : kKernelCs64)
                       : mode == CpuMode::Protected16 ? (cpl ? kUserCs16 : kKernelCs16)
                                                      : (cpl ? kUserCs : kKernelCs);
        const u16 ds = cpl ? kUserDs : kKernelDs;
        const auto dpl = static_cast<u16>(cpl << seg_attr::DplShift);
        const u16 code_attr = mode == CpuMode::Long64 ? seg_attr::Long | seg_attr::Gran
                              : mode == CpuMode::Protected32 ? seg_attr::DefBig | seg_attr::Gran
                                                             : 0;
        s.seg[static_cast<unsigned>(Seg::Cs)] =
            SegmentState{cs, 0, code_attr ? 0xffffffffu : 0xffffu,
                         static_cast<u16>(0xb | seg_attr::S | seg_attr::Present | dpl | code_attr)};
        for (Seg seg : {Seg::Ss, Seg::Ds, Seg::Es, Seg::Fs, Seg::Gs})
            s.seg[static_cast<unsigned>(seg)] =
                SegmentState{ds, 0, 0xffffffff,
                             static_cast<u16>(0x3 | seg_attr::S | seg_attr::Present | dpl | seg_attr::DefBig |
                                              seg_attr::Gran)};
        m_cpu.derive_mode();
    }

    Cpu& cpu() { return m_cpu; }
    FlatMemory& mem() { return m_mem; }

private:
    // An interrupt gate (type 0xe: 32-bit, or 64-bit in long mode) to kHandler, DPL 3 so
    // that INT n from ring 3 reaches it too.
    static constexpr u64 gate(u16 selector) {
        return (kHandler & 0xffff) | (u64{selector} << 16) | (u64{0xee} << 40) | ((kHandler >> 16) << 48);
    }
    // Identity-maps the whole block with user-accessible, writable 4 KiB pages.
    void map_all(u64 table, unsigned entry_size) {
        for (u64 i = 0; i < kMemSize / kPageSize; ++i) poke(table + i * entry_size, entry_size, (i << 12) | kPageFlags);
    }

    FlatMemory m_mem{0, kMemSize};
    Cpu m_cpu;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 4) return 0;
    const u8 config = data[0];
    const u64 budget = 1 + u64{data[1]} * 4;
    const unsigned patches = data[2] & 0xf;
    const u8 vector = static_cast<u8>(0x20 | (data[2] >> 4));
    size_t handler_len = data[3];
    data += 4;
    size -= 4;
    if (size < patches * 3u) return 0;

    const auto mode = static_cast<CpuMode>(config & 3);
    const unsigned cpl = mode != CpuMode::Real && (config & 0x08) ? 3 : 0;
    Sandbox box;
    box.build(mode, (config & 0x04) != 0, cpl);
    for (unsigned i = 0; i < patches; ++i, data += 3, size -= 3)
        *box.mem().at((data[0] | (u64{data[1]} << 8)) % kTablesEnd) = data[2];
    handler_len = std::min(handler_len, size);
    std::memcpy(box.mem().at(kHandler, 1), data, handler_len);
    data += handler_len;
    size = std::min(size - handler_len, kMaxCode);
    const u64 start = kMemSize - size;
    if (size) std::memcpy(box.mem().at(start, size), data, size);

    Cpu& cpu = box.cpu();
    cpu.state().rip = start;
    if (config & 0x10) cpu.set_rflags(cpu.rflags() | rflags::IF);
    if (config & 0x20) cpu.inject_external(vector);
    if (config & 0x40) cpu.inject_nmi();
    cpu.run(budget);
    return 0;
}
