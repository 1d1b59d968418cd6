#pragma once
// One Intel 8259A: interrupt request, in-service and mask registers, priority resolution,
// the initialisation sequence and the operation command words. No locking: Pic8259Pair
// owns two of these and serialises access.
#include "base/types.h"
#include "hv/soft/guest_error.h"
#include "hv/soft/pic8259_regs.h"

namespace flint::soft {

// Everything a snapshot must carry for one chip.
struct Pic8259State {
    u8 irr = 0;
    u8 isr = 0;
    u8 imr = 0;
    u8 elcr = 0;         // 1 = level-triggered input (PIIX ELCR)
    u8 line_levels = 0;  // current input levels, for edge detection
    u8 vector_base = 0;  // ICW2 & 0xf8
    u8 icw3 = 0;
    u8 lowest_priority = 7;  // the IR with the lowest priority (rotation)
    u8 init_step = 0;        // 0: operational; 2-4: expecting ICW2-ICW4
    bool expect_icw4 = false;
    bool single = false;
    bool level_all = false;  // ICW1 LTIM
    bool auto_eoi = false;
    bool rotate_on_aeoi = false;
    bool special_mask = false;
    bool read_isr = false;  // OCW3 RIS: command-port reads return ISR
    bool poll = false;      // next command-port read is a poll
};

class Pic8259 {
public:
    explicit Pic8259(const char* name) : m_errors(name) {}

    void set_irq(unsigned line, bool level);  // line 0-7
    // The IR the chip would present on INTA, or -1 when its INT output is low.
    int pending_irq() const;
    // One INTA cycle: returns the IR number being serviced (7 when spurious) and updates
    // IRR/ISR. `spurious` is set when no request was left to service.
    unsigned acknowledge(bool* spurious);

    void write(PicPort port, u8 value);
    u8 read(PicPort port);
    void write_elcr(u8 value, u8 writable);

    u8 vector_base() const { return m_s.vector_base; }
    const Pic8259State& state() const { return m_s; }
    void restore(const Pic8259State& s) { m_s = s; }
    u64 guest_errors() const { return m_errors.count(); }

private:
    bool level_triggered(unsigned line) const;
    // Priority 0 (highest) to 7 of IR `line` under the current rotation.
    unsigned priority_of(unsigned line) const;
    // The highest-priority IR set in `mask`, or -1.
    int highest(u8 mask) const;
    void write_icw1(u8 value);
    void write_ocw2(u8 value);
    void write_ocw3(u8 value);
    void write_data(u8 value);
    void eoi(int line, bool rotate);
    u8 poll_word();

    Pic8259State m_s;
    GuestErrorCounter m_errors;
};

}  // namespace flint::soft
