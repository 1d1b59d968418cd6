/* Multiboot (v1) entry shared by Flint's bare-metal test programs: the header the
 * loader looks for, a stack, and a call to test_main(magic, info). The loader enters in
 * 32-bit protected mode with paging off; test_main reports through the port helpers in
 * guest.h and never returns (it ends in an isa-debug-exit write). */
    .set MB_MAGIC, 0x1BADB002
    .set MB_FLAGS, 0x00000003          /* page-align modules, want memory info */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
stack_bottom:
    .skip 16384
stack_top:

    .section .text
    .globl _start
_start:
    mov $stack_top, %esp
    push %ebx                           /* multiboot information */
    push %eax                           /* bootloader magic */
    call test_main
1:  hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
