// Group 15 (0F AE) /0-/3: FXSAVE/FXRSTOR and LDMXCSR/STMXCSR.
// Intel SDM vol. 1, 10.5.1 (the FXSAVE area) and vol. 2 (FXSAVE, FXRSTOR, LDMXCSR).
#include <array>

#include "x86/sse.h"
#include "x86/x87.h"

namespace flint::x86 {
namespace {

// The FXSAVE area. Offsets in bytes; the legacy layout splits the two pointers into a
// 32-bit offset and a selector, the 64-bit layout (REX.W) stores 64-bit pointers.
namespace fx {
inline constexpr unsigned Fcw = 0;
inline constexpr unsigned Fsw = 2;
inline constexpr unsigned Ftw = 4;  // abridged: one bit per physical register
inline constexpr unsigned Fop = 6;
inline constexpr unsigned Fip = 8;
inline constexpr unsigned Fcs = 12;  // legacy layout only
inline constexpr unsigned Fdp = 16;
inline constexpr unsigned Fds = 20;  // legacy layout only
inline constexpr unsigned Mxcsr = 24;
inline constexpr unsigned MxcsrMask = 28;
inline constexpr unsigned St0 = 32;    // ST(i) at St0 + 16*i: 10 bytes, 6 reserved
inline constexpr unsigned Xmm0 = 160;  // XMM(i) at Xmm0 + 16*i
// Bytes the processor writes: XMM0-15 in 64-bit mode, XMM0-7 otherwise. The rest of the
// 512-byte area (reserved and software-available bytes) is left alone.
inline constexpr unsigned Size64 = Xmm0 + 16 * 16;
inline constexpr unsigned Size32 = Xmm0 + 16 * 8;
inline constexpr unsigned Area = 512;
}  // namespace fx

using Image = std::array<u8, fx::Area>;

template <typename T>
void put(Image& img, unsigned off, T v) {
    std::memcpy(img.data() + off, &v, sizeof v);
}
template <typename T>
T get(const Image& img, unsigned off) {
    T v;
    std::memcpy(&v, img.data() + off, sizeof v);
    return v;
}

unsigned top_of_stack(const FpuState& f) { return (f.fsw >> 11) & 7; }

enum class Layout : u8 { Legacy, Wide };

Layout layout_of(const Insn& in) { return in.has(insn_flags::RexW) ? Layout::Wide : Layout::Legacy; }

void build_image(const FpuState& f, Layout layout, unsigned xmm_count, Image& img) {
    img.fill(0);
    put<u16>(img, fx::Fcw, f.fcw);
    put<u16>(img, fx::Fsw, f.fsw);
    put<u8>(img, fx::Ftw, f.ftw);
    put<u16>(img, fx::Fop, f.fop);
    if (layout == Layout::Wide) {
        put<u64>(img, fx::Fip, f.fip);
        put<u64>(img, fx::Fdp, f.fdp);
    } else {
        put<u32>(img, fx::Fip, static_cast<u32>(f.fip));
        put<u16>(img, fx::Fcs, f.fcs);
        put<u32>(img, fx::Fdp, static_cast<u32>(f.fdp));
        put<u16>(img, fx::Fds, f.fds);
    }
    put<u32>(img, fx::Mxcsr, f.mxcsr);
    put<u32>(img, fx::MxcsrMask, mxcsr::Supported);
    // Slots are in stack order: slot i holds ST(i), the physical register TOP+i.
    for (unsigned i = 0; i < 8; ++i) {
        const X87Reg& r = f.st[(top_of_stack(f) + i) & 7];
        put<u64>(img, fx::St0 + 16 * i, r.mantissa);
        put<u16>(img, fx::St0 + 16 * i + 8, r.sign_exp);
    }
    for (unsigned i = 0; i < xmm_count; ++i) {
        put<u64>(img, fx::Xmm0 + 16 * i, f.xmm[i].q[0]);
        put<u64>(img, fx::Xmm0 + 16 * i + 8, f.xmm[i].q[1]);
    }
}

void load_image(FpuState& f, Layout layout, unsigned xmm_count, const Image& img) {
    // The control word as FLDCW takes it; ES and B follow the flags and masks.
    f.fcw = static_cast<u16>((get<u16>(img, fx::Fcw) & x87::cw::Writable) | x87::cw::Fixed);
    f.fsw = get<u16>(img, fx::Fsw);
    f.ftw = get<u8>(img, fx::Ftw);
    f.fop = static_cast<u16>(get<u16>(img, fx::Fop) & 0x7ff);  // an 11-bit opcode
    if (layout == Layout::Wide) {
        f.fip = get<u64>(img, fx::Fip);
        f.fdp = get<u64>(img, fx::Fdp);
    } else {
        f.fip = get<u32>(img, fx::Fip);
        f.fcs = get<u16>(img, fx::Fcs);
        f.fdp = get<u32>(img, fx::Fdp);
        f.fds = get<u16>(img, fx::Fds);
    }
    x87::update_summary(f);
    f.mxcsr = get<u32>(img, fx::Mxcsr);
    for (unsigned i = 0; i < 8; ++i) {
        X87Reg& r = f.st[(top_of_stack(f) + i) & 7];
        r.mantissa = get<u64>(img, fx::St0 + 16 * i);
        r.sign_exp = get<u16>(img, fx::St0 + 16 * i + 8);
    }
    for (unsigned i = 0; i < xmm_count; ++i)
        f.xmm[i].q = {get<u64>(img, fx::Xmm0 + 16 * i), get<u64>(img, fx::Xmm0 + 16 * i + 8)};
}

// FXSAVE/FXRSTOR fault on CR0.TS and on CR0.EM with #NM (not #UD as SSE does).
Event fxsave_check(Cpu& cpu) {
    if (cpu.state().cr0 & (cr0::TS | cr0::EM)) return Event::exception(Vector::NM);
    return Event::none();
}

unsigned saved_size(const Cpu& cpu) { return cpu.mode() == CpuMode::Long64 ? fx::Size64 : fx::Size32; }

Event fxsave(Cpu& cpu, const Insn& in) {
    if (Event e = fxsave_check(cpu); !e.ok()) return e;
    const u64 lin = cpu.linear(in);
    if (!check_align(cpu, lin, Align::Sixteen) || !cpu.probe_write(lin, fx::Area)) return cpu.fault();
    const unsigned size = saved_size(cpu);
    Image img;
    build_image(fpu(cpu), layout_of(in), (size - fx::Xmm0) / 16, img);
    for (unsigned off = 0; off < size; off += 8)
        if (!cpu.write_mem(lin + off, 8, get<u64>(img, off))) return cpu.fault();
    return Event::none();
}

Event fxrstor(Cpu& cpu, const Insn& in) {
    if (Event e = fxsave_check(cpu); !e.ok()) return e;
    const u64 lin = cpu.linear(in);
    if (!check_align(cpu, lin, Align::Sixteen)) return cpu.fault();
    const unsigned size = saved_size(cpu);
    // The whole 512-byte area is accessed (and faults) as on hardware, though only the
    // first `size` bytes carry state.
    Image img{};
    for (unsigned off = 0; off < fx::Area; off += 8) {
        u64 v;
        if (!cpu.read_mem(lin + off, 8, v)) return cpu.fault();
        put<u64>(img, off, v);
    }
    if (get<u32>(img, fx::Mxcsr) & ~mxcsr::Supported) return raise(Vector::GP, 0);
    load_image(fpu(cpu), layout_of(in), (size - fx::Xmm0) / 16, img);
    return Event::none();
}

Event ldmxcsr(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    u64 v;
    if (!cpu.read_mem(cpu.linear(in), 4, v)) return cpu.fault();
    if (v & ~u64{mxcsr::Supported}) return raise(Vector::GP, 0);
    fpu(cpu).mxcsr = static_cast<u32>(v);
    return Event::none();
}

Event stmxcsr(Cpu& cpu, const Insn& in) {
    if (Event e = sse_check(cpu); !e.ok()) return e;
    if (!cpu.write_mem(cpu.linear(in), 4, fpu(cpu).mxcsr)) return cpu.fault();
    return Event::none();
}

}  // namespace

// 0F AE /0-/3 (the rest of group 15, fences and CLFLUSH, is exec_system.cpp's). The
// register forms are FSGSBASE with F3, which this CPU does not offer.
Event op_fxsave_group(Cpu& cpu, const Insn& in) {
    if (!in.mem()) return ud();
    switch (in.ext) {
    case 0: return fxsave(cpu, in);
    case 1: return fxrstor(cpu, in);
    case 2: return ldmxcsr(cpu, in);
    case 3: return stmxcsr(cpu, in);
    default: return ud();
    }
}

}  // namespace flint::x86
