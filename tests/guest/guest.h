/* Helpers for Flint's bare-metal test programs: COM1 output and the isa-debug-exit port,
 * through which a test ends flint with status (v << 1) | 1. */
#pragma once
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void put_char(char c) {
    while (!(inb(0x3f8 + 5) & 0x20)) {
    }
    outb(0x3f8, (uint8_t)c);
}

static inline void put_str(const char* s) {
    while (*s) put_char(*s++);
}

/* Ends the VM: flint exits with status (code << 1) | 1. */
static inline __attribute__((noreturn)) void guest_exit(uint8_t code) {
    outb(0xf4, code);
    for (;;) __asm__ volatile("hlt");
}

/* Status conventions of the test programs: pass -> 0 (exit status 1); a failed check n
 * -> n (exit status 2n + 1). */
#define GUEST_PASS 0

static inline void put_hex(uint64_t v) {
    put_str("0x");
    for (int shift = 60; shift >= 0; shift -= 4) put_char("0123456789abcdef"[(v >> shift) & 15]);
}

/* Failed checks print a line to COM1 and exit with the check's number. */
static inline __attribute__((noreturn)) void guest_check_failed(unsigned n, const char* what, uint64_t got,
                                                                uint64_t want) {
    put_str("check ");
    put_hex(n);
    put_str(" failed: ");
    put_str(what);
    put_str(" (got ");
    put_hex(got);
    put_str(", want ");
    put_hex(want);
    put_str(")\n");
    guest_exit((uint8_t)n);
}

#define CHECK(n, cond)                                          \
    do {                                                        \
        if (!(cond)) guest_check_failed((n), #cond, 0, 0);      \
    } while (0)
#define CHECK_EQ(n, a, b)                                                        \
    do {                                                                         \
        uint64_t got_ = (uint64_t)(a), want_ = (uint64_t)(b);                    \
        if (got_ != want_) guest_check_failed((n), #a " == " #b, got_, want_);   \
    } while (0)
