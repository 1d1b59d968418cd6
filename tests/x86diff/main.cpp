// x86diff: runs generated instructions on the host CPU and on Flint's software CPU and
// compares the results. See README.md in this directory.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "compare.h"
#include "coverage.h"
#include "emu_runner.h"
#include "generator.h"
#include "native_runner.h"

using namespace flint;
using namespace flint::x86diff;

namespace {

struct Options {
    u64 cases = 1'000'000;
    u64 seed = 1;
    u64 start = 0;
    std::string filter;
    u64 max_mismatches = 0;  // 0: run to the end
    u64 show = 10;
    bool list_coverage = false;
    bool native_only = false;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Which rows an emulator #UD is excused for, and the lists the summary prints.
struct Unimplemented {
    std::vector<bool> known;  // per generator row
    std::vector<std::string> listed, declared, missing;
};

Unimplemented classify_rows(const EmuRunner& emu) {
    Unimplemented u;
    const auto specs = insn_specs();
    u.known.assign(specs.size(), false);
    for (size_t i = 0; i < specs.size(); ++i) {
        const InsnSpec& s = specs[i];
        if (s.has(trait::Invalid64) || s.has(trait::Undefined)) continue;
        for (std::string_view n : not_yet_implemented())
            if (mnemonic_matches(n, s.mnemonic)) u.known[i] = true;
        if (u.known[i]) u.listed.push_back(row_title(s));
        switch (emu.row_status(s)) {
        case RowStatus::DeclaredUnimplemented:
            u.known[i] = true;
            u.declared.push_back(row_title(s));
            break;
        case RowStatus::Missing: u.missing.push_back(row_title(s)); break;
        default: break;
        }
    }
    return u;
}

void print_list(const char* title, const std::vector<std::string>& items) {
    fmt::print("{} ({}):", title, items.size());
    if (items.empty()) fmt::print(" none");
    for (size_t i = 0; i < items.size(); ++i) fmt::print("{}{}", i % 3 == 0 ? "\n    " : "; ", items[i]);
    fmt::print("\n");
}

int run(const Options& opt) {
    Generator gen(opt.seed, opt.filter);
    if (gen.row_count() == 0) {
        fmt::print(stderr, "x86diff: no instruction matches --filter '{}'\n", opt.filter);
        return 2;
    }
    if (!opt.native_only && !EmuRunner::available()) {
        fmt::print(stderr, "x86diff: built without the software CPU (flint_x86 did not build); "
                           "rerun with --native-only to exercise the host side alone\n");
        return 2;
    }
    auto native = NativeRunner::create();
    if (!native) {
        fmt::print(stderr, "{}\n", native.error().message());
        return 2;
    }
    EmuRunner emu;
    const Unimplemented unimpl = classify_rows(emu);
    Coverage cov;
    std::vector<Case> cases(NativeRunner::kMaxBatch);
    std::vector<Outcome> host(NativeRunner::kMaxBatch);
    std::map<std::string, u64> fail_by_row;
    const bool tty = isatty(STDERR_FILENO);
    const auto t0 = std::chrono::steady_clock::now();
    double native_seconds = 0;
    u64 shown = 0, done = 0;
    auto last_progress = t0;

    for (u64 begin = 0; begin < opt.cases; begin += NativeRunner::kMaxBatch) {
        const size_t n = static_cast<size_t>(std::min<u64>(NativeRunner::kMaxBatch, opt.cases - begin));
        for (size_t i = 0; i < n; ++i) cases[i] = gen.make(opt.start + begin + i);
        const auto tn = std::chrono::steady_clock::now();
        if (auto r = (*native)->run({cases.data(), n}, {host.data(), n}); !r) {
            fmt::print(stderr, "{}\n", r.error().message());
            return 2;
        }
        native_seconds += seconds_since(tn);
        for (size_t i = 0; i < n; ++i) {
            const Case& c = cases[i];
            Outcome emu_out;
            Verdict v;
            if (opt.native_only) {
                v = host[i].end == EndKind::HarnessError ? Verdict::HarnessError : Verdict::Pass;
            } else {
                emu_out = emu.run(c);
                v = judge(c, host[i], emu_out, unimpl.known[c.spec]);
            }
            cov.record(c, host[i], v);
            ++done;
            if (v != Verdict::Fail && v != Verdict::HarnessError) continue;
            ++fail_by_row[case_title(c)];
            if (shown < std::max(opt.show, opt.max_mismatches)) {
                ++shown;
                // Indices are relative to the filtered row list: a filter is part of the key.
                fmt::print("MISMATCH {}{}\n", opt.filter.empty() ? "" : "[--filter " + opt.filter + "] ",
                           describe(c, host[i], emu_out, case_title(c)));
            }
            if (opt.max_mismatches && cov.failed() >= opt.max_mismatches) break;
        }
        if (opt.max_mismatches && cov.failed() >= opt.max_mismatches) break;
        if (seconds_since(last_progress) >= 1.0 || begin + n >= opt.cases) {
            last_progress = std::chrono::steady_clock::now();
            fmt::print(stderr, "{}x86diff: {}/{} cases, {:.0f}/s, {} failed{}", tty ? "\r" : "",
                       done, opt.cases, static_cast<double>(done) / seconds_since(t0), cov.failed(),
                       tty ? "" : "\n");
        }
    }
    if (tty) fmt::print(stderr, "\n");
    const double total = seconds_since(t0);

    cov.print(stdout, opt.list_coverage);
    fmt::print("\n");
    if (!opt.native_only) {
        std::vector<std::string> names;
        for (std::string_view n : not_yet_implemented()) names.emplace_back(n);
        print_list("not yet implemented (explicit list, #UD excused)", names);
        print_list("declared unimplemented by the CPU's tables (#UD excused)", unimpl.declared);
        print_list("missing from the CPU's tables (host executes them: #UD is a failure)", unimpl.missing);
        print_list("CPU table rows with a handler the generator never produces", emu.rows_not_generated());
    }
    if (opt.list_coverage) {
        fmt::print("never generated, by design:\n");
        for (const Exclusion& e : exclusions()) fmt::print("    {:<44} {}\n", e.what, e.reason);
    }
    if (!fail_by_row.empty()) {
        fmt::print("failures by form:\n");
        for (const auto& [title, count] : fail_by_row) fmt::print("  {:>8}  {}\n", count, title);
    }
    fmt::print("time: {:.2f} s total, host side {:.2f} s ({:.0f} cases/s), {} child restart(s); "
               "{} excused as unimplemented, {} harness error(s)\n",
               total, native_seconds, static_cast<double>(done) / std::max(native_seconds, 1e-9),
               (*native)->restarts(), cov.unimplemented(), cov.harness_errors());
    fmt::print("x86diff: {} passed, {} failed\n", cov.passed(), cov.failed());
    return cov.failed() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    CLI::App app{"x86diff: Flint's software CPU against the host CPU, instruction by instruction"};
    app.add_option("--cases", opt.cases, "number of cases")->capture_default_str();
    app.add_option("--seed", opt.seed, "random seed")->capture_default_str();
    app.add_option("--start", opt.start, "first case index (to reproduce one case)")->capture_default_str();
    app.add_option("--filter", opt.filter, "only these mnemonics (comma-separated, e.g. ADD,SHL)");
    app.add_option("--max-mismatches", opt.max_mismatches, "stop after K failures (0: never)")
        ->capture_default_str();
    app.add_option("--show", opt.show, "print at most this many mismatches in full")->capture_default_str();
    app.add_flag("--list-coverage", opt.list_coverage, "print every opcode form with its variants and the exclusions");
    app.add_flag("--native-only", opt.native_only, "run the host side only (harness health and speed)");
    CLI11_PARSE(app, argc, argv);
    return run(opt);
}
