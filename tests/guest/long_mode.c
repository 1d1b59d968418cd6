/* Reporting for the long-mode test programs: unexpected events print what happened to
 * COM1, then end the VM with their own status (failed checks: guest.h). */
#include "long_mode.h"

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
