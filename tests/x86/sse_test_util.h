#pragma once
// Before/after tables for the SSE handlers: exec_test_util.h's machine with XMM registers,
// MXCSR and an expected exception added. The OS-side enables (CR4.OSFXSR/OSXMMEXCPT) are
// on unless a case clears them.
#include <bit>

#include "exec_test_util.h"
#include "x86/system_regs.h"

namespace flint::x86::test {

struct XmmVal {
    unsigned reg;
    u64 lo, hi;
};

struct SseCase {
    std::string name{};
    std::vector<u8> code{};  // a HLT is appended
    std::vector<XmmVal> xmm_in{};
    std::vector<XmmVal> xmm_out{};
    std::vector<RegVal> regs_in{};
    std::vector<RegVal> regs_out{};
    std::vector<MemVal> mem_in{};
    std::vector<MemVal> mem_out{};
    u32 mxcsr_in = mxcsr::Default;
    u32 mxcsr_out = mxcsr::Default;
    u64 flags_mask = 0;
    u64 flags_out = 0;
    int vector = -1;  // expected exception (RIP stays on the instruction), or -1: reaches HLT
    u64 cr0 = 0;
    u64 cr4 = cr4::OSFXSR | cr4::OSXMMEXCPT;
};

inline u64 f32(float v) { return std::bit_cast<u32>(v); }
inline u64 f32x2(float lo, float hi) { return f32(lo) | f32(hi) << 32; }
inline u64 f64(double v) { return std::bit_cast<u64>(v); }

inline std::string sse_case_name(const testing::TestParamInfo<SseCase>& info) { return info.param.name; }

inline void run_sse_case(const SseCase& c) {
    Machine m;
    std::vector<u8> code = c.code;
    code.push_back(0xf4);
    m.load(kCodeAddr, code);
    CpuState& st = m.cpu.state();
    st.cr0 |= c.cr0;
    m.cpu.set_mode(CpuMode::Long64);  // a changed CR0 would otherwise re-derive the mode
    st.cr4 = (st.cr4 & ~(cr4::OSFXSR | cr4::OSXMMEXCPT)) | c.cr4;
    st.fpu.mxcsr = c.mxcsr_in;
    for (const auto& x : c.xmm_in) st.fpu.xmm[x.reg].q = {x.lo, x.hi};
    for (const auto& r : c.regs_in) m.reg(r.reg) = r.value;
    for (const auto& mv : c.mem_in) m.poke(mv.addr, mv.size, mv.value);
    const Event e = m.run();
    if (c.vector < 0) {
        ASSERT_EQ(e.kind, EventKind::Halt) << "vector " << static_cast<int>(e.vector);
        EXPECT_EQ(st.rip, kCodeAddr + code.size());
    } else {
        ASSERT_EQ(e.kind, EventKind::Exception);
        EXPECT_EQ(static_cast<int>(e.vector), c.vector);
        EXPECT_EQ(st.rip, kCodeAddr) << "a fault leaves RIP on the instruction";
    }
    for (const auto& x : c.xmm_out) {
        EXPECT_EQ(st.fpu.xmm[x.reg].q[0], x.lo) << std::hex << "xmm" << x.reg << " low 0x" << st.fpu.xmm[x.reg].q[0];
        EXPECT_EQ(st.fpu.xmm[x.reg].q[1], x.hi) << std::hex << "xmm" << x.reg << " high 0x" << st.fpu.xmm[x.reg].q[1];
    }
    EXPECT_EQ(st.fpu.mxcsr, c.mxcsr_out) << std::hex << "mxcsr 0x" << st.fpu.mxcsr;
    for (const auto& r : c.regs_out)
        EXPECT_EQ(m.reg(r.reg), r.value) << std::hex << "register " << static_cast<int>(r.reg) << " 0x" << m.reg(r.reg);
    EXPECT_EQ(m.cpu.rflags() & c.flags_mask, c.flags_out & c.flags_mask) << std::hex << "rflags 0x" << m.cpu.rflags();
    for (const auto& mv : c.mem_out)
        EXPECT_EQ(m.peek(mv.addr, mv.size), mv.value) << std::hex << "memory at 0x" << mv.addr;
}

inline constexpr int kUD = static_cast<int>(Vector::UD), kNM = static_cast<int>(Vector::NM),
                     kGP = static_cast<int>(Vector::GP), kXM = static_cast<int>(Vector::XM);

}  // namespace flint::x86::test
