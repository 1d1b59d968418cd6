#include "emu_runner.h"

#include <cpuid.h>

#include <cstring>
#include <fmt/format.h>

#include "layout.h"
#include "stub.h"
#include "x86/bus.h"
#include "x86/cpu.h"
#include "x86/cpuid.h"
#include "x86/handlers.h"
#include "x86/opcodes.h"

namespace flint::x86diff {
namespace {

// The emulator's view of memory: the code page and the data page, nothing else. Every
// other address (the guard pages included) has nothing behind it, so accesses fault there
// as they do on the host.
class DiffBus final : public x86::Bus {
public:
    DiffBus() { write_fixed_code(m_code); }

    u8* ram_page(u64 page) override {
        if (page == kCodeBase) return m_code;
        if (page == kDataBase) return m_data;
        return nullptr;
    }
    bool mmio_read(u64, std::span<u8>) override { return false; }
    bool mmio_write(u64, std::span<const u8>) override { return false; }
    // Nothing answers outside the two pages: multi-part stores must see that up front.
    bool mmio_claims(u64) override { return false; }
    u32 port_in(u16, unsigned) override { return 0xffffffff; }
    void port_out(u16, unsigned, u32) override {}

    std::span<u8> code() { return m_code; }
    std::span<u8> data() { return m_data; }

private:
    alignas(4096) u8 m_code[kPage];
    alignas(4096) u8 m_data[kDataSize];
};

// A string instruction may retire one iteration per step; no generated case needs more
// than a few thousand.
constexpr unsigned kMaxSteps = 1u << 16;

FaultClass classify(x86::Vector v) {
    switch (v) {
    case x86::Vector::DE: return FaultClass::Divide;
    case x86::Vector::UD: return FaultClass::Invalid;
    case x86::Vector::GP: case x86::Vector::SS: case x86::Vector::PF: case x86::Vector::AC:
        return FaultClass::Memory;
    case x86::Vector::DB: case x86::Vector::BP: return FaultClass::Trap;
    case x86::Vector::XM: return FaultClass::SimdFp;
    case x86::Vector::MF: return FaultClass::X87Fp;
    default: return FaultClass::Other;
    }
}

const x86::OpRow* cpu_row(u8 prefix, u8 map, u8 opcode, i8 reg) {
    const x86::OpRow* row = nullptr;
    if (prefix != 0) {
        const u16 op = static_cast<u16>(map << 8 | opcode);
        for (const x86::PrefixedRow& p : x86::prefixed_rows())
            if (p.prefix == prefix && p.op == op) row = &p.row;
        if (!row) return nullptr;
    } else {
        const auto& table = map == 0   ? x86::one_byte_map()
                            : map == 1 ? x86::map_0f()
                            : map == 2 ? x86::map_0f38()
                                       : x86::map_0f3a();
        row = &table[opcode];
    }
    if (row->form == x86::Form::Group) {
        if (reg < 0 || row->group >= x86::kGroupCount) return nullptr;
        row = &x86::group_rows()[row->group][static_cast<size_t>(reg)];
    }
    return row;
}

// Flint's model, except for feature bits that change what an implemented encoding does:
// F3 0F BC is TZCNT with BMI1 and BSF without it. The host is the oracle, so the
// emulator gets the host's answer for those bits; the guest-visible model is untouched.
x86::CpuModel model_like_host() {
    x86::CpuModel model = x86::CpuModel::flint_default();
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & x86::cpuid_bits::BMI1)) model.f7_ebx |= x86::cpuid_bits::BMI1;
    return model;
}

}  // namespace

struct EmuRunner::Impl {
    DiffBus bus;
    x86::Cpu cpu{bus, model_like_host()};
    u8 initial[kDataSize];
};

EmuRunner::EmuRunner() : m_impl(std::make_unique<Impl>()) {
    // As the host kernel sets CR0: unmasked x87 exceptions as #MF (NE), WAIT honouring TS
    // (MP). Before set_mode, which takes the control registers as they are.
    m_impl->cpu.state().cr0 |= x86::cr0::NE | x86::cr0::MP;
    m_impl->cpu.set_mode(x86::CpuMode::Long64);
}
EmuRunner::~EmuRunner() = default;

bool EmuRunner::available() { return true; }

Outcome EmuRunner::run(const Case& c) {
    Impl& m = *m_impl;
    write_case_code(m.bus.code(), c);
    build_data(c, m.initial);
    std::memcpy(m.bus.data().data(), m.initial, kDataSize);
    // The page was rewritten behind the CPU's back: drop what it decoded from it.
    m.cpu.invalidate_code(kCodeBase, kPage);

    x86::CpuState& st = m.cpu.state();
    for (unsigned r = 0; r < kGprs; ++r) st.gpr[r] = c.gpr[r];
    st.rip = kInsnAddr;
    m.cpu.set_rflags(kUserFlagsBase | (c.flags & kCaseFlags));
    // As the host kernel runs user code: SSE enabled, unmasked SIMD exceptions as #XM.
    st.cr4 |= x86::cr4::OSFXSR | x86::cr4::OSXMMEXCPT;
    st.fpu = x86::FpuState{};  // what the host stub's FXRSTOR loads
    for (unsigned x = 0; x < kXmms; ++x) st.fpu.xmm[x].q = c.xmm[x];
    st.fpu.mxcsr = c.mxcsr;
    st.fpu.fcw = c.x87.fcw;
    st.fpu.fsw = c.x87.fsw;
    st.fpu.ftw = c.x87.ftw;
    for (unsigned i = 0; i < 8; ++i) st.fpu.st_reg(i) = {c.x87.st[i].mantissa, c.x87.st[i].sign_exp};

    Outcome o;
    x86::Event e;
    for (unsigned i = 0; i < kMaxSteps; ++i) {
        e = m.cpu.step();
        if (!e.ok() || m.cpu.state().rip != kInsnAddr) break;
    }
    o.rip_offset = static_cast<i64>(st.rip - kInsnAddr);
    if (e.kind == x86::EventKind::Exception) {
        o.end = EndKind::Fault;
        o.fault = classify(e.vector);
        o.vector = static_cast<u8>(e.vector);
    } else if (e.kind == x86::EventKind::Halt) {
        o.end = EndKind::Fault;
        o.fault = FaultClass::Other;
    } else {
        o.end = EndKind::Completed;
    }
    for (unsigned r = 0; r < kGprs; ++r) o.gpr[r] = st.gpr[r];
    o.rflags = m.cpu.rflags();
    for (unsigned x = 0; x < kXmms; ++x) o.xmm[x] = st.fpu.xmm[x].q;
    o.mxcsr = st.fpu.mxcsr;
    o.x87.fcw = st.fpu.fcw;
    o.x87.fsw = st.fpu.fsw;
    o.x87.ftw = st.fpu.ftw;
    for (unsigned i = 0; i < 8; ++i) o.x87.st[i] = {st.fpu.st_reg(i).mantissa, st.fpu.st_reg(i).sign_exp};
    o.data = summarize_data(c, m.initial, m.bus.data());
    return o;
}

RowStatus EmuRunner::row_status(const InsnSpec& s) const {
    const x86::OpRow* row = cpu_row(s.prefix, s.map, s.opcode, s.reg);
    if (!row || !row->fn || row->form == x86::Form::Invalid) return RowStatus::Missing;
    if (row->fn == &x86::op_unimplemented) return RowStatus::DeclaredUnimplemented;
    return RowStatus::Implemented;
}

std::vector<std::string> EmuRunner::rows_not_generated() const {
    std::vector<std::string> out;
    auto covered = [](u8 prefix, u8 map, u8 opcode, i8 reg) {
        for (const InsnSpec& s : insn_specs()) {
            const bool z = s.form == Form::Z;  // one row per opcode+register block
            const bool op_match = z ? (opcode & ~7) == s.opcode : opcode == s.opcode;
            if (s.prefix == prefix && s.map == map && op_match && (reg < 0 || s.reg == reg))
                return true;
        }
        return false;
    };
    auto check = [&](u8 prefix, u8 map, u8 opcode, i8 reg, const x86::OpRow& row, u16 parent_attr) {
        if (!row.fn || row.fn == &x86::op_unimplemented || row.fn == &x86::op_ud) return;
        // Legacy modes only: not reachable in 64-bit mode.
        if ((row.attr | parent_attr) & x86::row_attr::Inv64) return;
        if (find_exclusion(map, opcode, reg) || covered(prefix, map, opcode, reg)) return;
        out.push_back(fmt::format("{}{}{:02X}{} {}", prefix ? fmt::format("{:02X} ", prefix) : "",
                                  map == 0 ? "" : map == 1 ? "0F " : map == 2 ? "0F 38 " : "0F 3A ", opcode,
                                  reg >= 0 ? fmt::format(" /{}", reg) : "", row.name));
    };
    const std::array<const std::array<x86::OpRow, 256>*, 4> maps = {
        &x86::one_byte_map(), &x86::map_0f(), &x86::map_0f38(), &x86::map_0f3a()};
    for (u8 map = 0; map < maps.size(); ++map) {
        for (unsigned op = 0; op < 256; ++op) {
            const x86::OpRow& row = (*maps[map])[op];
            if (row.form == x86::Form::Group) {
                if (row.group >= x86::kGroupCount) continue;
                for (i8 r = 0; r < 8; ++r)
                    check(0, map, static_cast<u8>(op), r, x86::group_rows()[row.group][static_cast<size_t>(r)], row.attr);
            } else {
                check(0, map, static_cast<u8>(op), -1, row, 0);
            }
        }
    }
    for (const x86::PrefixedRow& p : x86::prefixed_rows())
        check(p.prefix, static_cast<u8>(p.op >> 8), static_cast<u8>(p.op), -1, p.row, 0);
    return out;
}

}  // namespace flint::x86diff
