#pragma once
// Before/after-state tests for the software CPU: each case is data (code bytes, the
// registers, flags and memory before, the expected ones after), run on a fresh machine.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "x86/cpu.h"
#include "x86/flat_memory.h"

namespace flint::x86::test {

inline constexpr u64 kCodeAddr = 0x1000;
inline constexpr u64 kStackTop = 0x8000;
inline constexpr u64 kMemSize = 1 * MiB;

struct RegVal {
    Reg reg;
    u64 value;
};

struct MemVal {
    u64 addr;
    unsigned size;
    u64 value;
};

struct ExecCase {
    std::string name{};
    std::vector<u8> code{};  // a HLT is appended; the case runs until it
    std::vector<RegVal> regs_in{};
    std::vector<RegVal> regs_out{};
    u64 flags_in = 0;    // RFLAGS bits set before (besides the fixed bit 1)
    u64 flags_mask = 0;  // RFLAGS bits checked after
    u64 flags_out = 0;
    std::vector<MemVal> mem_in{};
    std::vector<MemVal> mem_out{};
    CpuMode mode = CpuMode::Long64;
};

// A fresh machine: 1 MiB of RAM at 0, code at 0x1000, stack top at 0x8000.
struct Machine {
    FlatMemory mem{0, kMemSize};
    Cpu cpu{mem, CpuModel::flint_default()};

    explicit Machine(CpuMode mode = CpuMode::Long64) {
        cpu.set_mode(mode);
        cpu.state().rip = kCodeAddr;
        cpu.state().gpr[static_cast<unsigned>(Reg::Rsp)] = kStackTop;
    }
    void load(u64 addr, const std::vector<u8>& bytes) {
        u8* p = mem.at(addr, bytes.size());
        ASSERT_NE(p, nullptr);
        std::copy(bytes.begin(), bytes.end(), p);
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
    // Runs until HLT or an event, at most `max` instructions.
    Event run(u64 max = 10'000) { return cpu.run(max); }
};

// An interrupt frame as the CPU pushed it at `sp`: the error code (when there is one), then
// IP, CS, FLAGS, SP and SS, `width` bytes each (SP and SS only after a stack switch).
struct InterruptFrame {
    u64 error, rip, cs, rflags, rsp, ss;
};
template <class M>
InterruptFrame read_frame(M& m, u64 sp, bool has_error, unsigned width) {
    InterruptFrame f{};
    if (has_error) {
        f.error = m.peek(sp, width);
        sp += width;
    }
    f.rip = m.peek(sp, width);
    f.cs = m.peek(sp + width, width);
    f.rflags = m.peek(sp + 2 * width, width);
    f.rsp = m.peek(sp + 3 * width, width);
    f.ss = m.peek(sp + 4 * width, width);
    return f;
}

inline std::string case_name(const testing::TestParamInfo<ExecCase>& info) { return info.param.name; }

inline void run_case(const ExecCase& c) {
    Machine m(c.mode);
    std::vector<u8> code = c.code;
    code.push_back(0xf4);  // HLT
    m.load(kCodeAddr, code);
    for (const auto& r : c.regs_in) m.reg(r.reg) = r.value;
    for (const auto& mv : c.mem_in) m.poke(mv.addr, mv.size, mv.value);
    m.cpu.set_rflags(rflags::Fixed1 | c.flags_in);
    const Event e = m.run();
    ASSERT_EQ(e.kind, EventKind::Halt) << "vector " << static_cast<int>(e.vector) << " at rip 0x" << std::hex
                                       << m.cpu.state().rip;
    EXPECT_EQ(m.cpu.state().rip, kCodeAddr + code.size()) << "did not reach the final HLT";
    for (const auto& r : c.regs_out)
        EXPECT_EQ(m.reg(r.reg), r.value) << "register " << static_cast<int>(r.reg) << std::hex << " got 0x"
                                          << m.reg(r.reg) << " want 0x" << r.value;
    EXPECT_EQ(m.cpu.rflags() & c.flags_mask, c.flags_out & c.flags_mask)
        << std::hex << "rflags 0x" << m.cpu.rflags() << " mask 0x" << c.flags_mask;
    for (const auto& mv : c.mem_out)
        EXPECT_EQ(m.peek(mv.addr, mv.size), mv.value) << std::hex << "memory at 0x" << mv.addr;
}

// Shorthands for the tables.
inline constexpr u64 CF = rflags::CF, PF = rflags::PF, AF = rflags::AF, ZF = rflags::ZF, SF = rflags::SF,
                     OF = rflags::OF, DF = rflags::DF, IF = rflags::IF;
inline constexpr u64 kStatus = rflags::Status;
using R = Reg;

}  // namespace flint::x86::test
