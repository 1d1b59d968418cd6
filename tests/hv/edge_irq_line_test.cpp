#include "hv/edge_irq_line.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace flint::hv {
namespace {

// Counts the edges a back end would send (an irqfd write each).
class CountingEdgeLine final : public EdgeIrqLine {
public:
    std::atomic<int> edges{0};

private:
    void rising_edge() override { ++edges; }
};

TEST(EdgeIrqLine, RaiseWhileHigh_NoSecondEdge) {
    CountingEdgeLine line;
    line.set_level(true);
    line.set_level(true);
    EXPECT_EQ(line.edges.load(), 1);
    EXPECT_TRUE(line.high());
}

TEST(EdgeIrqLine, LowThenHigh_OneEdgeEach) {
    CountingEdgeLine line;
    line.set_level(false);  // low while low: nothing
    EXPECT_EQ(line.edges.load(), 0);
    for (int i = 0; i < 3; ++i) {
        line.set_level(true);
        line.set_level(false);
    }
    EXPECT_EQ(line.edges.load(), 3);
    EXPECT_FALSE(line.high());
    line.pulse();
    EXPECT_EQ(line.edges.load(), 4);
}

TEST(EdgeIrqLine, RacingRaises_OneEdge) {
    CountingEdgeLine line;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&line] {
            for (int n = 0; n < 1000; ++n) line.set_level(true);
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(line.edges.load(), 1);
}

}  // namespace
}  // namespace flint::hv
