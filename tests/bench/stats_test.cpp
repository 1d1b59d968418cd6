#include "bench/stats.h"

#include <gtest/gtest.h>

namespace flint::bench {
namespace {

TEST(BenchStats, Empty_HasNoSummary) {
    EXPECT_FALSE(summarize(std::vector<double>{}).has_value());
}

TEST(BenchStats, OddCount_MedianIsMiddleValue) {
    const std::vector<double> v{5, 1, 9, 3, 7};
    auto s = summarize(v);
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->median, 5);
    EXPECT_DOUBLE_EQ(s->min, 1);
    EXPECT_DOUBLE_EQ(s->max, 9);
    EXPECT_EQ(s->count, 5u);
}

TEST(BenchStats, EvenCount_MedianIsMeanOfMiddleTwo) {
    const std::vector<double> v{4, 1, 10, 2};
    auto s = summarize(v);
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->median, 3);
}

TEST(BenchStats, PairRatios_SkipIncompletePairsAndZeroPeers) {
    const std::vector<std::optional<double>> flint{10.0, std::nullopt, 6.0, 3.0, 8.0};
    const std::vector<std::optional<double>> peer{5.0, 4.0, std::nullopt, 0.0, 16.0};
    const std::vector<double> r = pair_ratios(flint, peer);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_DOUBLE_EQ(r[0], 2.0);
    EXPECT_DOUBLE_EQ(r[1], 0.5);
}

TEST(BenchStats, MedianOfPairRatios_IsNotRatioOfMedians) {
    // Ratios 0.25, 5 and 1.2: their median is 1.2, while the medians give 6 / 4 = 1.5.
    const std::vector<std::optional<double>> flint{1.0, 10.0, 6.0};
    const std::vector<std::optional<double>> peer{4.0, 2.0, 5.0};
    auto s = summarize(pair_ratios(flint, peer));
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->median, 1.2);
    EXPECT_DOUBLE_EQ(s->min, 0.25);
    EXPECT_DOUBLE_EQ(s->max, 5.0);
}

}  // namespace
}  // namespace flint::bench
