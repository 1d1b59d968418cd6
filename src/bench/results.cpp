#include "bench/results.h"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace flint::bench {

namespace {

// The values of one figure over a contender's counted runs, by run index (nullopt where
// the run did not complete or lacks the figure), so that pairs line up.
std::vector<std::optional<double>> series(const BenchResults& results, const std::string& contender, std::string_view key) {
    std::vector<std::optional<double>> out(results.options.runs);
    for (const RunRecord& r : results.runs) {
        if (r.contender != contender || r.warmup || r.status != RunStatus::Ok) continue;
        const size_t i = r.index - results.options.warmup;
        auto it = r.metrics.find(std::string(key));
        if (i < out.size() && it != r.metrics.end()) out[i] = it->second;
    }
    return out;
}

std::optional<Summary> summarize_series(const std::vector<std::optional<double>>& s) {
    std::vector<double> values;
    for (const auto& v : s) {
        if (v) values.push_back(*v);
    }
    return summarize(values);
}

nlohmann::json summary_json(const std::optional<Summary>& s) {
    if (!s) return nullptr;
    return {{"median", s->median}, {"min", s->min}, {"max", s->max}, {"count", s->count}};
}

}  // namespace

std::vector<MetricRow> summarize_results(const BenchResults& results) {
    std::vector<MetricRow> rows;
    for (const Comparison& c : results.comparisons) {
        const std::string& flint = results.contenders[c.flint].id;
        const std::string peer = c.peer ? results.contenders[*c.peer].id : "";
        for (const MetricDef& m : metrics_of(results.options.suites)) {
            MetricRow row{m, flint, peer, {}, {}, {}};
            const auto a = series(results, flint, m.key);
            row.flint_stats = summarize_series(a);
            if (c.peer) {
                const auto b = series(results, peer, m.key);
                row.peer_stats = summarize_series(b);
                const std::vector<double> ratios = pair_ratios(a, b);
                row.ratio = summarize(ratios);
            }
            rows.push_back(row);
        }
    }
    return rows;
}

RunCounts count_runs(const BenchResults& results, const std::string& contender) {
    RunCounts n;
    for (const RunRecord& r : results.runs) {
        if (r.contender != contender) continue;
        (r.status == RunStatus::Ok ? n.ok : r.status == RunStatus::Hang ? n.hang : n.failed)++;
    }
    return n;
}

std::vector<std::string> checksum_mismatches(const BenchResults& results) {
    std::map<std::string, std::pair<std::string, std::string>> first;  // workload -> (checksum, who)
    std::vector<std::string> out;
    for (const RunRecord& r : results.runs) {
        for (const auto& [key, check] : r.checks) {
            const std::string who = fmt::format("{} run {}", r.contender, r.index + 1);
            auto [it, inserted] = first.try_emplace(key, check, who);
            if (!inserted && it->second.first != check)
                out.push_back(fmt::format("{}: {} printed checksum {}, {} printed {}", key, who, check,
                                          it->second.second, it->second.first));
        }
    }
    return out;
}

nlohmann::json to_json(const BenchResults& results, const std::vector<MetricRow>& rows) {
    const BenchOptions& o = results.options;
    const HostInfo& h = results.host;
    nlohmann::json j;
    j["schema"] = "flint-bench/1";
    j["host"] = {{"date", h.date_utc}, {"cpu_model", h.cpu_model}, {"cpus", h.cpus},
                 {"memory_gib", h.memory_gib}, {"kernel", h.kernel}, {"nested", h.nested},
                 {"hypervisor", h.hypervisor}, {"tsc_khz", h.tsc_khz},
                 {"load_average_start", h.load_start}, {"load_average_end", h.load_end}};
    nlohmann::json suites = nlohmann::json::array();
    for (Suite s : o.suites) suites.push_back(suite_name(s));
    j["config"] = {{"suites", suites}, {"runs", o.runs}, {"warmup", o.warmup}, {"timeout_s", o.timeout_s},
                   {"memory_mib", o.memory_mib}, {"cpus", o.cpus}, {"kernel", o.kernel},
                   {"disk_mib", results.disk_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.disk_mib)},
                   {"disk_file", results.disk_file}, {"disk_fs", results.disk_fs},
                   {"net_mib", results.net_port ? nlohmann::json(o.net_mib) : nlohmann::json(nullptr)},
                   {"net_rounds", results.net_port ? nlohmann::json(kNetRounds) : nlohmann::json(nullptr)},
                   {"initrd", o.initrd}, {"guest_cmdline", results.guest_cmdline},
                   {"peer_version", results.peer_version}};
    j["contenders"] = nlohmann::json::array();
    for (const Contender& c : results.contenders) {
        const RunCounts n = count_runs(results, c.id);
        j["contenders"].push_back({{"id", c.id}, {"backend", backend_name(c.backend)},
                                   {"command", command_line(c.argv)},
                                   {"runs_ok", n.ok}, {"hangs", n.hang}, {"failures", n.failed}});
    }
    j["runs"] = nlohmann::json::array();
    for (const RunRecord& r : results.runs) {
        j["runs"].push_back({{"contender", r.contender}, {"index", r.index}, {"warmup", r.warmup},
                             {"status", run_status_name(r.status)}, {"reason", r.reason},
                             {"exit_status", r.exit_status}, {"wall_s", r.wall_s},
                             {"metrics", r.metrics}, {"checksums", r.checks}});
    }
    j["summary"] = nlohmann::json::array();
    for (const MetricRow& row : rows) {
        j["summary"].push_back({{"suite", suite_name(row.metric.suite)}, {"metric", row.metric.key},
                                {"label", row.metric.label}, {"unit", row.metric.unit},
                                {"better", better_name(row.metric.better)},
                                {"flint", row.flint}, {"peer", row.peer.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.peer)},
                                {"flint_stats", summary_json(row.flint_stats)},
                                {"peer_stats", summary_json(row.peer_stats)},
                                {"ratio", summary_json(row.ratio)}});
    }
    j["checksum_mismatches"] = checksum_mismatches(results);
    return j;
}

}  // namespace flint::bench
