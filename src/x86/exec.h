#pragma once
// Internal: what every instruction handler (exec_*.cpp) includes.
//
// HOW A HANDLER WORKS
//
// Signature: Event op_xxx(Cpu& cpu, const Insn& in). The decoder has already resolved
// everything from the bytes (insn.h): operand sizes, register numbers, the memory
// operand's base/index/scale/disp/segment, the immediate (sign- or zero-extended as the
// row's ImmKind says), and `ext` (the ALU/shift/group operation or condition code).
//
// RIP: when the handler runs, cpu.rip() already holds the address of the NEXT instruction
// (so relative branches are `cpu.jump(cpu.rip() + in.imm, in.opsize)`). Return
// Event::none() to continue.
//
// Operands:
//   E (ModRM r/m, or the register in the opcode for Form::Z): read_e / write_e, sized by
//     in.esize (== in.opsize except MOVZX/MOVSX/MOVSXD). For read-modify-write use
//     read_e_at / write_e_at so the address is computed once.
//   G (ModRM reg): read_g / write_g, sized by in.opsize.
//   in.has(insn_flags::Rev): G is the destination (G,E forms); in.has(Imm): the source
//     is in.imm (mask it to the operand size: imm_value()).
//   Registers by number: cpu.reg(code, size) / cpu.set_reg(code, size, v), which apply
//     the x86 rules (8/16-bit writes merge, 32-bit writes zero-extend to 64, codes 16-19
//     are AH/CH/DH/BH). cpu.gpr(n) is the raw 64-bit register.
//   Memory by address: cpu.linear(seg, offset) then cpu.read_mem / cpu.write_mem
//     (1, 2, 4 or 8 bytes). String instructions: offsets are masked to in.addrsize
//     (Cpu::size_mask), the source segment is in.seg (DS unless overridden), the
//     destination is always ES.
//   Stack: cpu.push / cpu.pop / cpu.peek / cpu.adjust_sp (SS, stack-address size).
//   Ports: cpu.bus().port_in / port_out.
//
// Faults: every memory access returns false when it faulted; the fault is pending in the
// CPU. Return it at once with `return cpu.fault();` The loop puts RIP back on the
// faulting instruction, so a handler must not change architectural state (registers,
// flags, memory) before its last access that can fault: read sources, compute, write the
// memory destination, then update registers and flags. Other exceptions:
// `return raise(Vector::GP, 0);` / `return ud();`. Software interrupts (INT n) and HLT
// return their own events (Event::software_interrupt / Event::halt): RIP stays after.
//
// Flags (lazy, see lazy_flags.h): arithmetic records its operands instead of computing
// flags: cpu.flags().set_add / set_sub / set_logic / set_inc / set_dec, or
// set(FlagOp, size, dst, src, res). Anything else sets flags explicitly with
// cpu.flags().set_bits(mask, bits) / set_flag(flag, on), which materialises first (so
// undefined-flag choices are visible: document them). Read with cf()/zf()/... or
// cond(cc). A new lazy kind (e.g. for shifts) goes into FlagOp and LazyFlags' switches.
//
// ADDING A HANDLER FAMILY
//   1. Declare the handlers in handlers.h (most already are) and write exec_<family>.cpp.
//   2. Add the file to src/x86/CMakeLists.txt.
//   3. Point the rows at them: opcode_table_one_byte.h / opcode_table_0f.h. Rows that
//      still say U("name", ...) or S(op_unimplemented, ...) are the placeholders; the
//      comment next to each names the intended handler and its `ext`.
//   4. If the family completes a CPUID feature (POPCNT, ABM/LZCNT, BMI1, ...), set the
//      bit in CpuModel::flint_default() (cpuid.cpp) and add its probe to
//      tests/x86/cpuid_test.cpp.
//   5. Tests: tests/x86/<family>_test.cpp as before/after tables (see exec_test_util.h).
#include "x86/cpu.h"
#include "x86/handlers.h"

namespace flint::x86 {

inline Event ud() { return Event::exception(Vector::UD); }
inline Event raise(Vector v, u32 code) { return Event::exception(v, code); }

// IN/OUT/INS/OUTS: whether the current privilege may use `size` bytes of ports from
// `port` (IOPL, then the TSS I/O permission bitmap); false with #GP(0) or a #PF pending.
bool check_io(Cpu& cpu, u16 port, unsigned size);

inline u64 size_mask(unsigned size) { return Cpu::size_mask(size); }
inline u64 sign_extend(u64 v, unsigned size) {
    const unsigned sh = 64 - 8 * size;
    return static_cast<u64>(static_cast<i64>(v << sh) >> sh);
}
inline u64 imm_value(const Insn& in) { return in.imm & size_mask(in.opsize); }

inline bool read_e(Cpu& cpu, const Insn& in, u64& v) {
    if (in.mem()) return cpu.read_mem(cpu.linear(in), in.esize, v);
    v = cpu.reg(in.rm, in.esize);
    return true;
}
inline bool write_e(Cpu& cpu, const Insn& in, u64 v) {
    if (in.mem()) return cpu.write_mem(cpu.linear(in), in.esize, v);
    cpu.set_reg(in.rm, in.esize, v);
    return true;
}
// Read-modify-write: `lin` carries the address from the read to the write.
inline bool read_e_at(Cpu& cpu, const Insn& in, u64& lin, u64& v) {
    if (!in.mem()) {
        v = cpu.reg(in.rm, in.esize);
        return true;
    }
    lin = cpu.linear(in);
    return cpu.read_mem(lin, in.esize, v);
}
inline bool write_e_at(Cpu& cpu, const Insn& in, u64 lin, u64 v) {
    if (!in.mem()) {
        cpu.set_reg(in.rm, in.esize, v);
        return true;
    }
    return cpu.write_mem(lin, in.esize, v);
}

inline u64 read_g(const Cpu& cpu, const Insn& in) { return cpu.reg(in.reg, in.opsize); }
inline void write_g(Cpu& cpu, const Insn& in, u64 v) { cpu.set_reg(in.reg, in.opsize, v); }

// The source of a two-operand instruction whose destination is E: immediate or G.
inline u64 read_src_g_or_imm(const Cpu& cpu, const Insn& in) {
    return in.has(insn_flags::Imm) ? imm_value(in) : read_g(cpu, in);
}

}  // namespace flint::x86
