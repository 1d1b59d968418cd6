#include "compare.h"

#include <fmt/format.h>

#include "insn_spec.h"
#include "layout.h"

namespace flint::x86diff {
namespace {

bool emu_rejected(const Outcome& host, const Outcome& emu) {
    const bool emu_ud = emu.end == EndKind::Fault && emu.fault == FaultClass::Invalid;
    const bool host_ud = host.end == EndKind::Fault && host.fault == FaultClass::Invalid;
    return emu_ud && !host_ud;
}

// Flags compared for this case: status flags and DF, minus what the architecture leaves
// undefined when the instruction completed. A faulting instruction changes no flag at all.
u64 flag_mask(const Case& c, const Outcome& host) {
    return kCaseFlags & ~(host.end == EndKind::Completed ? c.undef_flags : 0);
}

u16 gpr_mask(const Case& c, const Outcome& host) {
    return static_cast<u16>(host.end == EndKind::Completed ? ~c.undef_gprs : 0xffff);
}

// MXCSR bits compared. Known deviation (see fp_exceptions in src/x86/sse.h): when an
// unmasked overflow or underflow raised #XM, the precision flag is not modelled exactly.
constexpr u32 kMxcsrPE = 1u << 5, kMxcsrOverUnder = (1u << 3) | (1u << 4);
u32 mxcsr_mask(const Outcome& host) {
    const bool xm = host.end == EndKind::Fault && host.fault == FaultClass::SimdFp;
    return (xm && (host.mxcsr & kMxcsrOverUnder)) ? ~kMxcsrPE : ~u32{0};
}

bool data_compared(const Case& c, const Outcome& host) {
    return !(host.end == EndKind::Completed && c.undef_data);
}

std::string end_text(const Outcome& o) {
    switch (o.end) {
    case EndKind::Completed: return fmt::format("completed, landed at insn{:+#x}", o.rip_offset);
    case EndKind::Fault:
        return fmt::format("fault {} (vector {}) at insn{:+#x}", fault_class_name(o.fault),
                           o.vector, o.rip_offset);
    case EndKind::HarnessError: return "harness error (the host child died or hung)";
    }
    return "?";
}

std::string flags_text(u64 f) {
    return fmt::format("{:#06x} [{}{}{}{}{}{}{}]", f & kCaseFlags, f & kFlagOF ? "O" : "-",
                       f & kFlagDF ? "D" : "-", f & kFlagSF ? "S" : "-", f & kFlagZF ? "Z" : "-",
                       f & kFlagAF ? "A" : "-", f & kFlagPF ? "P" : "-", f & kFlagCF ? "C" : "-");
}

// High quadword first, as a 128-bit number reads.
std::string vec_text(const Vec128& v) { return fmt::format("{:016x}_{:016x}", v[1], v[0]); }

std::string x87_reg_text(const X87Reg80& r) { return fmt::format("{:04x}_{:016x}", r.sign_exp, r.mantissa); }

std::string x87_text(const X87State& x) {
    std::string s = fmt::format("fcw={:#06x} fsw={:#06x} (top {}) ftw={:#04x}", x.fcw, x.fsw, (x.fsw >> 11) & 7, x.ftw);
    for (unsigned i = 0; i < 8; ++i) s += fmt::format("{}st{}={}", i % 4 == 0 ? "\n      " : "  ", i, x87_reg_text(x.st[i]));
    return s;
}

std::string data_text(const DataDelta& d) {
    std::string s = fmt::format("{} byte(s) changed", d.changed);
    for (unsigned i = 0; i < d.changed && i < kListedChanges; ++i)
        s += fmt::format(" {:#x}={:02x}", kDataBase + d.offset[i], d.value[i]);
    if (d.changed > kListedChanges) s += " ...";
    return s;
}

}  // namespace

Verdict judge(const Case& c, const Outcome& host, const Outcome& emu, bool known_unimplemented) {
    if (host.end == EndKind::HarnessError || emu.end == EndKind::HarnessError)
        return Verdict::HarnessError;
    if (emu_rejected(host, emu)) return known_unimplemented ? Verdict::Unimplemented : Verdict::Fail;
    if (host.end != emu.end || host.fault != emu.fault || host.rip_offset != emu.rip_offset)
        return Verdict::Fail;
    const u16 gm = gpr_mask(c, host);
    for (unsigned r = 0; r < kGprs; ++r)
        if (((gm >> r) & 1u) && host.gpr[r] != emu.gpr[r]) return Verdict::Fail;
    if ((host.rflags ^ emu.rflags) & flag_mask(c, host)) return Verdict::Fail;
    if (host.xmm != emu.xmm || ((host.mxcsr ^ emu.mxcsr) & mxcsr_mask(host))) return Verdict::Fail;
    if (host.x87 != emu.x87) return Verdict::Fail;
    if (data_compared(c, host) && !(host.data == emu.data)) return Verdict::Fail;
    return Verdict::Pass;
}

std::string describe(const Case& c, const Outcome& host, const Outcome& emu,
                     const std::string& title) {
    std::string s = fmt::format("case --seed {} index {}: {}\n  bytes:", c.seed, c.index, title);
    for (u8 b : c.code()) s += fmt::format(" {:02x}", b);
    s += fmt::format("   (at {:#x})\n  input:", kInsnAddr);
    for (unsigned r = 0; r < kGprs; ++r)
        s += fmt::format("{}{}={:#018x}", r % 4 == 0 ? "\n    " : "  ", gpr_name(r), c.gpr[r]);
    s += fmt::format("\n    rflags={}  mxcsr={:#06x}", flags_text(c.flags), c.mxcsr);
    if (insn_specs()[c.spec].has(trait::Sse)) {
        for (unsigned x = 0; x < kXmms; ++x)
            s += fmt::format("{}xmm{:<2}={}", x % 2 == 0 ? "\n    " : "  ", x, vec_text(c.xmm[x]));
    }
    if (insn_specs()[c.spec].has(trait::X87) || insn_specs()[c.spec].has(trait::Mmx))
        s += "\n    x87 " + x87_text(c.x87);
    for (unsigned p = 0; p < c.poke_count; ++p)
        s += fmt::format("  mem[{:#x}]:{}={:#x}", kDataBase + c.pokes[p].offset, c.pokes[p].size,
                         c.pokes[p].value);
    if (c.host_bytes_len)
        s += fmt::format("\n    host-specific bytes, not compared: [{:#x}, {:#x})", kDataBase + c.host_bytes_offset,
                         kDataBase + c.host_bytes_offset + c.host_bytes_len);
    s += fmt::format("\n  host: {}\n  emu:  {}\n", end_text(host), end_text(emu));
    if (host.end == EndKind::HarnessError || emu.end == EndKind::HarnessError) return s;
    if (emu_rejected(host, emu)) {
        s += "  the emulator raised #UD for an instruction the host executed\n";
        return s;
    }
    const u16 gm = gpr_mask(c, host);
    for (unsigned r = 0; r < kGprs; ++r) {
        if (host.gpr[r] == emu.gpr[r]) continue;
        s += fmt::format("  {:4} host={:#018x} emu={:#018x}{}\n", gpr_name(r), host.gpr[r],
                         emu.gpr[r], ((gm >> r) & 1u) ? "" : "  (undefined: ignored)");
    }
    for (unsigned x = 0; x < kXmms; ++x) {
        if (host.xmm[x] == emu.xmm[x]) continue;
        s += fmt::format("  xmm{:<2} host={} emu={}\n", x, vec_text(host.xmm[x]), vec_text(emu.xmm[x]));
    }
    if (host.mxcsr != emu.mxcsr)
        s += fmt::format("  mxcsr host={:#06x} emu={:#06x}{}\n", host.mxcsr, emu.mxcsr,
                         ((host.mxcsr ^ emu.mxcsr) & mxcsr_mask(host)) ? "" : "  (PE after unmasked OE/UE: ignored)");
    if (host.x87 != emu.x87) s += fmt::format("  x87 host: {}\n  x87 emu:  {}\n", x87_text(host.x87), x87_text(emu.x87));
    const u64 fm = flag_mask(c, host);
    if ((host.rflags ^ emu.rflags) & kCaseFlags) {
        s += fmt::format("  flags host={} emu={}  compared={}{}\n", flags_text(host.rflags),
                         flags_text(emu.rflags), flags_text(fm),
                         (host.rflags ^ emu.rflags) & fm ? "" : "  (differences undefined)");
    }
    if (!(host.data == emu.data)) {
        s += fmt::format("  data host: {}\n  data emu:  {}{}\n", data_text(host.data),
                         data_text(emu.data), data_compared(c, host) ? "" : "  (undefined: ignored)");
    }
    return s;
}

}  // namespace flint::x86diff
