#pragma once
// One PNG per suite, drawn by gnuplot: a group of bars per figure, one bar per contender
// at its median, whiskers from min to max.
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "bench/results.h"

namespace flint::bench {

// The gnuplot data (one row per figure: label, then median min max per contender) and the
// script that draws `suite` into `png`.
std::string plot_data(const BenchResults& results, const std::vector<MetricRow>& rows, Suite suite);
std::string plot_script(const BenchResults& results, Suite suite, const std::string& data, const std::string& png);

// Writes DIR/<suite>.dat, .gp and .png for every suite; returns (suite, png file name)
// pairs for the report. Fails when gnuplot is missing or fails.
Result<std::vector<std::pair<std::string, std::string>>> write_plots(const BenchResults& results,
                                                                     const std::vector<MetricRow>& rows,
                                                                     const std::string& dir);

}  // namespace flint::bench
