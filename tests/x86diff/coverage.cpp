#include "coverage.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "encoder.h"
#include "generator.h"

namespace flint::x86diff {
namespace {

const char* form_name(Form f) {
    switch (f) {
    case Form::None: return "";
    case Form::E_G: return "E,G";
    case Form::G_E: return "G,E";
    case Form::E: return "E";
    case Form::G_Eb: return "G,Eb";
    case Form::G_Ew: return "G,Ew";
    case Form::G_Ed: return "G,Ed";
    case Form::G_M: return "G,M";
    case Form::M_G: return "M,G";
    case Form::Z: return "+r";
    case Form::Moffs: return "moffs";
    }
    return "?";
}

}  // namespace

std::string row_title(const InsnSpec& s) {
    std::string enc = s.prefix ? fmt::format("{:02X} ", s.prefix) : "";
    enc += s.map == 1 ? "0F " : s.map == 2 ? "0F 38 " : s.map == 3 ? "0F 3A " : "";
    enc += fmt::format("{:02X}", s.opcode);
    if (s.reg >= 0) enc += fmt::format(" /{}", s.reg);
    return fmt::format("{} ({} {})", s.mnemonic, enc, form_name(s.form));
}

std::string case_title(const Case& c) {
    const InsnSpec& s = insn_specs()[c.spec];
    return fmt::format("{} o{} {}", row_title(s), variant_opsize(c.variant) * 8,
                       addr_kind_name(variant_kind(c.variant)));
}

Coverage::Coverage() : m_rows(insn_specs().size()) {}

void Coverage::record(const Case& c, const Outcome& host, Verdict v) {
    RowStats& r = m_rows[c.spec];
    ++r.cases;
    ++r.variants[c.variant & 63];
    if (host.end == EndKind::Fault) ++r.host_faults;
    switch (v) {
    case Verdict::Pass:
        ++r.pass, ++m_passed;
        if (host.end == EndKind::Completed) ++r.pass_executed;
        break;
    case Verdict::Unimplemented: ++r.unimpl, ++m_unimplemented; break;
    case Verdict::HarnessError: ++r.harness, ++m_harness; [[fallthrough]];
    case Verdict::Fail:
        ++r.fail, ++m_failed;
        if (r.first_fail == ~u64{0}) r.first_fail = c.index;
        break;
    }
}

void Coverage::print(std::FILE* out, bool detailed) const {
    struct Agg {
        unsigned order = 0;
        u64 forms = 0, cases = 0, pass = 0, fail = 0, unimpl = 0, host_faults = 0, pass_executed = 0;
        u64 first_fail = ~u64{0};
    };
    std::map<std::string_view, Agg> by_name;
    const auto specs = insn_specs();
    for (size_t i = 0; i < specs.size(); ++i) {
        const RowStats& r = m_rows[i];
        Agg& a = by_name[specs[i].mnemonic];
        if (a.cases == 0 && a.forms == 0) a.order = static_cast<unsigned>(i);
        for (u64 v : r.variants) a.forms += v != 0;
        a.cases += r.cases, a.pass += r.pass, a.fail += r.fail, a.unimpl += r.unimpl;
        a.host_faults += r.host_faults, a.pass_executed += r.pass_executed;
        a.first_fail = std::min(a.first_fail, r.first_fail);
    }
    std::vector<std::pair<std::string_view, Agg>> rows(by_name.begin(), by_name.end());
    std::sort(rows.begin(), rows.end(), [](auto& x, auto& y) { return x.second.order < y.second.order; });

    fmt::print(out, "\ncoverage by mnemonic (forms = operand size x addressing variants exercised)\n");
    fmt::print(out, "  {:<16} {:>5} {:>9} {:>9} {:>8} {:>8} {:>8}  {}\n", "mnemonic", "forms",
               "cases", "passed", "failed", "unimpl", "hostflt", "status");
    for (const auto& [name, a] : rows) {
        if (a.cases == 0) continue;
        std::string status = "ok";
        // Passes where both sides faulted (a LOCK misuse, say) do not make a row implemented.
        if (a.unimpl > 0 && a.pass_executed == 0) status = "unimplemented (#UD)";
        else if (a.unimpl > 0) status = "partly unimplemented (#UD)";
        if (a.fail > 0) status = fmt::format("FAIL (first: index {})", a.first_fail);
        fmt::print(out, "  {:<16} {:>5} {:>9} {:>9} {:>8} {:>8} {:>8}  {}\n", name, a.forms,
                   a.cases, a.pass, a.fail, a.unimpl, a.host_faults, status);
    }
    if (!detailed) return;
    fmt::print(out, "\ncoverage by opcode form and variant (o<bits> <addressing>:cases)\n");
    for (size_t i = 0; i < specs.size(); ++i) {
        const RowStats& r = m_rows[i];
        std::string line = fmt::format("  {:<36} {:>8}", row_title(specs[i]), r.cases);
        for (unsigned v = 0; v < 64; ++v) {
            if (r.variants[v] == 0) continue;
            line += fmt::format("  o{} {}:{}", variant_opsize(static_cast<u8>(v)) * 8,
                                addr_kind_name(variant_kind(static_cast<u8>(v))), r.variants[v]);
        }
        fmt::print(out, "{}\n", line);
    }
}

}  // namespace flint::x86diff
