#include "devices/virtio/rng.h"

#include <sys/random.h>

#include <cerrno>

namespace flint::virtio {

namespace {

// Fills [p, p+len) from the host's entropy pool; returns the bytes filled.
u64 fill_random(u8* p, u64 len) {
    u64 done = 0;
    while (done < len) {
        const ssize_t n = ::getrandom(p + done, len - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<u64>(n);
    }
    return done;
}

// A request is served up to this many bytes, so that a guest offering a huge buffer
// cannot keep the vCPU thread in getrandom for long; the driver asks again.
constexpr u64 kMaxBytesPerRequest = 64 * KiB;

}  // namespace

void RngDevice::process_queue(Transport& transport, u32 index) {
    serve_queue(transport, index, m_chain, [](const DescriptorChain& chain) {
        u64 left = kMaxBytesPerRequest;
        u64 filled = 0;
        for (const ChainBuffer& b : chain.writable) {
            const u64 want = std::min<u64>(b.len, left);
            const u64 got = fill_random(b.host, want);
            filled += got;
            left -= got;
            if (got < want || left == 0) break;
        }
        return static_cast<u32>(filled);
    });
}

}  // namespace flint::virtio
