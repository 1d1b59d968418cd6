#include "devices/virtio/blk.h"

#include <cstddef>
#include <cstring>

#include "base/bits.h"

namespace flint::virtio {

namespace {

// struct virtio_blk_config (section 5.2.4), the fields up to write_zeroes_may_unmap.
struct BlkConfig {
    u64 capacity;  // 512-byte sectors
    u32 size_max;
    u32 seg_max;
    u16 cylinders;
    u8 heads;
    u8 sectors;
    u32 blk_size;
    u8 physical_block_exp;
    u8 alignment_offset;
    u16 min_io_size;
    u32 opt_io_size;
    u8 writeback;
    u8 unused0;
    u16 num_queues;
    u32 max_discard_sectors;
    u32 max_discard_seg;
    u32 discard_sector_alignment;
    u32 max_write_zeroes_sectors;
    u32 max_write_zeroes_seg;
    u8 write_zeroes_may_unmap;
    u8 unused1[3];
};
static_assert(offsetof(BlkConfig, max_discard_sectors) == 36);
static_assert(offsetof(BlkConfig, write_zeroes_may_unmap) == 56);
// The bytes the guest sees: the structure without its tail padding.
constexpr size_t kConfigBytes = 60;
static_assert(sizeof(BlkConfig) >= kConfigBytes);

// Room for a header and a status descriptor beside the data in one chain.
constexpr u32 kSegMax = kDefaultQueueSize - 2;
constexpr u32 kDiscardAlignment = 8;  // sectors: 4 KiB, the host's page and block size

}  // namespace

BlockDevice::BlockDevice(std::unique_ptr<backends::Disk> disk, std::string id)
    : m_disk(std::move(disk)), m_handler(*m_disk, std::move(id)) {
    BlkConfig c{};
    c.capacity = m_handler.capacity_sectors();
    c.seg_max = kSegMax;
    c.num_queues = 1;
    c.max_discard_sectors = blk::kMaxRangeSectors;
    c.max_discard_seg = blk::kMaxRanges;
    c.discard_sector_alignment = kDiscardAlignment;
    c.max_write_zeroes_sectors = blk::kMaxRangeSectors;
    c.max_write_zeroes_seg = blk::kMaxRanges;
    c.write_zeroes_may_unmap = 1;
    m_config.resize(kConfigBytes);
    std::memcpy(m_config.data(), &c, kConfigBytes);  // x86 hosts: already little-endian
}

u64 BlockDevice::device_features() const {
    u64 f = blk_feature::kSegMax | blk_feature::kFlush;
    if (m_disk->access() == backends::Access::ReadOnly)
        f |= blk_feature::kRo;
    else
        f |= blk_feature::kDiscard | blk_feature::kWriteZeroes;
    return f;
}

void BlockDevice::read_config(u64 offset, std::span<u8> data) { read_config_bytes(m_config, offset, data); }

void BlockDevice::process_queue(Transport& transport, u32 index) {
    serve_queue(transport, index, m_chain, [this](const DescriptorChain& chain) { return m_handler.handle(chain); });
}

}  // namespace flint::virtio
