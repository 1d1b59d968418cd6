/* Drives the first virtio-mmio device (a virtio-blk disk of at least 1 MiB, at
 * 0xd0000000) directly with hostile requests and descriptors, and checks that the device
 * answers each as the specification asks while flint stays up:
 *   - a truncated request header and sectors past the end get VIRTIO_BLK_S_IOERR;
 *   - a zero-length descriptor inside a good request is harmless;
 *   - a buffer outside guest RAM, a descriptor loop, and a chain longer than the queue
 *     each make the device report DEVICE_NEEDS_RESET with a configuration interrupt;
 *   - after a reset the device serves a good request again.
 * 32-bit flat mode, no paging: guest-physical addresses are pointers. Each failed check
 * exits with its own number. */
#include "guest.h"

#define MMIO ((volatile uint32_t*)0xd0000000u)
enum {
    MAGIC = 0x000 / 4, VERSION = 0x004 / 4, DEVICE_ID = 0x008 / 4, DEVICE_FEATURES = 0x010 / 4,
    DEVICE_FEATURES_SEL = 0x014 / 4, DRIVER_FEATURES = 0x020 / 4, DRIVER_FEATURES_SEL = 0x024 / 4,
    QUEUE_SEL = 0x030 / 4, QUEUE_NUM_MAX = 0x034 / 4, QUEUE_NUM = 0x038 / 4, QUEUE_READY = 0x044 / 4,
    QUEUE_NOTIFY = 0x050 / 4, INTERRUPT_STATUS = 0x060 / 4, INTERRUPT_ACK = 0x064 / 4, STATUS = 0x070 / 4,
    QUEUE_DESC_LOW = 0x080 / 4, QUEUE_DESC_HIGH = 0x084 / 4, QUEUE_DRIVER_LOW = 0x090 / 4,
    QUEUE_DRIVER_HIGH = 0x094 / 4, QUEUE_DEVICE_LOW = 0x0a0 / 4, QUEUE_DEVICE_HIGH = 0x0a4 / 4,
};
enum { ACK = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8, NEEDS_RESET = 64 };
enum { F_NEXT = 1, F_WRITE = 2 };
enum { T_IN = 0, T_OUT = 1, S_OK = 0, S_IOERR = 1 };

#define QSIZE 8u
struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct req {
    uint32_t type, ioprio;
    uint64_t sector;
};

static volatile struct desc* const descs = (volatile struct desc*)0x300000;
static volatile uint16_t* const avail = (volatile uint16_t*)0x301000; /* flags, idx, ring[] */
static volatile uint16_t* const used = (volatile uint16_t*)0x302000;  /* flags, idx, {id, len}[] */
static volatile struct req* const hdr = (volatile struct req*)0x303000;
static volatile uint8_t* const status_byte = (volatile uint8_t*)0x303100;
static volatile uint8_t* const data = (volatile uint8_t*)0x304000;
static uint16_t avail_idx;

static void set_desc(unsigned i, uint32_t addr, uint32_t len, uint16_t flags, uint16_t next) {
    descs[i].addr = addr;
    descs[i].len = len;
    descs[i].flags = flags;
    descs[i].next = next;
}

static void setup(void) {
    MMIO[STATUS] = 0;
    if (MMIO[STATUS] != 0) guest_exit(10);
    MMIO[STATUS] = ACK | DRIVER;
    MMIO[DRIVER_FEATURES_SEL] = 1;
    MMIO[DRIVER_FEATURES] = 1; /* VIRTIO_F_VERSION_1 */
    MMIO[DRIVER_FEATURES_SEL] = 0;
    MMIO[DRIVER_FEATURES] = 0;
    MMIO[STATUS] = ACK | DRIVER | FEATURES_OK;
    if (!(MMIO[STATUS] & FEATURES_OK)) guest_exit(11);
    MMIO[QUEUE_SEL] = 0;
    if (MMIO[QUEUE_READY] != 0 || MMIO[QUEUE_NUM_MAX] < QSIZE) guest_exit(12);
    for (unsigned i = 0; i < 0x3000; ++i) ((volatile uint8_t*)descs)[i] = 0;
    avail_idx = 0;
    MMIO[QUEUE_NUM] = QSIZE;
    MMIO[QUEUE_DESC_LOW] = (uint32_t)(uintptr_t)descs;
    MMIO[QUEUE_DESC_HIGH] = 0;
    MMIO[QUEUE_DRIVER_LOW] = (uint32_t)(uintptr_t)avail;
    MMIO[QUEUE_DRIVER_HIGH] = 0;
    MMIO[QUEUE_DEVICE_LOW] = (uint32_t)(uintptr_t)used;
    MMIO[QUEUE_DEVICE_HIGH] = 0;
    MMIO[QUEUE_READY] = 1;
    if (MMIO[QUEUE_READY] != 1) guest_exit(13);
    MMIO[STATUS] = ACK | DRIVER | FEATURES_OK | DRIVER_OK;
}

/* Notifies queue 0 and waits until the device has returned a chain or given up: a
 * notification is not served within the write that makes it (on kvm an ioeventfd hands it
 * to another host thread), so a driver waits for the used ring, as Linux does. Bounded,
 * so that a device that does neither fails the check that follows. */
static void notify_and_wait(void) {
    const uint16_t before = used[1];
    MMIO[QUEUE_NOTIFY] = 0;
    for (uint32_t i = 0; i < 1000000u; ++i)
        if (used[1] != before || (MMIO[STATUS] & NEEDS_RESET)) return;
}

/* Publishes the chain at `head` and notifies; returns the used length, or -1 when the
 * device did not return the chain. */
static int32_t submit(uint16_t head) {
    const uint16_t before = used[1];
    avail[2 + avail_idx % QSIZE] = head;
    __asm__ volatile("" ::: "memory");
    avail[1] = ++avail_idx;
    notify_and_wait();
    if (used[1] == before) return -1;
    const volatile uint32_t* elem = (const volatile uint32_t*)(used + 2) + 2 * (before % QSIZE);
    if (elem[0] != head) guest_exit(14);
    return (int32_t)elem[1];
}

/* A request: header, optional data descriptor (`len` bytes, device-writable for reads),
 * status. */
static int32_t request(uint32_t type, uint64_t sector, uint32_t len) {
    hdr->type = type;
    hdr->ioprio = 0;
    hdr->sector = sector;
    *status_byte = 0xee;
    set_desc(0, (uint32_t)(uintptr_t)hdr, sizeof(struct req), F_NEXT, 1);
    set_desc(1, (uint32_t)(uintptr_t)data, len, (uint16_t)(F_NEXT | (type == T_IN ? F_WRITE : 0)), 2);
    set_desc(2, (uint32_t)(uintptr_t)status_byte, 1, F_WRITE, 0);
    return submit(0);
}

static void expect_needs_reset(uint8_t check) {
    if (!(MMIO[STATUS] & NEEDS_RESET)) guest_exit(check);
    if (!(MMIO[INTERRUPT_STATUS] & 2)) guest_exit((uint8_t)(check + 1));
    MMIO[INTERRUPT_ACK] = MMIO[INTERRUPT_STATUS];
    setup(); /* a reset brings it back */
    if (MMIO[STATUS] & NEEDS_RESET) guest_exit((uint8_t)(check + 2));
}

void test_main(void) {
    if (MMIO[MAGIC] != 0x74726976 || MMIO[VERSION] != 2 || MMIO[DEVICE_ID] != 2) guest_exit(2);
    MMIO[DEVICE_FEATURES_SEL] = 1;
    if (!(MMIO[DEVICE_FEATURES] & 1)) guest_exit(3);
    setup();

    /* A good read of sector 0: 512 data bytes and the status. */
    if (request(T_IN, 0, 512) != 513 || *status_byte != S_OK) guest_exit(20);

    /* Truncated header: 8 of its 16 bytes. */
    set_desc(0, (uint32_t)(uintptr_t)hdr, 8, F_NEXT, 2);
    set_desc(2, (uint32_t)(uintptr_t)status_byte, 1, F_WRITE, 0);
    *status_byte = 0xee;
    if (submit(0) != 1 || *status_byte != S_IOERR) guest_exit(21);

    /* Sectors past the end, and a sector number that would overflow a byte offset. */
    if (request(T_IN, 1u << 30, 512) != 1 || *status_byte != S_IOERR) guest_exit(22);
    if (request(T_OUT, 0xffffffffffffffffull, 512) != 1 || *status_byte != S_IOERR) guest_exit(23);
    /* Not a whole sector. */
    if (request(T_OUT, 0, 100) != 1 || *status_byte != S_IOERR) guest_exit(24);

    /* A zero-length descriptor between the header and the data. */
    hdr->type = T_IN;
    hdr->sector = 1;
    set_desc(0, (uint32_t)(uintptr_t)hdr, sizeof(struct req), F_NEXT, 3);
    set_desc(3, 0xfffff000u, 0, F_NEXT | F_WRITE, 1);
    set_desc(1, (uint32_t)(uintptr_t)data, 512, F_NEXT | F_WRITE, 2);
    set_desc(2, (uint32_t)(uintptr_t)status_byte, 1, F_WRITE, 0);
    *status_byte = 0xee;
    if (submit(0) != 513 || *status_byte != S_OK) guest_exit(25);

    /* A buffer outside guest RAM (64 MiB): the device gives up until reset. */
    set_desc(0, (uint32_t)(uintptr_t)hdr, sizeof(struct req), F_NEXT, 1);
    set_desc(1, 0xc0000000u, 512, F_NEXT | F_WRITE, 2);
    if (submit(0) != -1) guest_exit(30);
    expect_needs_reset(31);

    /* A descriptor that chains to itself. */
    set_desc(0, (uint32_t)(uintptr_t)hdr, sizeof(struct req), F_NEXT, 0);
    if (submit(0) != -1) guest_exit(40);
    expect_needs_reset(41);

    /* A chain through every descriptor and back: longer than the queue. */
    for (unsigned i = 0; i < QSIZE; ++i) set_desc(i, (uint32_t)(uintptr_t)data, 16, F_NEXT, (uint16_t)((i + 1) % QSIZE));
    if (submit(3) != -1) guest_exit(50);
    expect_needs_reset(51);

    /* An available index far ahead of the device. */
    avail[1] = (uint16_t)(avail_idx + QSIZE + 1);
    notify_and_wait();
    expect_needs_reset(60);

    /* Still serving after all that. */
    if (request(T_IN, 0, 512) != 513 || *status_byte != S_OK) guest_exit(70);
    put_str("FLINT-VIRTIO-MMIO-OK\n");
    guest_exit(GUEST_PASS);
}
