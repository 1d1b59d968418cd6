/* The multiboot (v1) information structure a loader hands to a test program in EBX, and
 * a look-up in its command line. Shared by the 32-bit and the 64-bit programs: the
 * structure's addresses are 32-bit physical ones, which both environments identity-map. */
#pragma once
#include <stdint.h>

#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP (1u << 6)
#define MB_INFO_LOADER_NAME (1u << 9)

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

static inline int mb_starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

/* Whether `word` starts a word of the command line. Loaders differ in whether the
 * kernel's own path comes first, so any position counts. */
static inline int mb_cmdline_has(const struct mb_info* info, const char* word) {
    if (!(info->flags & MB_INFO_CMDLINE)) return 0;
    const char* s = (const char*)(uintptr_t)info->cmdline;
    for (int at_word = 1; *s; ++s) {
        if (at_word && mb_starts_with(s, word)) return 1;
        at_word = *s == ' ';
    }
    return 0;
}
