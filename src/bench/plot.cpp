#include "bench/plot.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "bench/child.h"
#include "bench/text_file.h"

namespace flint::bench {

namespace {

// "MiB/s" -> "mibs": a unit as part of a file name.
std::string unit_slug(std::string_view unit) {
    std::string slug;
    for (char ch : unit) {
        if (std::isalnum(static_cast<unsigned char>(ch))) slug += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return slug;
}

}  // namespace

std::vector<PlotGroup> plot_groups(std::span<const Suite> suites) {
    std::vector<PlotGroup> groups;
    for (Suite suite : suites) {
        const size_t first = groups.size();
        for (const MetricDef& m : metrics_of(std::span(&suite, 1))) {
            auto it = std::find_if(groups.begin() + static_cast<std::ptrdiff_t>(first), groups.end(),
                                   [&m](const PlotGroup& g) { return g.metrics.front().unit == m.unit; });
            if (it == groups.end()) groups.push_back({suite, std::string(suite_name(suite)), {m}});
            else it->metrics.push_back(m);
        }
        if (groups.size() - first > 1) {
            for (size_t i = first; i < groups.size(); ++i) groups[i].name += "-" + unit_slug(groups[i].metrics.front().unit);
        }
    }
    return groups;
}

std::string plot_data(const BenchResults& results, const std::vector<MetricRow>& rows, const PlotGroup& group) {
    // (figure, contender) -> stats; a contender appears in one comparison only.
    std::map<std::pair<std::string_view, std::string>, Summary> stats;
    for (const MetricRow& row : rows) {
        if (row.flint_stats) stats[{row.metric.key, row.flint}] = *row.flint_stats;
        if (row.peer_stats) stats[{row.metric.key, row.peer}] = *row.peer_stats;
    }
    std::string data;
    for (const MetricDef& m : group.metrics) {
        data += fmt::format("\"{}\"", m.label);
        for (const Contender& c : results.contenders) {
            auto it = stats.find({m.key, c.id});
            data += it == stats.end() ? std::string("\tNaN\tNaN\tNaN")
                                      : fmt::format("\t{}\t{}\t{}", it->second.median, it->second.min, it->second.max);
        }
        data += '\n';
    }
    return data;
}

YScale y_scale_for(const std::vector<MetricRow>& rows, const PlotGroup& group) {
    constexpr double kLogSpan = 30;
    double lowest = 0, highest = 0;
    auto take = [&](const std::optional<Summary>& s) {
        if (!s) return;
        if (s->median > 0 && (lowest == 0 || s->median < lowest)) lowest = s->median;
        highest = std::max(highest, s->max);
    };
    for (const MetricRow& row : rows) {
        if (row.metric.suite != group.suite || row.metric.unit != group.metrics.front().unit) continue;
        take(row.flint_stats);
        take(row.peer_stats);
    }
    return lowest > 0 && highest / lowest > kLogSpan ? YScale::Log : YScale::Linear;
}

std::string plot_script(const BenchResults& results, const PlotGroup& group, YScale scale, const std::string& data,
                        const std::string& png) {
    const MetricDef& first = group.metrics.front();
    const std::string_view suite = suite_name(group.suite);
    const std::string title = group.name == suite ? std::string(suite) : fmt::format("{}, {}", suite, first.unit);
    const bool log = scale == YScale::Log;
    // noenhanced: labels are plain text ("O_DIRECT" is no subscript).
    std::string s = fmt::format(
        "set terminal pngcairo noenhanced size 1100,560 font \",11\"\n"
        "set output '{}'\n"
        "set title \"flint bench: {} (median, whiskers min-max; {} is better{})\"\n"
        "set ylabel \"{}\"\n"
        "{}"
        "set grid ytics\n"
        "set key top left\n"
        "set datafile separator \"\\t\"\n"
        "set style data histogram\n"
        "set style histogram errorbars gap 2 lw 1.5\n"
        "set style fill solid 0.7 border -1\n"
        "set boxwidth 0.9\n"
        "plot ",
        png, title, better_name(first.better), log ? "; log scale" : "", first.unit,
        log ? "set logscale y\nset yrange [*:*]\n" : "set yrange [0:*]\n");
    for (size_t i = 0; i < results.contenders.size(); ++i) {
        const size_t col = 2 + 3 * i;
        s += fmt::format("{}'{}' using {}:{}:{}{} title '{}'", i ? ", " : "", data, col, col + 1, col + 2,
                         i ? "" : ":xtic(1)", results.contenders[i].id);
    }
    return s + "\n";
}

Result<std::vector<std::pair<std::string, std::string>>> write_plots(const BenchResults& results,
                                                                     const std::vector<MetricRow>& rows,
                                                                     const std::string& dir, bool draw) {
    std::vector<std::pair<std::string, std::string>> pngs;
    // The scripts name their files relative to DIR: `cd DIR && gnuplot boot.gp` redraws one.
    std::error_code ec;
    const std::string abs_dir = std::filesystem::absolute(dir, ec).string();
    for (const PlotGroup& group : plot_groups(results.options.suites)) {
        const std::string& name = group.name;
        const std::string script = abs_dir + "/" + name + ".gp";
        FLINT_TRY_VOID(write_text_file(abs_dir + "/" + name + ".dat", plot_data(results, rows, group)));
        FLINT_TRY_VOID(write_text_file(script, plot_script(results, group, y_scale_for(rows, group), name + ".dat",
                                                           name + ".png")));
        pngs.emplace_back(suite_name(group.suite), name + ".png");
        if (!draw) continue;
        auto run = FLINT_TRY(run_child({{"gnuplot", "-e", fmt::format("cd '{}'", abs_dir), script}, {}, 60}, {}));
        if (run.end != ChildEnd::Exited || run.status != 0) {
            return Error::format("gnuplot failed on {} (status {}): {}{}", script, run.status,
                                 run.status == 127 ? "is gnuplot installed? apt-get install gnuplot-nox; " : "",
                                 run.output.substr(0, 300));
        }
    }
    return pngs;
}

}  // namespace flint::bench
