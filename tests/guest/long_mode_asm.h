/* Constants shared by the long-mode entry, the test programs' assembly and their C code,
 * and the reporting macros for 64-bit assembly: serial output and isa-debug-exit. */
#pragma once

/* GDT selectors (long_mode_entry.S). SYSRET takes its user selectors from
 * STAR[63:48] = SEL_UCODE32: SS = +8 (SEL_UDATA), 64-bit CS = +16 (SEL_UCODE64). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE32 0x18
#define SEL_UDATA 0x20
#define SEL_UCODE64 0x28
#define SEL_TSS 0x30

/* struct frame (long_mode.h): the general registers isr_common pushes, then the vector
 * and error code of the stub, then the CPU's interrupt frame. */
#define FRAME_VECTOR (15 * 8)
#define FRAME_ERROR (16 * 8)
#define FRAME_RIP (17 * 8)
#define FRAME_CS (18 * 8)

#ifdef __ASSEMBLER__
/* Ends the VM: flint exits with status (code << 1) | 1 (0 = pass). */
.macro EXIT code
    mov $\code, %al
    out %al, $0xf4
.Lexit_halt\@:
    hlt
    jmp .Lexit_halt\@
.endm

/* Writes one byte (in %al) to COM1 once its transmitter is empty. Clobbers %dx. */
.macro SERIAL_PUTC
    push %rax
    mov $0x3fd, %dx
.Lserial_wait\@:
    in %dx, %al
    test $0x20, %al
    jz .Lserial_wait\@
    pop %rax
    mov $0x3f8, %dx
    out %al, %dx
.endm

/* Writes a string constant to COM1. Clobbers %rax, %rdx, %rsi. */
.macro SERIAL_PUTS text
    .pushsection .rodata
.Lserial_text\@: .asciz "\text"
    .popsection
    lea .Lserial_text\@(%rip), %rsi
.Lserial_next\@:
    lodsb
    test %al, %al
    jz .Lserial_done\@
    SERIAL_PUTC
    jmp .Lserial_next\@
.Lserial_done\@:
.endm
#endif
