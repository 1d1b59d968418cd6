#pragma once
// Every instruction handler, grouped by the file that implements it. All share the one
// Handler signature; the opcode tables refer to them by address.
#include "x86/insn.h"

namespace flint::x86 {

// exec_alu.cpp — two-operand arithmetic/logic, unary ALU, exchange family.
Event op_alu(Cpu&, const Insn&);  // ext: 0 ADD 1 OR 2 ADC 3 SBB 4 AND 5 SUB 6 XOR 7 CMP
Event op_test(Cpu&, const Insn&);
Event op_inc(Cpu&, const Insn&);
Event op_dec(Cpu&, const Insn&);
Event op_not(Cpu&, const Insn&);
Event op_neg(Cpu&, const Insn&);
Event op_xchg(Cpu&, const Insn&);
Event op_xadd(Cpu&, const Insn&);
Event op_cmpxchg(Cpu&, const Insn&);
Event op_cmpxchg8b(Cpu&, const Insn&);  // CMPXCHG8B, or CMPXCHG16B with REX.W

// exec_shift.cpp — ext: 0 ROL 1 ROR 2 RCL 3 RCR 4 SHL 5 SHR 6 SAL 7 SAR.
Event op_shift(Cpu&, const Insn&);
Event op_shld(Cpu&, const Insn&);
Event op_shrd(Cpu&, const Insn&);

// exec_muldiv.cpp
Event op_mul(Cpu&, const Insn&);
Event op_imul1(Cpu&, const Insn&);  // one operand: rDX:rAX = rAX * E
Event op_imul2(Cpu&, const Insn&);  // G = G * E
Event op_imul3(Cpu&, const Insn&);  // G = E * imm
Event op_div(Cpu&, const Insn&);
Event op_idiv(Cpu&, const Insn&);

// exec_bit.cpp — ext for op_bt: 0 BT 1 BTS 2 BTR 3 BTC.
Event op_bt(Cpu&, const Insn&);
Event op_bsf(Cpu&, const Insn&);
Event op_bsr(Cpu&, const Insn&);
Event op_tzcnt(Cpu&, const Insn&);
Event op_lzcnt(Cpu&, const Insn&);
Event op_popcnt(Cpu&, const Insn&);
Event op_bswap(Cpu&, const Insn&);

// exec_string.cpp — REP/REPE/REPNE aware, restartable after a fault mid-way.
Event op_movs(Cpu&, const Insn&);
Event op_cmps(Cpu&, const Insn&);
Event op_stos(Cpu&, const Insn&);
Event op_lods(Cpu&, const Insn&);
Event op_scas(Cpu&, const Insn&);
Event op_ins(Cpu&, const Insn&);
Event op_outs(Cpu&, const Insn&);

// exec_control.cpp — ext holds the condition code where there is one.
Event op_jcc(Cpu&, const Insn&);
Event op_jmp_rel(Cpu&, const Insn&);
Event op_jmp_ind(Cpu&, const Insn&);
Event op_call_rel(Cpu&, const Insn&);
Event op_call_ind(Cpu&, const Insn&);
Event op_ret(Cpu&, const Insn&);
Event op_loop(Cpu&, const Insn&);  // ext: 0 LOOPNE 1 LOOPE 2 LOOP
Event op_jcxz(Cpu&, const Insn&);
Event op_setcc(Cpu&, const Insn&);
Event op_cmovcc(Cpu&, const Insn&);

// exec_stack.cpp
Event op_push(Cpu&, const Insn&);
Event op_push_imm(Cpu&, const Insn&);
Event op_pop(Cpu&, const Insn&);
Event op_pushf(Cpu&, const Insn&);
Event op_popf(Cpu&, const Insn&);
Event op_enter(Cpu&, const Insn&);
Event op_leave(Cpu&, const Insn&);
Event op_pusha(Cpu&, const Insn&);
Event op_popa(Cpu&, const Insn&);
Event op_push_seg(Cpu&, const Insn&);  // ext: segment register
Event op_pop_seg(Cpu&, const Insn&);

// exec_mov.cpp
Event op_mov(Cpu&, const Insn&);
Event op_movzx(Cpu&, const Insn&);
Event op_movsx(Cpu&, const Insn&);
Event op_movsxd_arpl(Cpu&, const Insn&);
Event op_load_far_ptr(Cpu&, const Insn&);
Event op_lea(Cpu&, const Insn&);
Event op_cbw(Cpu&, const Insn&);  // CBW/CWDE/CDQE
Event op_cwd(Cpu&, const Insn&);  // CWD/CDQ/CQO
Event op_xlat(Cpu&, const Insn&);
Event op_movbe(Cpu&, const Insn&);
Event op_mov_from_seg(Cpu&, const Insn&);
Event op_mov_to_seg(Cpu&, const Insn&);
Event op_lahf(Cpu&, const Insn&);
Event op_sahf(Cpu&, const Insn&);

// exec_misc.cpp
Event op_nop(Cpu&, const Insn&);
Event op_pause(Cpu&, const Insn&);
Event op_ud(Cpu&, const Insn&);             // defined as invalid (UD0/UD1/UD2)
Event op_unimplemented(Cpu&, const Insn&);  // valid on hardware, not (yet) here: #UD

// exec_x87.cpp (and exec_x87_*.cpp) — the x87 FPU.
Event op_x87(Cpu&, const Insn&);    // D8-DF
Event op_fwait(Cpu&, const Insn&);  // 9B
Event op_cpuid(Cpu&, const Insn&);
Event op_rdtsc(Cpu&, const Insn&);
Event op_flag(Cpu&, const Insn&);           // ext: 0 CLC 1 STC 2 CLI 3 STI 4 CLD 5 STD 6 CMC
Event op_in(Cpu&, const Insn&);
Event op_out(Cpu&, const Insn&);
Event op_int3(Cpu&, const Insn&);
Event op_int(Cpu&, const Insn&);
Event op_into(Cpu&, const Insn&);
Event op_int1(Cpu&, const Insn&);

// exec_system.cpp — privileged and system instructions.
Event op_hlt(Cpu&, const Insn&);
Event op_mov_cr(Cpu&, const Insn&);  // 0F 20 / 0F 22
Event op_mov_dr(Cpu&, const Insn&);  // 0F 21 / 0F 23
Event op_clts(Cpu&, const Insn&);
Event op_rdmsr(Cpu&, const Insn&);
Event op_wrmsr(Cpu&, const Insn&);
Event op_cache_flush(Cpu&, const Insn&);  // INVD, WBINVD
Event op_group6(Cpu&, const Insn&);       // 0F 00: SLDT/STR/LLDT/LTR
Event op_verify(Cpu&, const Insn&);       // 0F 00 /4 /5: VERR/VERW (exec_verify.cpp)
Event op_lar_lsl(Cpu&, const Insn&);      // 0F 02 LAR, 0F 03 LSL (exec_verify.cpp)
Event op_group7(Cpu&, const Insn&);       // 0F 01: xGDT/xIDT, SMSW/LMSW, INVLPG, SWAPGS, RDTSCP
Event op_group15(Cpu&, const Insn&);      // 0F AE: fences, CLFLUSH
Event op_syscall(Cpu&, const Insn&);
Event op_sysret(Cpu&, const Insn&);
Event op_sysenter(Cpu&, const Insn&);
Event op_sysexit(Cpu&, const Insn&);

// exec_far.cpp — far transfers.
Event op_jmp_far(Cpu&, const Insn&);
Event op_call_far(Cpu&, const Insn&);
Event op_retf(Cpu&, const Insn&);
Event op_iret(Cpu&, const Insn&);

// fxsave.cpp, exec_sse_mov.cpp, exec_sse_int.cpp, exec_sse_fp.cpp — SSE/SSE2. The
// ext of the table-driven handlers is an operation of sse_ops.h.
Event op_fxsave_group(Cpu&, const Insn&);  // 0F AE /0-/3: FXSAVE FXRSTOR LDMXCSR STMXCSR
Event op_sse_load(Cpu&, const Insn&);      // ext: 1 = 16-byte aligned (MOVAPS/MOVDQA...)
Event op_sse_store(Cpu&, const Insn&);     // ext: 1 = 16-byte aligned
Event op_movss_load(Cpu&, const Insn&);    // ext: element bytes, 4 MOVSS or 8 MOVSD
Event op_movss_store(Cpu&, const Insn&);
Event op_movlh_load(Cpu&, const Insn&);    // ext: 0 low half, 1 high half
Event op_movlh_store(Cpu&, const Insn&);
Event op_movd_load(Cpu&, const Insn&);
Event op_movd_store(Cpu&, const Insn&);
Event op_movq_load(Cpu&, const Insn&);
Event op_movq_store(Cpu&, const Insn&);
Event op_movnti(Cpu&, const Insn&);
Event op_maskmovdqu(Cpu&, const Insn&);
Event op_sse_int(Cpu&, const Insn&);        // ext: sse::IntOp
Event op_sse_shuffle(Cpu&, const Insn&);    // ext: 0 PSHUFD 1 PSHUFLW 2 PSHUFHW 3 SHUFPS 4 SHUFPD
Event op_sse_shift_imm(Cpu&, const Insn&);  // 66 0F 71-73; ext: opcode & 3
Event op_pinsrw(Cpu&, const Insn&);
Event op_pextrw(Cpu&, const Insn&);
Event op_movmsk(Cpu&, const Insn&);  // ext: 0 MOVMSKPS 1 MOVMSKPD 2 PMOVMSKB
Event op_sse_fp(Cpu&, const Insn&);  // ext: sse::FpOp
Event op_sse_cmp(Cpu&, const Insn&);  // ext: 0 PS 1 PD 2 SS 3 SD; predicate in imm8
Event op_comis(Cpu&, const Insn&);    // ext: bit 0 COMIS (vs UCOMIS), bit 1 double
Event op_cvt_si2fp(Cpu&, const Insn&);  // ext: 0 CVTSI2SS 1 CVTSI2SD
Event op_cvt_fp2si(Cpu&, const Insn&);  // ext: bit 0 double source, bit 1 truncate
Event op_movdup(Cpu&, const Insn&);     // SSE3; ext: 0 MOVDDUP 1 MOVSLDUP 2 MOVSHDUP
Event op_palignr(Cpu&, const Insn&);    // SSSE3

// exec_mmx.cpp, exec_mmx_sse.cpp — MMX, and the SSE/SSE2/SSSE3 forms on MMX registers.
Event op_mmx_int(Cpu&, const Insn&);         // ext: sse::IntOp
Event op_mmx_shift_imm(Cpu&, const Insn&);   // 0F 71-73; ext: opcode & 3
Event op_mmx_load(Cpu&, const Insn&);        // ext: 0 MOVD/MOVQ from r/m (0F 6E), 1 MOVQ from mm/m64 (0F 6F)
Event op_mmx_store(Cpu&, const Insn&);       // ext: 0 MOVD/MOVQ to r/m (0F 7E), 1 MOVQ/MOVNTQ to mm/m64
Event op_emms(Cpu&, const Insn&);
Event op_pshufw(Cpu&, const Insn&);
Event op_palignr_mm(Cpu&, const Insn&);
Event op_pinsrw_mm(Cpu&, const Insn&);
Event op_pextrw_mm(Cpu&, const Insn&);
Event op_pmovmskb_mm(Cpu&, const Insn&);
Event op_maskmovq(Cpu&, const Insn&);
Event op_movq_xmm_mm(Cpu&, const Insn&);  // ext: 0 MOVDQ2Q 1 MOVQ2DQ
Event op_cvt_mmx(Cpu&, const Insn&);      // ext: 0 CVTPI2PS 1 CVTPI2PD 2 CVTTPS2PI 3 CVTPS2PI 4 CVTTPD2PI 5 CVTPD2PI

// exec_bcd.cpp — legacy decimal arithmetic (invalid in 64-bit mode).
Event op_bcd(Cpu&, const Insn&);  // ext: 0 DAA 1 DAS 2 AAA 3 AAS 4 AAM 5 AAD 6 SALC

}  // namespace flint::x86
