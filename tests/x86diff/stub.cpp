// Hand-assembled x86-64. The stub touches only the state block between loading and storing
// the guest registers, never the flags: every instruction used there (MOV, FXRSTOR/FXSAVE,
// PUSHF/POPF, JMP) leaves RFLAGS alone, so the flags the case sets are the flags the
// instruction sees. XMM registers are caller-saved in the ABI, so only the harness's MXCSR
// (its control bits are callee-saved) is put back on the way out, and FNINIT leaves the x87
// unit as the ABI expects it (empty stack, default control word, no pending exception).
#include "stub.h"

#include <cstring>

namespace flint::x86diff {
namespace {

constexpr unsigned kRsp = 4;

class Asm {
public:
    Asm(std::span<u8> page, u64 addr) : m_page(page), m_pos(addr - kCodeBase) {}

    void byte(u8 b) { m_page[m_pos++] = b; }
    void dword(u32 v) {
        for (unsigned i = 0; i < 4; ++i) byte(static_cast<u8>(v >> (8 * i)));
    }
    u64 here() const { return kCodeBase + m_pos; }

    // mov [abs32], r64 (store) / mov r64, [abs32] (load): ModRM rm=100 with SIB 0x25 is
    // the "disp32, no base, no index" form, valid because all addresses are below 2 GiB.
    void mov_abs(u8 opcode, unsigned reg, u32 addr) {
        byte(static_cast<u8>(0x48 | ((reg >> 3) << 2)));
        byte(opcode);
        byte(static_cast<u8>((reg & 7) << 3 | 4));
        byte(0x25);
        dword(addr);
    }
    void store(unsigned reg, u32 addr) { mov_abs(0x89, reg, addr); }
    // 0F AE /2 LDMXCSR, /3 STMXCSR with an absolute operand; with REX.W, /0 FXSAVE64 and
    // /1 FXRSTOR64.
    void mxcsr_abs(unsigned ext, u32 addr) {
        byte(0x0f), byte(0xae), byte(static_cast<u8>(ext << 3 | 4)), byte(0x25);
        dword(addr);
    }
    void fx_abs(unsigned ext, u32 addr) {
        byte(0x48);
        mxcsr_abs(ext, addr);
    }
    void load(unsigned reg, u32 addr) { mov_abs(0x8b, reg, addr); }
    void mov_rsp_imm(u32 v) { byte(0x48), byte(0xc7), byte(0xc4), dword(v); }
    void store_dword_imm(u32 addr, u32 v) { byte(0xc7), byte(0x04), byte(0x25), dword(addr), dword(v); }
    void jmp(u64 target) {
        byte(0xe9);
        dword(static_cast<u32>(target - (here() + 4)));
    }
    void restore_host_and_return() {
        byte(0xdb), byte(0xe3);  // fninit: no x87 state of the case leaks into the harness
        mxcsr_abs(2, state_field(offsetof(StateBlock, host_mxcsr)));
        load(kRsp, state_field(offsetof(StateBlock, host_rsp)));
        for (u8 r : {u8{0x5f}, u8{0x5e}, u8{0x5d}, u8{0x5c}}) byte(0x41), byte(r);  // pop r15..r12
        byte(0x5d), byte(0x5b);                                      // pop rbp, rbx
        byte(0xfc);  // cld: the ABI requires DF clear on return
        byte(0xc3);
    }
    // A landing pad: record its offset from the instruction, then go to the epilogue.
    void pad() {
        const u64 at = here();
        store_dword_imm(state_field(offsetof(StateBlock, pad_id)),
                        static_cast<u32>(static_cast<i32>(at - kInsnAddr)));
        jmp(kEpilogueAddr);
        while (here() < at + kPadSize) byte(0xcc);
    }

private:
    std::span<u8> m_page;
    u64 m_pos;
};

}  // namespace

void write_fixed_code(std::span<u8> page) {
    std::memset(page.data(), 0xcc, page.size());  // INT3 filler: a stray jump traps
    {
        Asm a(page, kPrologueAddr);
        a.byte(0x53), a.byte(0x55);                                  // push rbx, rbp
        for (u8 r : {u8{0x54}, u8{0x55}, u8{0x56}, u8{0x57}}) a.byte(0x41), a.byte(r);  // push r12..r15
        a.store(kRsp, state_field(offsetof(StateBlock, host_rsp)));
        a.mxcsr_abs(3, state_field(offsetof(StateBlock, host_mxcsr)));
        a.fx_abs(1, state_field(offsetof(StateBlock, in_fx)));  // x87, MXCSR, XMM0-15
        a.mov_rsp_imm(state_field(offsetof(StateBlock, in_flags)));
        a.byte(0x9d);  // popfq
        for (unsigned r = 0; r < kGprs; ++r)
            if (r != kRsp) a.load(r, state_field(offsetof(StateBlock, in_gpr) + 8 * r));
        a.load(kRsp, state_field(offsetof(StateBlock, in_gpr) + 8 * kRsp));
        a.jmp(kInsnAddr);
    }
    {
        Asm a(page, kEpilogueAddr);
        a.store(kRsp, state_field(offsetof(StateBlock, out_gpr) + 8 * kRsp));
        a.mov_rsp_imm(state_field(offsetof(StateBlock, out_flags) + 8));
        a.byte(0x9c);  // pushfq
        for (unsigned r = 0; r < kGprs; ++r)
            if (r != kRsp) a.store(r, state_field(offsetof(StateBlock, out_gpr) + 8 * r));
        a.fx_abs(0, state_field(offsetof(StateBlock, out_fx)));
        a.restore_host_and_return();
    }
    {
        Asm a(page, kRecoverAddr);
        a.restore_host_and_return();
    }
    for (unsigned k = kBackwardPads; k >= 1; --k) {
        Asm a(page, kInsnAddr - kPadSize * k);
        a.pad();
    }
}

void write_case_code(std::span<u8> page, const Case& c) {
    const u64 off = kInsnAddr - kCodeBase;
    std::memcpy(page.data() + off, c.bytes.data(), c.len);
    Asm a(page, kInsnAddr + c.len);
    for (unsigned k = 0; k < kForwardPads; ++k) a.pad();
}

}  // namespace flint::x86diff
