// The guest kernels of bench/x86-mips, written once: the benchmark calls them natively
// (they are in its own .text) and copies the bytes between x86mips_code_start and
// x86mips_code_end into guest memory for the software CPU, so both sides execute exactly
// the same instructions on the same input.
//
// Constraints that make that copy valid and the comparison fair:
//   - position-independent, no relocations and no references outside the block (the
//     dispatch table holds offsets relative to itself, resolved at run time);
//   - SysV calling convention (arguments in rdi, rsi, rdx; result in rax) and leaf
//     functions, so the guest needs only a stack whose return address points at a HLT;
//   - general-purpose instructions only (no SSE, no x87), all of which the interpreter
//     implements with CpuModel::flint_default();
//   - each kernel leaves its input unchanged (it rebuilds or copies what it mutates), so
//     the native side can call it repeatedly without restoring memory in between.

    .intel_syntax noprefix
    .text
    .p2align 6
    .globl x86mips_code_start
    .hidden x86mips_code_start
x86mips_code_start:

// u64 x86mips_int(u64 iterations, u64 seed)
// Integer loop on registers only: a multiply, shifts and rotates, LEA, 64- and 32-bit ALU
// operations (the latter zero-extend, which the interpreter must get right too). 15
// instructions per iteration, no memory access.
    .p2align 4
    .globl x86mips_int
    .hidden x86mips_int
    .type x86mips_int, @function
x86mips_int:
    mov     rax, rsi
    movabs  r8, 0x9e3779b97f4a7c15      // odd 64-bit constant: the multiply mixes all bits
    mov     r9, rsi
    not     r9
    xor     edx, edx
    mov     rcx, rdi
    test    rcx, rcx
    jz      2f
1:  imul    rax, r8
    mov     r10, rax
    shr     r10, 29
    xor     rax, r10
    add     r9, rax
    rol     r9, 13
    lea     r11, [r9 + r9*4 + 7]
    sub     rdx, r11
    sar     r11, 3
    and     r11d, 0xffff
    or      rdx, r11
    shl     r10, 5
    adc     rdx, r10                    // carry from the shift: flags feed the next op
    dec     rcx
    jnz     1b
2:  xor     rax, r9
    add     rax, rdx
    ret
    .size x86mips_int, . - x86mips_int

// u64 x86mips_bytes(u8* buf, u64 n, u64 passes)
// memcpy/strlen written as byte loops, the way unoptimised C compiles them. buf holds the
// source string (n bytes, NUL-terminated at n-1, no other NUL) followed by an n-byte
// destination. Each pass copies the source to the destination one byte at a time, then
// measures the copy with a byte-at-a-time strlen. Returns the sum of the lengths. n >= 1.
    .p2align 4
    .globl x86mips_bytes
    .hidden x86mips_bytes
    .type x86mips_bytes, @function
x86mips_bytes:
    xor     eax, eax
    test    rdx, rdx
    jz      3f
    lea     r8, [rdi + rsi]             // destination
1:  xor     ecx, ecx
2:  movzx   r9d, byte ptr [rdi + rcx]   // copy loop
    mov     byte ptr [r8 + rcx], r9b
    inc     rcx
    cmp     rcx, rsi
    jne     2b
    mov     r10, r8
4:  movzx   r9d, byte ptr [r10]         // strlen loop over the copy
    inc     r10
    test    r9d, r9d
    jnz     4b
    sub     r10, r8
    lea     rax, [rax + r10 - 1]        // the terminator is not part of the length
    dec     rdx
    jnz     1b
3:  ret
    .size x86mips_bytes, . - x86mips_bytes

// u64 x86mips_rep(u8* buf, u64 n, u64 passes)
// The same job with string instructions, on the same buffer layout: each pass clears the
// destination with REP STOSB (a fill byte that changes with the pass, never zero), copies
// the source over it with REP MOVSB and takes its length with REPNE SCASB. Returns the
// sum of the lengths. DF is clear on entry (SysV).
    .p2align 4
    .globl x86mips_rep
    .hidden x86mips_rep
    .type x86mips_rep, @function
x86mips_rep:
    mov     r8, rdi                     // source
    lea     r9, [rdi + rsi]             // destination
    mov     r10, rdx                    // passes left
    mov     r11, rsi                    // n
    xor     edx, edx                    // total length
    test    r10, r10
    jz      2f
1:  mov     rdi, r9
    mov     rcx, r11
    mov     eax, r10d
    or      eax, 1
    rep stosb
    mov     rsi, r8
    mov     rdi, r9
    mov     rcx, r11
    rep movsb
    mov     rdi, r9
    xor     eax, eax
    mov     rcx, -1
    repne scasb
    not     rcx                         // bytes scanned, terminator included
    lea     rdx, [rdx + rcx - 1]
    dec     r10
    jnz     1b
2:  mov     rax, rdx
    ret
    .size x86mips_rep, . - x86mips_rep

// u64 x86mips_isort(u32* a, u64 n, u64 passes)
// Branchy code with data-dependent exits: each pass fills a[0..n) from a 32-bit LCG that
// carries over between passes, insertion-sorts it, and folds the sorted array into a
// checksum (so a wrong order changes the result). n >= 2.
    .p2align 4
    .globl x86mips_isort
    .hidden x86mips_isort
    .type x86mips_isort, @function
x86mips_isort:
    push    rbx
    push    r12
    mov     r12, rdx                    // passes left
    xor     r11d, r11d                  // checksum
    mov     ebx, 12345                  // LCG state
    test    r12, r12
    jz      9f
1:  xor     ecx, ecx
2:  imul    ebx, ebx, 1103515245        // fill
    add     ebx, 12345
    mov     eax, ebx
    shr     eax, 8
    mov     dword ptr [rdi + rcx*4], eax
    inc     rcx
    cmp     rcx, rsi
    jb      2b
    mov     ecx, 1
3:  mov     eax, dword ptr [rdi + rcx*4]    // key
    mov     rdx, rcx
4:  mov     r8d, dword ptr [rdi + rdx*4 - 4]
    cmp     r8d, eax
    jbe     5f
    mov     dword ptr [rdi + rdx*4], r8d    // shift the larger element up
    dec     rdx
    jnz     4b
5:  mov     dword ptr [rdi + rdx*4], eax
    inc     rcx
    cmp     rcx, rsi
    jb      3b
    xor     ecx, ecx
6:  mov     eax, dword ptr [rdi + rcx*4]    // checksum: position-dependent
    xor     rax, rcx
    add     r11, rax
    rol     r11, 1
    inc     rcx
    cmp     rcx, rsi
    jb      6b
    dec     r12
    jnz     1b
9:  mov     rax, r11
    pop     r12
    pop     rbx
    ret
    .size x86mips_isort, . - x86mips_isort

// u64 x86mips_vm(const u8* program, const u64* regs_in, u64* regs_out)
// A tiny bytecode interpreter: the classic switch-in-a-loop with a bounds check and an
// indirect jump through a table, which is as branchy as code gets. 16 64-bit registers
// (copied from regs_in to regs_out first, then worked on in place); 4-byte instructions
// op, a, b, c; jumps are relative to the next instruction, in instructions. Returns r0.
//   0 HALT               1 ADD  a = b + c     2 XOR a = b ^ c     3 AND a = b & c
//   4 MUL  a = b * c     5 SHRI a = b >> c    6 ADDI a = b + (i8)c
//   7 JZ   if a == 0: pc += (i8)c           8 JNZ if a != 0: pc += (i8)c
//   9 JMP  pc += (i8)c
// Any other opcode halts.
    .p2align 4
    .globl x86mips_vm
    .hidden x86mips_vm
    .type x86mips_vm, @function
x86mips_vm:
    xor     ecx, ecx
1:  mov     rax, qword ptr [rsi + rcx*8]
    mov     qword ptr [rdx + rcx*8], rax
    inc     ecx
    cmp     ecx, 16
    jne     1b
    mov     rsi, rdx                    // registers
    mov     rdx, rdi                    // pc
    lea     r8, [rip + .Lvm_table]
.Lvm_next:
    movzx   eax, byte ptr [rdx]
    add     rdx, 4
    cmp     eax, 10
    jae     .Lvm_halt
    movsxd  rax, dword ptr [r8 + rax*4]
    add     rax, r8
    jmp     rax

// Operand fetch, relative to the already advanced pc: a at -3, b at -2, c at -1.
.macro VM_BINOP insn
    movzx   ecx, byte ptr [rdx - 2]
    mov     rax, qword ptr [rsi + rcx*8]
    movzx   ecx, byte ptr [rdx - 1]
    \insn   rax, qword ptr [rsi + rcx*8]
    movzx   ecx, byte ptr [rdx - 3]
    mov     qword ptr [rsi + rcx*8], rax
    jmp     .Lvm_next
.endm

.Lvm_add:   VM_BINOP add
.Lvm_xor:   VM_BINOP xor
.Lvm_and:   VM_BINOP and
.Lvm_mul:   VM_BINOP imul
.Lvm_shri:
    movzx   ecx, byte ptr [rdx - 2]
    mov     rax, qword ptr [rsi + rcx*8]
    movzx   ecx, byte ptr [rdx - 1]
    shr     rax, cl
    movzx   ecx, byte ptr [rdx - 3]
    mov     qword ptr [rsi + rcx*8], rax
    jmp     .Lvm_next
.Lvm_addi:
    movzx   ecx, byte ptr [rdx - 2]
    mov     rax, qword ptr [rsi + rcx*8]
    movsx   r9, byte ptr [rdx - 1]
    add     rax, r9
    movzx   ecx, byte ptr [rdx - 3]
    mov     qword ptr [rsi + rcx*8], rax
    jmp     .Lvm_next
.Lvm_jz:
    movzx   ecx, byte ptr [rdx - 3]
    cmp     qword ptr [rsi + rcx*8], 0
    jne     .Lvm_next
    jmp     .Lvm_jmp
.Lvm_jnz:
    movzx   ecx, byte ptr [rdx - 3]
    cmp     qword ptr [rsi + rcx*8], 0
    je      .Lvm_next
.Lvm_jmp:
    movsx   rax, byte ptr [rdx - 1]
    lea     rdx, [rdx + rax*4]
    jmp     .Lvm_next
.Lvm_halt:
    mov     rax, qword ptr [rsi]
    ret

    .p2align 2
.Lvm_table:                             // offsets from the table: no relocations
    .long   .Lvm_halt - .Lvm_table
    .long   .Lvm_add - .Lvm_table
    .long   .Lvm_xor - .Lvm_table
    .long   .Lvm_and - .Lvm_table
    .long   .Lvm_mul - .Lvm_table
    .long   .Lvm_shri - .Lvm_table
    .long   .Lvm_addi - .Lvm_table
    .long   .Lvm_jz - .Lvm_table
    .long   .Lvm_jnz - .Lvm_table
    .long   .Lvm_jmp - .Lvm_table
    .size x86mips_vm, . - x86mips_vm

    .globl x86mips_code_end
    .hidden x86mips_code_end
x86mips_code_end:

    .section .note.GNU-stack, "", @progbits
