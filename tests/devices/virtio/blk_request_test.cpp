#include "devices/virtio/blk_request.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "backends/raw_file.h"
#include "virtio/fake_driver.h"

namespace flint::virtio::blk {
namespace {

using test::FakeDriver;

constexpr u64 kDiskBytes = 64 * kSectorSize;
constexpr u64 kHdr = FakeDriver::kData;            // request header
constexpr u64 kBuf = FakeDriver::kData + 0x1000;   // data
constexpr u64 kStatus = FakeDriver::kData + 0x100; // status byte

// A raw image in a temporary file, filled with a byte pattern; reopened per test.
class BlkRequestTest : public ::testing::Test {
protected:
    void SetUp() override {
        char name[] = "/tmp/flint-blk-test-XXXXXX";
        const int fd = ::mkstemp(name);
        ASSERT_GE(fd, 0);
        m_path = name;
        std::vector<u8> pattern(kDiskBytes);
        for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<u8>(i * 7 + i / kSectorSize);
        ASSERT_EQ(::write(fd, pattern.data(), pattern.size()), static_cast<ssize_t>(pattern.size()));
        ::close(fd);
        open(backends::Access::ReadWrite);
    }
    void TearDown() override {
        handler.reset();
        disk.reset();
        ::unlink(m_path.c_str());
    }
    void open(backends::Access access) {
        handler.reset();
        disk.reset();
        auto f = backends::RawFile::open(m_path, access);
        ASSERT_TRUE(f) << f.error().message();
        disk = std::move(*f);
        handler = std::make_unique<RequestHandler>(*disk, "serial-1234");
    }

    void header(RequestType type, u64 sector) {
        u8 h[16] = {};
        store_le<u32>(h, static_cast<u32>(type));
        store_le<u64>(h + 8, sector);
        drv.write(kHdr, h);
    }
    // Runs the chain `buffers` through the queue and the handler; returns the used length.
    u32 run(const std::vector<FakeDriver::Buffer>& buffers) {
        drv.write(kStatus, std::vector<u8>{0xee});
        drv.set_avail_idx(0);
        Queue q(16);
        q.set_size(16);
        q.set_desc_addr(FakeDriver::kDesc);
        q.set_avail_addr(FakeDriver::kAvail);
        q.set_used_addr(FakeDriver::kUsed);
        EXPECT_EQ(q.make_ready(mem), QueueError::None);
        FakeDriver fresh(mem, 16);
        fresh.publish(fresh.add_chain(buffers));
        DescriptorChain chain;
        EXPECT_EQ(q.pop(mem, chain), Queue::Pop::Chain);
        return handler->handle(chain);
    }
    u8 status() const { return drv.read(kStatus, 1)[0]; }
    std::vector<u8> file_bytes(u64 offset, size_t len) const {
        std::vector<u8> out(len);
        const int fd = ::open(m_path.c_str(), O_RDONLY);
        EXPECT_EQ(::pread(fd, out.data(), len, static_cast<off_t>(offset)), static_cast<ssize_t>(len));
        ::close(fd);
        return out;
    }

    GuestMemory mem = *GuestMemory::create(1 * MiB);
    FakeDriver drv{mem, 16};
    std::string m_path;
    std::unique_ptr<backends::RawFile> disk;
    std::unique_ptr<RequestHandler> handler;
};

TEST_F(BlkRequestTest, Read_CopiesSectorsAndReportsLength) {
    header(RequestType::In, 3);
    EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 1024, true}, {kStatus, 1, true}}), 1025u);
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
    EXPECT_EQ(drv.read(kBuf, 1024), file_bytes(3 * kSectorSize, 1024));
}

TEST_F(BlkRequestTest, Write_StoresSectors) {
    std::vector<u8> data(kSectorSize, 0x5a);
    drv.write(kBuf, data);
    header(RequestType::Out, 10);
    EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 512, false}, {kStatus, 1, true}}), 1u);
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
    EXPECT_EQ(file_bytes(10 * kSectorSize, 512), data);
}

TEST_F(BlkRequestTest, HeaderSplitAcrossDescriptors_Parsed) {
    header(RequestType::In, 1);
    EXPECT_EQ(run({{kHdr, 5, false}, {kHdr + 5, 11, false}, {kBuf, 300, true}, {kBuf + 300, 213, true}}), 513u);
    // The status is the chain's last writable byte.
    EXPECT_EQ(drv.read(kBuf + 512, 1)[0], static_cast<u8>(Status::Ok));
    EXPECT_EQ(drv.read(kBuf, 512), file_bytes(kSectorSize, 512));
}

TEST_F(BlkRequestTest, TruncatedHeader_IoErr) {
    header(RequestType::Out, 0);
    EXPECT_EQ(run({{kHdr, 15, false}, {kStatus, 1, true}}), 1u);
    EXPECT_EQ(status(), static_cast<u8>(Status::IoErr));
    EXPECT_EQ(handler->stats().io_errors, 1u);
}

TEST_F(BlkRequestTest, NoStatusByte_ReturnedUnanswered) {
    header(RequestType::In, 0);
    EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 512, false}}), 0u);
    EXPECT_EQ(handler->stats().no_status, 1u);
}

TEST_F(BlkRequestTest, OutOfRangeSectors_IoErrAndImageUnchanged) {
    const auto before = file_bytes(0, kDiskBytes);
    std::vector<u8> data(1024, 0x77);
    drv.write(kBuf, data);
    for (u64 sector : {u64{63}, u64{64}, u64{1000}, ~u64{0}, ~u64{0} / kSectorSize}) {
        header(RequestType::Out, sector);
        EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 1024, false}, {kStatus, 1, true}}), 1u);
        EXPECT_EQ(status(), static_cast<u8>(Status::IoErr)) << sector;
        header(RequestType::In, sector);
        EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 1024, true}, {kStatus, 1, true}}), 1u);
        EXPECT_EQ(status(), static_cast<u8>(Status::IoErr)) << sector;
    }
    EXPECT_EQ(file_bytes(0, kDiskBytes), before);
    struct stat st{};
    ASSERT_EQ(::stat(m_path.c_str(), &st), 0);
    EXPECT_EQ(static_cast<u64>(st.st_size), kDiskBytes);
}

TEST_F(BlkRequestTest, PartialSector_IoErr) {
    header(RequestType::Out, 0);
    EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 100, false}, {kStatus, 1, true}}), 1u);
    EXPECT_EQ(status(), static_cast<u8>(Status::IoErr));
}

TEST_F(BlkRequestTest, ReadOnly_WritesFailReadsWork) {
    open(backends::Access::ReadOnly);
    const auto before = file_bytes(0, kDiskBytes);
    drv.write(kBuf, std::vector<u8>(512, 1));
    header(RequestType::Out, 0);
    run({{kHdr, 16, false}, {kBuf, 512, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::IoErr));
    header(RequestType::WriteZeroes, 0);
    u8 range[16] = {};
    store_le<u32>(range + 8, 8);
    drv.write(kBuf, range);
    run({{kHdr, 16, false}, {kBuf, 16, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::IoErr));
    EXPECT_EQ(file_bytes(0, kDiskBytes), before);
    header(RequestType::In, 0);
    run({{kHdr, 16, false}, {kBuf, 512, true}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
    header(RequestType::Flush, 0);
    run({{kHdr, 16, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
}

TEST_F(BlkRequestTest, GetId_WritesSerial) {
    header(RequestType::GetId, 0);
    EXPECT_EQ(run({{kHdr, 16, false}, {kBuf, 20, true}, {kStatus, 1, true}}), 21u);
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
    const auto id = drv.read(kBuf, 20);
    EXPECT_EQ(std::string(id.begin(), id.begin() + 11), "serial-1234");
    EXPECT_EQ(id[11], 0);
}

TEST_F(BlkRequestTest, Flush_Ok) {
    header(RequestType::Flush, 0);
    EXPECT_EQ(run({{kHdr, 16, false}, {kStatus, 1, true}}), 1u);
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
}

TEST_F(BlkRequestTest, UnknownType_Unsupported) {
    header(static_cast<RequestType>(99), 0);
    run({{kHdr, 16, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::Unsupported));
}

TEST_F(BlkRequestTest, WriteZeroes_ZeroesOnlyItsRange) {
    u8 range[16] = {};
    store_le<u64>(range, 4);
    store_le<u32>(range + 8, 2);
    store_le<u32>(range + 12, 1);  // may unmap
    drv.write(kBuf, range);
    const auto before = file_bytes(0, kDiskBytes);
    header(RequestType::WriteZeroes, 0);
    run({{kHdr, 16, false}, {kBuf, 16, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::Ok));
    auto after = file_bytes(0, kDiskBytes);
    EXPECT_EQ(std::vector<u8>(after.begin() + 4 * 512, after.begin() + 6 * 512), std::vector<u8>(1024, 0));
    EXPECT_EQ(std::vector<u8>(after.begin(), after.begin() + 4 * 512),
              std::vector<u8>(before.begin(), before.begin() + 4 * 512));
    EXPECT_EQ(std::vector<u8>(after.begin() + 6 * 512, after.end()),
              std::vector<u8>(before.begin() + 6 * 512, before.end()));
}

TEST_F(BlkRequestTest, Ranges_BadSegmentFailsWholeRequest) {
    u8 ranges[32] = {};
    store_le<u64>(ranges, 0);
    store_le<u32>(ranges + 8, 1);
    store_le<u64>(ranges + 16, 63);
    store_le<u32>(ranges + 24, 2);  // past the end
    drv.write(kBuf, ranges);
    const auto before = file_bytes(0, kDiskBytes);
    header(RequestType::WriteZeroes, 0);
    run({{kHdr, 16, false}, {kBuf, 32, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::IoErr));
    EXPECT_EQ(file_bytes(0, kDiskBytes), before);
    // Discard takes no flags.
    store_le<u32>(ranges + 24, 1);
    store_le<u32>(ranges + 12, 1);
    drv.write(kBuf, ranges);
    header(RequestType::Discard, 0);
    run({{kHdr, 16, false}, {kBuf, 32, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::Unsupported));
    // A segment list that is not whole segments.
    header(RequestType::Discard, 0);
    run({{kHdr, 16, false}, {kBuf, 20, false}, {kStatus, 1, true}});
    EXPECT_EQ(status(), static_cast<u8>(Status::IoErr));
}

}  // namespace
}  // namespace flint::virtio::blk
