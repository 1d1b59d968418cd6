/* Reporting for the long-mode test programs: failed checks and unexpected events print
 * what happened to COM1, then end the VM with their own status. */
#include "long_mode.h"

void put_hex(uint64_t v) {
    put_str("0x");
    for (int shift = 60; shift >= 0; shift -= 4) put_char("0123456789abcdef"[(v >> shift) & 15]);
}

void lm_fail(unsigned n, const char* what, uint64_t got, uint64_t want) {
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

/* Any vector without a handler: a test went wrong in a way no check anticipated. */
void lm_unexpected(struct frame* f) {
    put_str("unexpected vector ");
    put_hex(f->vector);
    put_str(" error ");
    put_hex(f->error);
    put_str(" rip ");
    put_hex(f->rip);
    put_str(" cs ");
    put_hex(f->cs);
    put_str(" cr2 ");
    put_hex(read_cr2());
    put_str("\n");
    guest_exit(126);
}
