// libFuzzer target: arbitrary guest memory under a virtio-blk queue. The input becomes the
// first bytes of guest RAM, where the descriptor table and both rings live; the queue pops
// whatever chains that memory describes and the block request handler carries them out
// on an in-memory disk. AddressSanitizer watches the host side; the disk aborts on any
// access outside the image, which must never happen whatever the guest wrote.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backends/disk.h"
#include "devices/virtio/blk_request.h"
#include "devices/virtio/queue.h"
#include "fuzz_queue.h"

using namespace flint;

namespace {

constexpr u64 kDiskBytes = 64 * 1024;
// Rings packed into the first bytes of RAM, so that short inputs reach them: up to 16
// descriptors (256 bytes), then the available and the used ring.
constexpr u64 kDescAt = 0x000;
constexpr u64 kAvailAt = 0x100;
constexpr u64 kUsedAt = 0x140;

class MemDisk final : public backends::Disk {
public:
    explicit MemDisk(backends::Access access) : m_bytes(kDiskBytes), m_access(access) {}
    u64 size() const override { return m_bytes.size(); }
    backends::Access access() const override { return m_access; }
    Result<void> read(u64 offset, std::span<const iovec> buffers) override {
        for (const iovec& v : buffers) {
            check(offset, v.iov_len);
            std::memcpy(v.iov_base, m_bytes.data() + offset, v.iov_len);
            offset += v.iov_len;
        }
        return ok();
    }
    Result<void> write(u64 offset, std::span<const iovec> buffers) override {
        if (m_access == backends::Access::ReadOnly) std::abort();  // the handler must refuse first
        for (const iovec& v : buffers) {
            check(offset, v.iov_len);
            std::memcpy(m_bytes.data() + offset, v.iov_base, v.iov_len);
            offset += v.iov_len;
        }
        return ok();
    }
    Result<void> flush() override { return ok(); }
    Result<void> discard(u64 offset, u64 len) override { return write_zeroes(offset, len); }
    Result<void> write_zeroes(u64 offset, u64 len) override {
        if (m_access == backends::Access::ReadOnly) std::abort();
        check(offset, len);
        std::memset(m_bytes.data() + offset, 0, len);
        return ok();
    }

private:
    void check(u64 offset, u64 len) const {
        if (offset > m_bytes.size() || len > m_bytes.size() - offset) std::abort();
    }
    std::vector<u8> m_bytes;
    backends::Access m_access;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    static GuestMemory memory = *GuestMemory::create(1 * MiB);
    const fuzz::QueueShape shape = fuzz::queue_shape(data);
    const u16 queue_size = shape.size;
    const auto access = (data[1] & 4) ? backends::Access::ReadOnly : backends::Access::ReadWrite;
    fuzz::load_ram(memory, data + 2, size - 2);

    MemDisk disk(access);
    virtio::blk::RequestHandler handler(disk, "fuzz");
    virtio::Queue q(256);
    if (!fuzz::ready_queue(q, memory, shape, kDescAt, kAvailAt, kUsedAt)) return 0;
    virtio::DescriptorChain chain;
    // A queue hands out at most queue_size chains per avail index update; the bound only
    // keeps a bug from turning into a hang the fuzzer would report as a timeout.
    for (unsigned i = 0; i <= queue_size; ++i) {
        if (q.pop(memory, chain) != virtio::Queue::Pop::Chain) break;
        q.add_used(chain.head, handler.handle(chain));
        (void)q.should_notify();
    }
    return 0;
}
