#include "bench/net_stream.h"

#include <cstring>

namespace flint::bench {

const NetBlock& net_block() {
    static const NetBlock block = [] {
        NetBlock b{};
        u64 x = 0x2545f4914f6cdd1dull;  // xorshift64, as net-bench.c
        for (size_t i = 0; i < b.size(); i += 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            std::memcpy(b.data() + i, &x, 8);
        }
        return b;
    }();
    return block;
}

void StreamHash::add(std::span<const u8> bytes) {
    m_total += bytes.size();
    size_t i = 0;
    for (; i < bytes.size() && m_npending; ++i) {
        m_pending |= u64{bytes[i]} << (8 * m_npending++);
        if (m_npending == 8) {
            mix(m_pending);
            m_pending = 0;
            m_npending = 0;
        }
    }
    for (; i + 8 <= bytes.size(); i += 8) {
        u64 word;
        std::memcpy(&word, bytes.data() + i, 8);
        mix(word);
    }
    for (; i < bytes.size(); ++i) m_pending |= u64{bytes[i]} << (8 * m_npending++);
}

u64 StreamHash::value() const {
    StreamHash end = *this;
    if (end.m_npending) end.mix(end.m_pending);
    end.mix(end.m_total);
    return end.m_hash;
}

u64 net_stream_hash(u64 bytes) {
    StreamHash h;
    for (u64 done = 0; done < bytes; done += kNetBlock) h.add(net_block());
    return h.value();
}

}  // namespace flint::bench
