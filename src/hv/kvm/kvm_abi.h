#pragma once
// KVM structures that end in a flexible array, laid out as the kernel sees them.
//
// Linux 6.1's uapi headers declare these arrays with __DECLARE_FLEX_ARRAY, which in C++
// inserts an empty struct (one byte) before the array: sizeof(kvm_cpuid2) becomes 12
// instead of 8, the array moves, and every ioctl number computed from that size is one
// the kernel does not know (it answers EINVAL). Flint therefore builds these buffers
// itself: an 8-byte header of two u32s, the entries right after it, and ioctl numbers
// computed from the C size.
#include <linux/kvm.h>

#include <cstring>
#include <span>
#include <vector>

#include "base/types.h"

namespace flint::hv::kvm {

struct FlexHeader {
    u32 count;  // nent / nmsrs
    u32 padding;
};
static_assert(sizeof(FlexHeader) == 8);

inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, FlexHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, FlexHeader);
inline constexpr unsigned long kSetMsrs = _IOW(KVMIO, 0x89, FlexHeader);

// A header followed by `count` entries of T, in one buffer the kernel reads or fills.
template <typename T>
class FlexBuffer {
public:
    explicit FlexBuffer(size_t count) : m_bytes(sizeof(FlexHeader) + count * sizeof(T), 0) {
        set_count(static_cast<u32>(count));
    }
    explicit FlexBuffer(std::span<const T> entries) : FlexBuffer(entries.size()) {
        std::memcpy(m_bytes.data() + sizeof(FlexHeader), entries.data(), entries.size_bytes());
    }

    void* data() { return m_bytes.data(); }
    u32 count() const {
        FlexHeader h;
        std::memcpy(&h, m_bytes.data(), sizeof h);
        return h.count;
    }
    void set_count(u32 n) {
        FlexHeader h{n, 0};
        std::memcpy(m_bytes.data(), &h, sizeof h);
    }
    T entry(size_t i) const {
        T e;
        std::memcpy(&e, m_bytes.data() + sizeof(FlexHeader) + i * sizeof(T), sizeof(T));
        return e;
    }
    void set_entry(size_t i, const T& e) {
        std::memcpy(m_bytes.data() + sizeof(FlexHeader) + i * sizeof(T), &e, sizeof(T));
    }
    std::vector<T> entries() const {
        std::vector<T> v(count());
        for (size_t i = 0; i < v.size(); ++i) v[i] = entry(i);
        return v;
    }

private:
    std::vector<u8> m_bytes;
};

}  // namespace flint::hv::kvm
