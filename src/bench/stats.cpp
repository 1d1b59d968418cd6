#include "bench/stats.h"

#include <algorithm>

namespace flint::bench {

std::optional<Summary> summarize(std::span<const double> values) {
    if (values.empty()) return std::nullopt;
    std::vector<double> v(values.begin(), values.end());
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return Summary{median, v.front(), v.back(), n};
}

std::vector<double> pair_ratios(std::span<const std::optional<double>> a, std::span<const std::optional<double>> b) {
    std::vector<double> out;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] && b[i] && *b[i] != 0) out.push_back(*a[i] / *b[i]);
    }
    return out;
}

}  // namespace flint::bench
