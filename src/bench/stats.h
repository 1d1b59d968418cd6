#pragma once
// Medians and ranges of a handful of runs, and the Flint/peer ratio per run pair.
#include <optional>
#include <span>
#include <vector>

namespace flint::bench {

struct Summary {
    double median = 0;
    double min = 0;
    double max = 0;
    size_t count = 0;
};

// Empty when there are no values. The median of an even count is the mean of the middle two.
std::optional<Summary> summarize(std::span<const double> values);

// The ratios a[i] / b[i] of the pairs where both sides have a value and b is not zero.
std::vector<double> pair_ratios(std::span<const std::optional<double>> a, std::span<const std::optional<double>> b);

}  // namespace flint::bench
