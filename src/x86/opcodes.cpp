// The opcode tables, built at compile time, and the build-time checks that keep them
// consistent: a mistake in the data fails the build instead of mis-decoding a guest.
#include "x86/opcodes.h"

#include "x86/opcode_table_0f.h"
#include "x86/opcode_table_one_byte.h"

namespace flint::x86 {
namespace {

using namespace rows;

constexpr auto kOneByte = build_one_byte();
constexpr auto kMap0F = build_0f();
constexpr auto kMap0F38 = build_0f38();
constexpr auto kMap0F3A = build_0f3a();
constexpr auto kGroups = build_groups();

constexpr const std::array<OpRow, 256>& map_of(unsigned map) {
    return map == 0 ? kOneByte : map == 1 ? kMap0F : map == 2 ? kMap0F38 : kMap0F3A;
}

constexpr bool needs_modrm(Form f) {
    return f != Form::Invalid && f != Form::None && f != Form::Z && f != Form::Z_Acc && f != Form::Acc &&
           f != Form::Moffs;
}

// Each prefixed row overrides a base row that says so, and no two prefixed rows claim the
// same (prefix, opcode) pair; every base row marked Prefixed has at least one override.
constexpr bool prefixed_rows_consistent() {
    constexpr auto n = std::size(kPrefixedRows);
    for (unsigned i = 0; i < n; ++i) {
        const PrefixedRow& p = kPrefixedRows[i];
        if (p.prefix != 0x66 && p.prefix != 0xf2 && p.prefix != 0xf3) return false;
        if (!(map_of(p.op >> 8)[p.op & 0xff].attr & row_attr::Prefixed)) return false;
        if (p.row.form == Form::Group) return false;
        for (unsigned j = i + 1; j < n; ++j)
            if (kPrefixedRows[j].prefix == p.prefix && kPrefixedRows[j].op == p.op) return false;
    }
    for (unsigned map = 0; map < 4; ++map)
        for (unsigned b = 0; b < 256; ++b) {
            if (!(map_of(map)[b].attr & row_attr::Prefixed)) continue;
            bool found = false;
            for (const auto& p : kPrefixedRows) found |= p.op == (map << 8 | b);
            if (!found) return false;
        }
    return true;
}

// Group rows: every group a row names exists and is named; sub-rows never nest, never
// read their own register operand (ModRM.reg is the selector), and all groups that share
// a sub-table agree on whether the immediate comes from the opcode or the sub-row.
constexpr bool groups_consistent() {
    std::array<bool, kGroupCount> used{};
    for (unsigned map = 0; map < 4; ++map)
        for (const OpRow& r : map_of(map)) {
            if (r.form != Form::Group) continue;
            if (r.group >= kGroupsUsed || r.size == Size::Inherit) return false;
            used[r.group] = true;
            for (const OpRow& s : kGroups[r.group]) {
                if (s.form == Form::Invalid) continue;
                if (s.form != Form::E) return false;
                if (s.imm != ImmKind::None && r.imm != ImmKind::None) return false;  // two immediates
            }
        }
    for (unsigned g = 0; g < kGroupCount; ++g) {
        bool any = false;
        for (const OpRow& s : kGroups[g]) any |= s.form != Form::Invalid;
        if (any != used[g]) return false;
    }
    return true;
}

// Non-group rows are built by R()/U() (which name them) or are invalid; lockable rows
// have a memory form. (The name stands in for the handler: GCC's sanitizer builds do not
// treat "function address == nullptr" as a constant expression. The decoder test checks
// the handlers themselves.)
constexpr bool rows_complete() {
    for (unsigned map = 0; map < 4; ++map)
        for (const OpRow& r : map_of(map)) {
            if (r.form == Form::Group || r.form == Form::Invalid) continue;
            if (r.name[0] == '\0' || r.size == Size::Inherit) return false;
            if ((r.attr & row_attr::Lockable) && !needs_modrm(r.form)) return false;
        }
    return true;
}

static_assert(prefixed_rows_consistent(), "prefixed opcode rows overlap or override nothing");
static_assert(groups_consistent(), "group opcode rows are inconsistent");
static_assert(rows_complete(), "an opcode row lacks a handler or a memory form");

}  // namespace

const std::array<OpRow, 256>& one_byte_map() { return kOneByte; }
const std::array<OpRow, 256>& map_0f() { return kMap0F; }
const std::array<OpRow, 256>& map_0f38() { return kMap0F38; }
const std::array<OpRow, 256>& map_0f3a() { return kMap0F3A; }
const std::array<std::array<OpRow, 8>, kGroupCount>& group_rows() { return kGroups; }
std::span<const PrefixedRow> prefixed_rows() { return kPrefixedRows; }

}  // namespace flint::x86
