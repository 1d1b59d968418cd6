// The stack switch of a privilege change: the inner stack comes from the TSS (SS0:ESP0
// ... SS2:ESP2 outside long mode, RSPn in it), and the frame goes onto it before
// anything is committed. Shared by interrupt delivery (interrupts_protected.cpp) and far CALL through
// call gates (exec_gate.cpp).
#include "x86/descriptors.h"

namespace flint::x86 {
namespace {

// TSS layouts (SDM vol. 3 figures 7-2 and 7-11): ESPn at 4 + 8n, SSn at 8 + 8n in a
// 32-bit TSS; SPn at 2 + 4n, SSn at 4 + 4n in a 16-bit one.
constexpr u64 kTss32Esp0 = 4;
constexpr u64 kTss16Sp0 = 2;
constexpr u16 kTss32Bit = 0x8;  // type bit that makes a TSS descriptor a 32-bit one

}  // namespace

bool tss_stack(Cpu& cpu, unsigned cpl, u32 ext, SegmentState& ss, u64& sp) {
    const SegmentState& tr = cpu.state().tr;
    const bool tss32 = tr.attr & kTss32Bit;
    const u64 sp_off = tss32 ? kTss32Esp0 + 8 * cpl : kTss16Sp0 + 4 * cpl;
    const unsigned sp_size = tss32 ? 4 : 2;
    const u64 ss_off = sp_off + sp_size;
    if (ss_off + 1 > tr.limit) return cpu.fail(Event::exception(Vector::TS, selector_error(tr.selector) | ext));
    u64 raw_sp, raw_ss;
    if (!cpu.system_read((tr.base + sp_off) & 0xffffffff, sp_size, raw_sp) ||
        !cpu.system_read((tr.base + ss_off) & 0xffffffff, 2, raw_ss))
        return false;
    const auto sel = static_cast<u16>(raw_ss);
    if ((sel & (selector::Index | selector::Ti)) == 0) return cpu.fail(Event::exception(Vector::TS, ext));
    Descriptor d;
    if (!cpu.read_descriptor(sel, d.lo, d.hi, Vector::TS)) return false;
    if ((sel & selector::Rpl) != cpl || d.dpl() != cpl || !d.writable_data())
        return cpu.fail(Event::exception(Vector::TS, selector_error(sel) | ext));
    if (!d.present()) return cpu.fail(Event::exception(Vector::SS, selector_error(sel) | ext));
    ss = d.segment(sel);
    sp = raw_sp;
    return true;
}

bool tss_rsp(Cpu& cpu, u64 offset, u32 ext, u64& rsp) {
    const SegmentState& tr = cpu.state().tr;
    if (offset + 7 > tr.limit) return cpu.fail(Event::exception(Vector::TS, selector_error(tr.selector) | ext));
    return cpu.system_read(tr.base + offset, 8, rsp);
}

bool push_on(Cpu& cpu, const SegmentState& ss, unsigned cpl, u64& sp, std::span<const u64> values, unsigned width,
             u32 fault_code) {
    const u64 mask = (ss.attr & seg_attr::DefBig) ? 0xffffffff : 0xffff;
    u64 slot = sp;
    for (std::size_t i = 0; i < values.size(); ++i) {
        slot = (slot - width) & mask;
        if (!within_limit(ss, slot, width)) return cpu.fail(Event::exception(Vector::SS, fault_code));
    }
    slot = sp;
    for (const u64 v : values) {
        slot = (slot - width) & mask;
        const u64 lin = (ss.base + slot) & 0xffffffff;
        if (!(cpl < 3 ? cpu.system_write(lin, width, v) : cpu.write_mem(lin, width, v))) return false;
    }
    sp = slot;
    return true;
}

}  // namespace flint::x86
