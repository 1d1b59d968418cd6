/* The local APIC timer: the software-enabled APIC (SVR) runs the timer one-shot, then
 * periodic, at vector 0x40; the CPU sleeps in HLT with interrupts on until the ticks
 * arrive. Each tick must be in service (ISR) in its handler and leave it on EOI; a
 * one-shot timer counts down to 0, a periodic one reloads. */
#include "long_mode.h"

#define APIC_BASE 0xfee00000ull
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ISR0 0x100
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define MSR_APIC_BASE 0x1bu
#define TIMER_VECTOR 0x40
#define SPURIOUS_VECTOR 0xff

static inline uint32_t apic_read(unsigned reg) { return mmio_read32(APIC_BASE + reg); }
static inline void apic_write(unsigned reg, uint32_t v) { mmio_write32(APIC_BASE + reg, v); }

static uint32_t timer_in_service(void) {
    return apic_read(APIC_ISR0 + 0x10 * (TIMER_VECTOR / 32)) & (1u << (TIMER_VECTOR % 32));
}

static volatile unsigned ticks, ticks_not_in_service;

static void timer_handler(struct frame* f) {
    (void)f;
    ++ticks;
    if (!timer_in_service()) ++ticks_not_in_service;
    apic_write(APIC_EOI, 0);
}

static void spurious_handler(struct frame* f) { (void)f; } /* no EOI for spurious */

/* Sleeps with interrupts enabled until `n` ticks were counted; STI's one-instruction
 * shadow keeps a tick from slipping in between the check and the HLT. */
static void wait_ticks(unsigned n) {
    while (ticks < n) __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void test_main(void) {
    exc_handlers[TIMER_VECTOR] = timer_handler;
    exc_handlers[SPURIOUS_VECTOR] = spurious_handler;

    const uint64_t base = rdmsr(MSR_APIC_BASE);
    CHECK(1, base & (1u << 11)); /* globally enabled */
    CHECK_EQ(2, base & 0xfffff000ull, APIC_BASE);
    apic_write(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
    CHECK_EQ(3, apic_read(APIC_SVR) & 0x1ff, 0x100 | SPURIOUS_VECTOR);

    /* The count runs down from the initial count even while the LVT entry is masked;
     * a long period (~68 s at divide-by-16 of a 1 GHz clock, as on QEMU and Flint)
     * keeps a slow host from seeing it expire. */
    apic_write(APIC_TIMER_DIVIDE, 0x3);
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
    const uint32_t first = apic_read(APIC_TIMER_CURRENT);
    const uint32_t second = apic_read(APIC_TIMER_CURRENT);
    CHECK(4, first != 0 && second <= first);
    CHECK_EQ(5, apic_read(APIC_TIMER_INITIAL), 0xffffffffu);
    apic_write(APIC_TIMER_INITIAL, 0); /* stops the timer */

    /* One-shot, 10 ms. */
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
    CHECK_EQ(6, apic_read(APIC_LVT_TIMER), TIMER_VECTOR);
    apic_write(APIC_TIMER_INITIAL, 625000);
    wait_ticks(1);
    CHECK_EQ(10, ticks, 1);
    CHECK_EQ(11, apic_read(APIC_TIMER_CURRENT), 0);
    CHECK_EQ(12, timer_in_service(), 0);

    /* Periodic, 2 ms: five more ticks, and the count reloads. */
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
    apic_write(APIC_TIMER_INITIAL, 125000);
    wait_ticks(6);
    CHECK(20, apic_read(APIC_TIMER_CURRENT) != 0);
    CHECK_EQ(21, ticks_not_in_service, 0);
    CHECK_EQ(22, timer_in_service(), 0);

    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC | LVT_MASKED);
    apic_write(APIC_TIMER_INITIAL, 0);
    CHECK(23, apic_read(APIC_LVT_TIMER) & LVT_MASKED);
    lm_pass("FLINT-APIC-TIMER-OK");
}
