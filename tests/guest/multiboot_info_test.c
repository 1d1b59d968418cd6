/* Checks what the multiboot loader hands over: the bootloader magic, the memory fields,
 * a memory map with RAM above 1 MiB, the command line and a loader name; then prints a
 * marker and passes. Each failed check exits with its own number. */
#include "guest.h"

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct __attribute__((packed)) mb_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
};

static int starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

/* Loaders differ in whether the kernel's own path comes first on the command line. */
static int contains(const char* s, const char* word) {
    for (; *s; ++s)
        if (starts_with(s, word)) return 1;
    return 0;
}

void test_main(uint32_t magic, const struct mb_info* info) {
    if (magic != 0x2BADB002) guest_exit(2);
    if (!(info->flags & 1) || info->mem_lower != 639 || info->mem_upper < 16 * 1024) guest_exit(3);
    if (!(info->flags & (1 << 6)) || info->mmap_length < 3 * sizeof(struct mb_mmap)) guest_exit(4);
    uint64_t usable_high = 0;
    for (uint32_t off = 0; off < info->mmap_length;) {
        const struct mb_mmap* e = (const struct mb_mmap*)(info->mmap_addr + off);
        if (e->type == 1 && e->addr >= 0x100000) usable_high += e->len;
        off += e->size + 4;
    }
    if (usable_high < 16u * 1024 * 1024) guest_exit(5);
    if (!(info->flags & (1 << 2)) || !contains((const char*)info->cmdline, "flint-guest-test")) guest_exit(6);
    if (!(info->flags & (1 << 9)) || !*(const char*)info->boot_loader_name) guest_exit(7);
    put_str("FLINT-MULTIBOOT-OK\n");
    guest_exit(GUEST_PASS);
}
