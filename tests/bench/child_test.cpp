#include "bench/child.h"

#include <gtest/gtest.h>

namespace flint::bench {
namespace {

TEST(BenchChild, Markers_TimedInOrderAndAfterTheirAnchor) {
    // "B" first shows before "A"; the marker anchored after "A" must skip it.
    ChildSpec spec{{"/bin/sh", "-c", "echo B; sleep 0.3; echo A; sleep 0.3; echo B; exit 3"},
                   {{"A", std::nullopt}, {"B", 0}, {"never", std::nullopt}}, 20};
    auto r = run_child(spec, {});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->end, ChildEnd::Exited);
    EXPECT_EQ(r->status, 3);
    ASSERT_TRUE(r->marker_s[0] && r->marker_s[1]);
    EXPECT_GE(*r->marker_s[0], 0.25);
    EXPECT_GE(*r->marker_s[1] - *r->marker_s[0], 0.25);
    EXPECT_FALSE(r->marker_s[2]);
    EXPECT_EQ(r->output, "B\nA\nB\n");
    EXPECT_GT(r->peak_rss_mib, 0);
}

TEST(BenchChild, Timeout_KillsTheChildAndItsGroup) {
    ChildSpec spec{{"/bin/sh", "-c", "sleep 30 & sleep 30"}, {}, 0.5};
    auto r = run_child(spec, {});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->end, ChildEnd::TimedOut);
    EXPECT_LT(r->elapsed_s, 5);
}

TEST(BenchChild, MissingProgram_ExitsWith127AndSaysSo) {
    auto r = run_child({{"/nonexistent/vmm"}, {}, 20}, {});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 127);
    EXPECT_NE(r->output.find("cannot run /nonexistent/vmm"), std::string::npos) << r->output;
}

}  // namespace
}  // namespace flint::bench
