/* Long-mode entry shared by the 64-bit bare-metal test programs. The multiboot loader
 * enters in 32-bit protected mode with paging off; this file
 *   - identity-maps the first 4 GiB (so the local APIC page at 0xfee00000 is reachable):
 *     2 MiB pages, except the first 2 MiB, which use 4 KiB pages (pt_low) so that tests
 *     can change single pages; page 0 stays not present to catch null accesses. The
 *     leaves are supervisor-only; every upper level allows user access, so a test makes
 *     one page user-accessible by setting U/S in its PTE alone;
 *   - turns on PAE, EFER.LME and CR0.PG|WP and far-jumps to 64-bit code;
 *   - loads a GDT (kernel and user code/data, a 64-bit TSS with RSP0 and IST1 stacks)
 *     and an IDT whose 256 interrupt gates all lead to isr_common, which records the
 *     event in exc_last and calls the C handler registered in exc_handlers[vector];
 *   - calls test_main(), which never returns (it ends in an isa-debug-exit write).
 * Built as an x86-64 object: the 32-bit part is written under .code32. */
#include "long_mode_asm.h"

    .set MB_MAGIC, 0x1BADB002
    .set MB_FLAGS, 0x00000003
    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .set PTE_P, 1
    .set PTE_RW, 2
    .set PTE_US, 4
    .set PTE_PS, 0x80
    .set CR4_PAE, 0x20
    .set CR0_PG_WP, 0x80010000
    .set EFER_LME, 0x100

    .section .bss
    .balign 4096
    .globl pml4, pdpt, pd, pt_low
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4 * 4096              /* four page directories: 4 GiB of 2 MiB pages */
pt_low: .skip 4096                  /* 4 KiB pages for the first 2 MiB */
    .globl idt
idt:    .skip 256 * 16
    .globl exc_handlers
exc_handlers: .skip 256 * 8
    .balign 16
    .globl exc_last
exc_last: .skip 8 * 8               /* struct exc_record in long_mode.h */
    .balign 16
    .globl kstack_top, rsp0_stack_top, ist1_stack_top
    .skip 16384
kstack_top:
    .skip 8192
rsp0_stack_top:                     /* TSS.RSP0: ring 3 -> ring 0 interrupts */
    .skip 8192
ist1_stack_top:                     /* TSS.IST1 */
    .globl mb_magic, mb_info
mb_magic: .skip 4
mb_info:  .skip 4

    .section .data
    .balign 16
    .globl gdt, tss
gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08 kernel code, 64-bit */
    .quad 0x00cf92000000ffff        /* 0x10 kernel data */
    .quad 0x00cffa000000ffff        /* 0x18 user code, 32-bit (SYSRET's compatibility-mode base) */
    .quad 0x00cff2000000ffff        /* 0x20 user data */
    .quad 0x00affa000000ffff        /* 0x28 user code, 64-bit */
    .quad 0, 0                      /* 0x30 TSS, filled at run time (its base is split) */
gdt_end:
gdt_ptr32:                          /* for the 32-bit LGDT: limit, 4-byte base */
    .word gdt_end - gdt - 1
    .long gdt
    .balign 8
    .word 0, 0, 0
idt_ptr:                            /* 64-bit LIDT: limit, 8-byte base */
    .word 256 * 16 - 1
    .quad idt
    .balign 16
tss:                                /* 64-bit TSS: RSP0 at 4, IST1 at 0x24, I/O map base at 0x66 */
    .long 0
    .quad rsp0_stack_top, 0, 0
    .quad 0
    .quad ist1_stack_top, 0, 0, 0, 0, 0, 0
    .quad 0
    .word 0
    .word 104                       /* no I/O permission bitmap */
tss_end:

    .section .text
    .code32
    .globl _start
_start:
    mov $kstack_top, %esp
    mov %eax, mb_magic
    mov %ebx, mb_info
    /* Firmware may leave the 8259s unmasked (and a PIT tick running into vector 8):
     * mask them until a test programs them itself. */
    mov $0xff, %al
    out %al, $0x21
    out %al, $0xa1

    mov $pdpt + (PTE_P | PTE_RW | PTE_US), %eax
    mov %eax, pml4
    mov $pd + (PTE_P | PTE_RW | PTE_US), %eax
    xor %ecx, %ecx
1:  mov %eax, pdpt(, %ecx, 8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 1b
    xor %ecx, %ecx                  /* PDE i maps [i * 2 MiB, +2 MiB) */
2:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P | PTE_RW | PTE_PS), %eax
    mov %eax, pd(, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b
    mov $pt_low + (PTE_P | PTE_RW | PTE_US), %eax
    mov %eax, pd
    mov $1, %ecx                    /* PTE 0 stays not present */
3:  mov %ecx, %eax
    shl $12, %eax
    or $(PTE_P | PTE_RW), %eax
    mov %eax, pt_low(, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jne 3b

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PG_WP, %eax
    mov %eax, %cr0                  /* now in compatibility mode */
    lgdt gdt_ptr32
    ljmp $SEL_KCODE, $long_start

    .code64
long_start:
    mov $SEL_KDATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    mov $kstack_top, %esp

    /* TSS descriptor: limit, base split over bits 16-39 and 56-63, type 9 (available
     * 64-bit TSS), present; the second quadword holds base bits 32-63 (zero here). */
    lea tss(%rip), %rax
    mov %rax, %rdx
    and $0xffffff, %rdx
    shl $16, %rdx
    or $(tss_end - tss - 1), %rdx
    mov %rax, %rcx
    shr $24, %rcx
    and $0xff, %rcx
    shl $56, %rcx
    or %rcx, %rdx
    mov $0x89, %rcx
    shl $40, %rcx
    or %rcx, %rdx
    lea gdt(%rip), %rdi
    mov %rdx, SEL_TSS(%rdi)
    movq $0, SEL_TSS + 8(%rdi)
    mov $SEL_TSS, %eax
    ltr %ax

    /* IDT: gate i -> isr_stubs + 16 i, kernel code, DPL 0, no IST, interrupt gate. */
    lea isr_stubs(%rip), %rsi
    lea idt(%rip), %rdi
    mov $256, %ecx
4:  mov %rsi, %rax
    and $0xffff, %rax
    or $(SEL_KCODE << 16), %rax
    mov $0x8e00, %rdx
    shl $32, %rdx
    or %rdx, %rax
    mov %rsi, %rdx
    shr $16, %rdx
    and $0xffff, %rdx
    shl $48, %rdx
    or %rdx, %rax
    mov %rax, (%rdi)
    mov %rsi, %rdx
    shr $32, %rdx
    mov %rdx, 8(%rdi)
    add $16, %rsi
    add $16, %rdi
    dec %ecx
    jnz 4b
    lidt idt_ptr(%rip)

    call test_main
    EXIT 125                        /* test_main must not return */

/* One 16-byte stub per vector: a zero in place of the error code where the CPU pushes
 * none, then the vector, so that every frame has the same layout (struct frame). */
    .balign 16
isr_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    cld
    mov %rsp, %rdi
    lea exc_last(%rip), %rbx
    mov FRAME_VECTOR(%rdi), %rax
    mov %rax, 0(%rbx)
    mov FRAME_ERROR(%rdi), %rax
    mov %rax, 8(%rbx)
    mov %cr2, %rax
    mov %rax, 16(%rbx)
    mov FRAME_RIP(%rdi), %rax
    mov %rax, 24(%rbx)
    mov FRAME_CS(%rdi), %rax
    mov %rax, 32(%rbx)
    lea FRAME_RIP(%rdi), %rax
    mov %rax, 40(%rbx)
    incq 48(%rbx)
    mov FRAME_VECTOR(%rdi), %rax
    lea exc_handlers(%rip), %rcx
    mov (%rcx, %rax, 8), %rax
    test %rax, %rax
    jnz 5f
    lea lm_unexpected(%rip), %rax
5:  mov %rsp, %rbp
    and $-16, %rsp                  /* the C ABI's stack alignment */
    call *%rax
    mov %rbp, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                   /* vector and error code */
    iretq

    .section .note.GNU-stack, "", @progbits
