#include "devices/virtio/blk_request.h"

#include <algorithm>
#include <array>

#include "base/bits.h"
#include "base/log.h"

namespace flint::virtio::blk {

namespace {

constexpr u32 kRangeFlagUnmap = 1;  // write-zeroes may deallocate

}  // namespace

RequestHandler::RequestHandler(backends::Disk& disk, std::string id)
    : m_disk(disk), m_id(std::move(id)), m_capacity(disk.size() / kSectorSize) {}

bool RequestHandler::sectors_in_range(u64 sector, u64 count) const {
    return sector <= m_capacity && count <= m_capacity - sector;
}

void RequestHandler::host_error(const Error& error) {
    if (!m_error_logged) {
        spdlog::warn("virtio-blk: {} (further I/O errors are counted, not logged)", error.message());
        m_error_logged = true;
    }
}

u32 RequestHandler::handle(const DescriptorChain& chain) {
    ++m_stats.requests;
    if (chain.writable_bytes == 0) {
        // Nowhere to put the status: the request cannot be answered, only returned.
        ++m_stats.no_status;
        return 0;
    }
    const u64 writable_data = chain.writable_bytes - 1;
    u32 data_written = 0;
    const Status status = execute(chain, writable_data, &data_written);
    if (status == Status::IoErr) ++m_stats.io_errors;
    const u8 byte = static_cast<u8>(status);
    copy_to_chain(chain, writable_data, std::span(&byte, 1));
    return data_written + 1;
}

Status RequestHandler::execute(const DescriptorChain& chain, u64 writable_data, u32* data_written) {
    std::array<u8, kHeaderBytes> header{};
    if (copy_from_chain(chain, Stream::Readable, 0, header) != kHeaderBytes) return Status::IoErr;
    const auto type = static_cast<RequestType>(load_le<u32>(header.data()));
    const u64 sector = load_le<u64>(header.data() + 8);
    switch (type) {
    case RequestType::In:
    case RequestType::Out: return transfer(chain, type, sector, writable_data, data_written);
    case RequestType::Flush: {
        auto r = m_disk.flush();
        if (r) return Status::Ok;
        host_error(r.error());
        return Status::IoErr;
    }
    case RequestType::GetId: return get_id(chain, writable_data, data_written);
    case RequestType::Discard:
    case RequestType::WriteZeroes: return ranges(chain, type);
    default: return Status::Unsupported;
    }
}

Status RequestHandler::transfer(const DescriptorChain& chain, RequestType type, u64 sector, u64 writable_data,
                                u32* data_written) {
    const bool read = type == RequestType::In;
    if (!read && m_disk.access() == backends::Access::ReadOnly) return Status::IoErr;
    const u64 len = read ? writable_data : chain.readable_bytes - kHeaderBytes;
    if (len % kSectorSize || !sectors_in_range(sector, len / kSectorSize)) return Status::IoErr;
    m_iov.clear();
    if (read)
        gather(chain, Stream::Writable, 0, len, m_iov);
    else
        gather(chain, Stream::Readable, kHeaderBytes, len, m_iov);
    auto r = read ? m_disk.read(sector * kSectorSize, m_iov) : m_disk.write(sector * kSectorSize, m_iov);
    if (!r) {
        host_error(r.error());
        return Status::IoErr;
    }
    // A chain's writable bytes fit in u32 per descriptor, but not necessarily in total.
    if (read) *data_written = static_cast<u32>(std::min<u64>(len, 0xfffffffe));
    return Status::Ok;
}

Status RequestHandler::ranges(const DescriptorChain& chain, RequestType type) {
    if (m_disk.access() == backends::Access::ReadOnly) return Status::IoErr;
    const u64 bytes = chain.readable_bytes - kHeaderBytes;
    if (bytes == 0 || bytes % kRangeBytes || bytes / kRangeBytes > kMaxRanges) return Status::IoErr;
    // Check every range before touching the disk, so a bad one fails the whole request.
    std::array<std::array<u8, kRangeBytes>, kMaxRanges> raw{};
    const u64 count = bytes / kRangeBytes;
    for (u64 i = 0; i < count; ++i) {
        copy_from_chain(chain, Stream::Readable, kHeaderBytes + i * kRangeBytes, raw[i]);
        const u64 sector = load_le<u64>(raw[i].data());
        const u32 sectors = load_le<u32>(raw[i].data() + 8);
        const u32 flags = load_le<u32>(raw[i].data() + 12);
        const u32 allowed_flags = type == RequestType::WriteZeroes ? kRangeFlagUnmap : 0;
        if (flags & ~allowed_flags) return Status::Unsupported;
        if (sectors > kMaxRangeSectors || !sectors_in_range(sector, sectors)) return Status::IoErr;
    }
    for (u64 i = 0; i < count; ++i) {
        const u64 offset = load_le<u64>(raw[i].data()) * kSectorSize;
        const u64 len = u64{load_le<u32>(raw[i].data() + 8)} * kSectorSize;
        auto r = type == RequestType::Discard ? m_disk.discard(offset, len) : m_disk.write_zeroes(offset, len);
        if (!r) {
            host_error(r.error());
            return Status::IoErr;
        }
    }
    return Status::Ok;
}

Status RequestHandler::get_id(const DescriptorChain& chain, u64 writable_data, u32* data_written) {
    // The ID is up to 20 bytes, NUL-padded (no terminator when it fills all 20).
    std::array<u8, kIdBytes> id{};
    std::copy_n(m_id.begin(), std::min<size_t>(m_id.size(), kIdBytes), id.begin());
    const u64 n = std::min<u64>(writable_data, kIdBytes);
    copy_to_chain(chain, 0, std::span(id.data(), n));
    *data_written = static_cast<u32>(n);
    return Status::Ok;
}

}  // namespace flint::virtio::blk
