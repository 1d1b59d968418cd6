#include "test_case.h"

#include <cstring>

#include "prng.h"

namespace flint::x86diff {

void build_data(const Case& c, std::span<u8> data) {
    Prng rng(c.data_seed);
    size_t i = 0;
    for (; i + 8 <= data.size(); i += 8) {
        u64 v = rng.next();
        std::memcpy(data.data() + i, &v, 8);
    }
    for (; i < data.size(); ++i) data[i] = static_cast<u8>(rng.next());
    for (unsigned p = 0; p < c.poke_count && p < kMaxPokes; ++p) {
        const Poke& k = c.pokes[p];
        if (k.size == 0 || k.size > 8 || size_t{k.offset} + k.size > data.size()) continue;
        std::memcpy(data.data() + k.offset, &k.value, k.size);
    }
}

DataDelta summarize_data(const Case& c, std::span<const u8> before, std::span<const u8> after) {
    DataDelta d;
    const size_t n = before.size() < after.size() ? before.size() : after.size();
    const size_t skip_lo = c.host_bytes_offset, skip_hi = skip_lo + c.host_bytes_len;
    // Word-at-a-time first: nearly every case changes nothing or a handful of bytes.
    for (size_t w = 0; w < n; w += 8) {
        u64 a = 0, b = 0;
        std::memcpy(&a, before.data() + w, 8);
        std::memcpy(&b, after.data() + w, 8);
        if (a == b) continue;
        for (size_t i = w; i < w + 8; ++i) {
            if (before[i] == after[i] || (i >= skip_lo && i < skip_hi)) continue;
            if (d.changed < kListedChanges) {
                d.offset[d.changed] = static_cast<u16>(i);
                d.value[d.changed] = after[i];
            }
            ++d.changed;
            d.hash = (d.hash ^ (u64{after[i]} << 16 | i)) * 0x100000001b3ull;
        }
    }
    return d;
}

const char* fault_class_name(FaultClass f) {
    switch (f) {
    case FaultClass::None: return "none";
    case FaultClass::Divide: return "#DE (SIGFPE)";
    case FaultClass::Invalid: return "#UD (SIGILL)";
    case FaultClass::Memory: return "#GP/#SS/#PF (SIGSEGV/SIGBUS)";
    case FaultClass::Trap: return "#DB/#BP (SIGTRAP)";
    case FaultClass::SimdFp: return "#XM (SIGFPE)";
    case FaultClass::X87Fp: return "#MF (SIGFPE)";
    case FaultClass::Other: return "other";
    }
    return "?";
}

const char* gpr_name(unsigned r) {
    static constexpr const char* kNames[kGprs] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                                  "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                                  "r12", "r13", "r14", "r15"};
    return r < kGprs ? kNames[r] : "?";
}

}  // namespace flint::x86diff
