#pragma once
// virtio-blk requests (virtio 1.2 section 5.2.6): parsing a descriptor chain and carrying
// it out on a disk. Kept apart from the device so that tests and the fuzzer can drive it
// with any chain.
//
// A request is a stream of device-readable bytes (a 16-byte header, then data for writes
// or discard/write-zeroes ranges) followed by device-writable bytes (data for reads or
// the ID, and a last status byte), split across descriptors in any way. A chain too short
// for its header, a transfer not a whole number of sectors, or any sector past the end
// of the disk gets VIRTIO_BLK_S_IOERR; the disk is never touched outside its range.
#include <sys/uio.h>

#include <string>
#include <vector>

#include "backends/disk.h"
#include "base/types.h"
#include "devices/virtio/queue.h"

namespace flint::virtio::blk {

inline constexpr u64 kSectorSize = 512;
inline constexpr u64 kHeaderBytes = 16;  // type, ioprio, sector
inline constexpr u64 kIdBytes = 20;
inline constexpr u64 kRangeBytes = 16;   // discard / write-zeroes segment
inline constexpr u32 kMaxRanges = 32;    // max_discard_seg and max_write_zeroes_seg
inline constexpr u32 kMaxRangeSectors = 1u << 22;  // 2 GiB per request

enum class RequestType : u32 {
    In = 0,
    Out = 1,
    Flush = 4,
    GetId = 8,
    GetLifetime = 10,
    Discard = 11,
    WriteZeroes = 13,
    SecureErase = 14,
};

enum class Status : u8 { Ok = 0, IoErr = 1, Unsupported = 2 };

struct RequestStats {
    u64 requests = 0;
    u64 io_errors = 0;      // requests answered with IOERR (guest or host fault)
    u64 no_status = 0;      // chains without a writable status byte: not answerable
};

class RequestHandler {
public:
    // `id` is what GET_ID answers (at most 20 bytes are used).
    RequestHandler(backends::Disk& disk, std::string id);

    u64 capacity_sectors() const { return m_capacity; }

    // Carries out one request; returns the bytes written into the chain's writable
    // buffers (data and status), as the used ring reports them.
    u32 handle(const DescriptorChain& chain);

    const RequestStats& stats() const { return m_stats; }

private:
    Status execute(const DescriptorChain& chain, u64 writable_data, u32* data_written);
    Status transfer(const DescriptorChain& chain, RequestType type, u64 sector, u64 writable_data, u32* data_written);
    Status ranges(const DescriptorChain& chain, RequestType type);
    Status get_id(const DescriptorChain& chain, u64 writable_data, u32* data_written);
    bool sectors_in_range(u64 sector, u64 count) const;
    void host_error(const Error& error);

    backends::Disk& m_disk;
    std::string m_id;
    u64 m_capacity;
    std::vector<iovec> m_iov;  // scratch, reused across requests
    RequestStats m_stats;
    bool m_error_logged = false;
};

}  // namespace flint::virtio::blk
