#include "bench/smaps.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

namespace flint::bench {
namespace {

TEST(BenchSmaps, MappingOfThatSize_ShowsWhatWasTouched) {
    // An odd size, so that no other mapping of this process has it.
    const size_t size = 3 * MiB + 12 * KiB;
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    ::madvise(p, size, MADV_NOHUGEPAGE);
    auto before = resident_of_mapping(::getpid(), size);
    ASSERT_TRUE(before);
    EXPECT_EQ(*before, 0u);
    std::memset(p, 1, MiB);
    auto after = resident_of_mapping(::getpid(), size);
    ASSERT_TRUE(after);
    EXPECT_GE(*after, MiB);
    EXPECT_LT(*after, 2 * MiB);
    ::munmap(p, size);
    EXPECT_FALSE(resident_of_mapping(::getpid(), size));
}

TEST(BenchSmaps, GoneProcess_HasNone) {
    EXPECT_FALSE(resident_of_mapping(-1, MiB));
}

}  // namespace
}  // namespace flint::bench
