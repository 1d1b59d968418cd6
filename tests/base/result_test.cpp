#include "base/result.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

Result<int> parse_positive(int v) {
    if (v <= 0) return Error::format("{} is not positive", v);
    return v;
}

Result<int> doubled(int v) {
    int x = FLINT_TRY(parse_positive(v));
    return x * 2;
}

TEST(Result, Value_PassesThroughTry) {
    auto r = doubled(21);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, 42);
}

TEST(Result, Error_PropagatesThroughTry) {
    auto r = doubled(-3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "-3 is not positive");
}

TEST(Result, FromErrno_KeepsErrnoAndText) {
    Error e = Error::from_errno("open /nope", ENOENT).context("loading kernel");
    EXPECT_EQ(e.sys_errno(), ENOENT);
    EXPECT_EQ(e.message(), "loading kernel: open /nope: No such file or directory");
}

}  // namespace
}  // namespace flint
