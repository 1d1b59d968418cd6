#pragma once
// Guest misbehaviour (bad register values, unsupported modes, odd access widths) is
// counted and logged once per model, never fatal.
#include <spdlog/spdlog.h>

#include "base/types.h"

namespace flint::soft {

class GuestErrorCounter {
public:
    explicit GuestErrorCounter(const char* device) : m_device(device) {}

    template <typename... Args>
    void note(spdlog::format_string_t<Args...> fmt, Args&&... args) {
        if (m_count++ == 0) {
            spdlog::warn("{}: ignoring guest access (further ones counted, not logged): {}",
                         m_device, fmt::format(fmt, std::forward<Args>(args)...));
        }
    }
    u64 count() const { return m_count; }

private:
    const char* m_device;
    u64 m_count = 0;
};

}  // namespace flint::soft
