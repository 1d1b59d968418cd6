#include "bench/smaps.h"

#include <cstdio>

#include <fmt/format.h>

namespace flint::bench {

std::optional<u64> resident_of_mapping(pid_t pid, u64 size) {
    std::FILE* f = std::fopen(fmt::format("/proc/{}/smaps", pid).c_str(), "r");
    if (!f) return std::nullopt;
    std::optional<u64> best;
    bool in_match = false;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        unsigned long start = 0, end = 0, kib = 0;
        // A mapping's header ("start-end perms ..."); its fields ("Rss:  123 kB") follow.
        if (std::sscanf(line, "%lx-%lx", &start, &end) == 2) {
            in_match = end - start == size;
        } else if (in_match && std::sscanf(line, "Rss: %lu kB", &kib) == 1) {
            if (!best || kib * KiB > *best) best = kib * KiB;
            in_match = false;
        }
    }
    std::fclose(f);
    return best;
}

}  // namespace flint::bench
