#pragma once
// The human-readable outputs: the terminal table and the Markdown report.
#include <optional>
#include <string>
#include <vector>

#include "bench/results.h"

namespace flint::bench {

// "45.21 [44.10-47.00]" in the figure's unit; "-" when no run completed.
std::string format_summary(const std::optional<Summary>& s, std::string_view unit);
// "0.81x [0.47-1.09]"; "-" when no pair completed.
std::string format_ratio(const std::optional<Summary>& s);

std::string terminal_table(const BenchResults& results, const std::vector<MetricRow>& rows);

// `plots` are the PNG files written beside the report, by suite name ("boot" -> "boot.png").
std::string markdown_report(const BenchResults& results, const std::vector<MetricRow>& rows,
                            const std::vector<std::pair<std::string, std::string>>& plots);

}  // namespace flint::bench
