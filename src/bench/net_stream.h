#pragma once
// The data of the net suite's throughput tests and the hash both ends check it with; the
// guest's side is scripts/guest/net-bench.c, which must compute the same.
#include <array>
#include <span>

#include "base/types.h"

namespace flint::bench {

// The stream is this 64 KiB pseudo-random block, repeated.
inline constexpr size_t kNetBlock = 64 * 1024;
using NetBlock = std::array<u8, kNetBlock>;
const NetBlock& net_block();

// FNV-1a over the stream's 8-byte little-endian words, whatever pieces it arrives in, with
// the length mixed in last: a lost, repeated or reordered byte changes it.
class StreamHash {
public:
    void add(std::span<const u8> bytes);
    u64 value() const;

private:
    void mix(u64 word) { m_hash = (m_hash ^ word) * 0x100000001b3ull; }
    u64 m_hash = 0xcbf29ce484222325ull;
    u64 m_pending = 0;
    unsigned m_npending = 0;
    u64 m_total = 0;
};

// The hash of `bytes` of the stream (a multiple of kNetBlock).
u64 net_stream_hash(u64 bytes);

}  // namespace flint::bench
