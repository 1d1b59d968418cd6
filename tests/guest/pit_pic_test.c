/* The PC's legacy timer path: the 8259A pair initialised (ICW1-4) to vectors 0x20/0x28
 * with only IRQ0 unmasked, PIT channel 0 as a 100 Hz rate generator, interrupts reaching
 * the CPU through the local APIC's LINT0 (virtual-wire mode, as firmware leaves it).
 * With IF = 0 the request waits in the IRR; with IF = 1 ten IRQ0s arrive at vector
 * 0x20, each in service (ISR) in its handler and cleared by a non-specific EOI. */
#include "long_mode.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define OCW3_READ_IRR 0x0a
#define OCW3_READ_ISR 0x0b
#define PIC_EOI 0x20
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_DIVISOR 11932 /* 1193182 Hz / 11932 = 100 Hz */
#define IRQ0_VECTOR 0x20

static volatile unsigned ticks, ticks_not_in_service;

static uint8_t pic_read(uint8_t ocw3) {
    outb(PIC1_CMD, ocw3);
    return inb(PIC1_CMD);
}

static void irq0_handler(struct frame* f) {
    (void)f;
    ++ticks;
    if (!(pic_read(OCW3_READ_ISR) & 1)) ++ticks_not_in_service;
    outb(PIC1_CMD, PIC_EOI);
}

/* The 8259's spurious IRQ7 (no EOI: nothing is in service). */
static void spurious_handler(struct frame* f) { (void)f; }

void test_main(void) {
    exc_handlers[IRQ0_VECTOR] = irq0_handler;
    exc_handlers[IRQ0_VECTOR + 7] = spurious_handler;

    outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, IRQ0_VECTOR); /* ICW2: vector bases */
    outb(PIC2_DATA, IRQ0_VECTOR + 8);
    outb(PIC1_DATA, 1 << 2); /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode, normal EOI */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xfe); /* OCW1: IRQ0 only */
    outb(PIC2_DATA, 0xff);
    CHECK_EQ(1, inb(PIC1_DATA), 0xfe);
    CHECK_EQ(2, inb(PIC2_DATA), 0xff);

    outb(PIT_CMD, 0x34); /* channel 0, low then high byte, mode 2 (rate generator) */
    outb(PIT_CH0, PIT_DIVISOR & 0xff);
    outb(PIT_CH0, PIT_DIVISOR >> 8);

    /* IF = 0: the first period's request is held in the IRR. */
    unsigned long spins = 0;
    while (!(pic_read(OCW3_READ_IRR) & 1) && ++spins < 100000000ul) {
    }
    CHECK(3, pic_read(OCW3_READ_IRR) & 1);
    CHECK_EQ(4, ticks, 0);

    /* The counter counts down within its period (latched read). */
    outb(PIT_CMD, 0x00);
    const uint8_t lo = inb(PIT_CH0);
    const unsigned count = lo | (unsigned)inb(PIT_CH0) << 8;
    CHECK(5, count != 0 && count <= PIT_DIVISOR);

    while (ticks < 10) __asm__ volatile("sti; hlt; cli" ::: "memory");
    CHECK_EQ(10, ticks, 10);
    CHECK_EQ(11, ticks_not_in_service, 0);
    CHECK_EQ(12, pic_read(OCW3_READ_ISR), 0);

    outb(PIC1_DATA, 0xff);
    lm_pass("FLINT-PIT-PIC-OK");
}
