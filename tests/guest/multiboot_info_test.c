/* Checks what the multiboot loader hands over: the bootloader magic, the memory fields,
 * a memory map with RAM above 1 MiB, the command line and a loader name; then prints a
 * marker and passes. Each failed check exits with its own number. */
#include "guest.h"
#include "multiboot.h"

void test_main(uint32_t magic, const struct mb_info* info) {
    if (magic != 0x2BADB002) guest_exit(2);
    if (!(info->flags & MB_INFO_MEMORY) || info->mem_lower != 639 || info->mem_upper < 16 * 1024) guest_exit(3);
    if (!(info->flags & MB_INFO_MMAP) || info->mmap_length < 3 * sizeof(struct mb_mmap)) guest_exit(4);
    uint64_t usable_high = 0;
    for (uint32_t off = 0; off < info->mmap_length;) {
        const struct mb_mmap* e = (const struct mb_mmap*)(info->mmap_addr + off);
        if (e->type == 1 && e->addr >= 0x100000) usable_high += e->len;
        off += e->size + 4;
    }
    if (usable_high < 16u * 1024 * 1024) guest_exit(5);
    if (!mb_cmdline_has(info, "flint-guest-test")) guest_exit(6);
    if (!(info->flags & MB_INFO_LOADER_NAME) || !*(const char*)info->boot_loader_name) guest_exit(7);
    put_str("FLINT-MULTIBOOT-OK\n");
    guest_exit(GUEST_PASS);
}
