#pragma once
// One PNG per suite and unit, drawn by gnuplot: a group of bars per figure, one bar per
// contender at its median, whiskers from min to max.
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "bench/results.h"

namespace flint::bench {

// The figures of one plot: those of one suite in one unit (one y axis). Named after the
// suite, with the unit added when the suite has several ("disk-mibs", "disk-iops").
struct PlotGroup {
    Suite suite;
    std::string name;
    std::vector<MetricDef> metrics;
};

std::vector<PlotGroup> plot_groups(std::span<const Suite> suites);

enum class YScale { Linear, Log };

// Log when the group's figures span more than a factor of 30 (from the smallest median to
// the largest max): a latency's p50 next to its worst case, say, would be a sliver.
YScale y_scale_for(const std::vector<MetricRow>& rows, const PlotGroup& group);

// The gnuplot data (one row per figure: label, then median min max per contender) and the
// script that draws the group into `png`.
std::string plot_data(const BenchResults& results, const std::vector<MetricRow>& rows, const PlotGroup& group);
std::string plot_script(const BenchResults& results, const PlotGroup& group, YScale scale, const std::string& data,
                        const std::string& png);

// Writes DIR/<group>.dat and .gp for every plot and, when `draw`, runs gnuplot on each to
// make DIR/<group>.png; returns (suite name, png file name) pairs for the report. Fails when
// gnuplot fails. Without `draw`, `cd DIR && gnuplot <group>.gp` makes the PNG later.
Result<std::vector<std::pair<std::string, std::string>>> write_plots(const BenchResults& results,
                                                                     const std::vector<MetricRow>& rows,
                                                                     const std::string& dir, bool draw);

}  // namespace flint::bench
