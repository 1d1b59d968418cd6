#include "generator.h"

#include <algorithm>
#include <cctype>

#include "case_builder.h"
#include "layout.h"
#include "prng.h"
#include "values.h"
#include "vector_values.h"
#include "x87_values.h"

namespace flint::x86diff {
namespace {

constexpr unsigned kRsp = 4;

constexpr u8 kSizesByte[] = {1};
constexpr u8 kSizesV[] = {4, 8, 2};
constexpr u8 kSizesD64[] = {8, 2};
constexpr u8 kSizes64[] = {8};
constexpr u8 kSizesWord[] = {2};
constexpr u8 kSizesY[] = {4, 8};
constexpr u8 kSizes32[] = {4};

// Register forms weigh more than any single memory form: they carry most of the
// arithmetic, while the memory forms mostly exercise address generation.
constexpr AddrKind kAllKinds[] = {
    AddrKind::Reg,       AddrKind::Reg,        AddrKind::Reg,        AddrKind::Reg,
    AddrKind::Base,      AddrKind::BaseDisp8,  AddrKind::BaseDisp32, AddrKind::Sib,
    AddrKind::SibDisp8,  AddrKind::SibDisp32,  AddrKind::IndexDisp32, AddrKind::Abs32,
    AddrKind::RipRel};
constexpr AddrKind kMemKinds[] = {
    AddrKind::Base,       AddrKind::BaseDisp8,   AddrKind::BaseDisp32, AddrKind::Sib,
    AddrKind::SibDisp8,   AddrKind::SibDisp32,   AddrKind::IndexDisp32, AddrKind::Abs32,
    AddrKind::RipRel};
constexpr AddrKind kRegKind[] = {AddrKind::Reg};

}  // namespace

std::span<const u8> opsizes_for(const InsnSpec& s) {
    switch (s.size) {
    case SizeRule::Byte: return kSizesByte;
    case SizeRule::V: return kSizesV;
    case SizeRule::D64: return kSizesD64;
    case SizeRule::F64: return kSizes64;
    case SizeRule::Word: return kSizesWord;
    case SizeRule::Y: return s.has(trait::NoRexW) ? std::span<const u8>(kSizes32) : kSizesY;
    case SizeRule::Q: return kSizes64;
    case SizeRule::X: return kSizes32;
    }
    return kSizesByte;
}

std::span<const AddrKind> addr_kinds_for(const InsnSpec& s) {
    if (!s.has_modrm() || s.has(trait::RegOnly)) return kRegKind;
    if (s.has(trait::MemOnly)) return kMemKinds;
    return kAllKinds;
}

bool mnemonic_matches(std::string_view filter, std::string_view mnemonic) {
    if (filter.empty()) return true;
    while (!filter.empty()) {
        const size_t comma = filter.find(',');
        const std::string_view item = filter.substr(0, comma);
        if (item.size() == mnemonic.size() &&
            std::equal(item.begin(), item.end(), mnemonic.begin(), [](char a, char b) {
                return std::toupper(static_cast<unsigned char>(a)) ==
                       std::toupper(static_cast<unsigned char>(b));
            }))
            return true;
        if (comma == std::string_view::npos) break;
        filter.remove_prefix(comma + 1);
    }
    return false;
}

Generator::Generator(u64 seed, std::string_view filter) : m_seed(seed) {
    const auto specs = insn_specs();
    for (size_t i = 0; i < specs.size(); ++i) {
        if (mnemonic_matches(filter, specs[i].mnemonic)) m_rows.push_back(static_cast<u16>(i));
    }
}

Case Generator::make(u64 index) const {
    Case c;
    c.seed = m_seed;
    c.index = index;
    if (m_rows.empty()) return c;
    Prng rng(m_seed, index);
    c.spec = m_rows[index % m_rows.size()];
    const InsnSpec& s = insn_specs()[c.spec];
    const u64 round = index / m_rows.size();
    const auto sizes = opsizes_for(s);
    const auto kinds = addr_kinds_for(s);
    const unsigned opsize = sizes[round % sizes.size()];
    const AddrKind kind = kinds[(round / sizes.size()) % kinds.size()];

    for (u64& r : c.gpr) r = register_value(rng);
    // The stack pointer always points into the data area (above the operands), mostly
    // aligned, sometimes at the bottom so that pushes run into the guard page.
    u64 sp = kDataBase + 0x800 + (rng.below(0x700) & ~u64{7});
    if (rng.chance(5)) sp += 1 + rng.below(7);
    if (rng.chance(2)) sp = kDataBase + rng.below(16);
    c.gpr[kRsp] = sp;
    c.flags = rng.next() & kCaseFlags;
    for (Vec128& x : c.xmm) x = vector_value(rng);
    c.mxcsr = mxcsr_value(rng);
    // Other rows start as after FNINIT (every register empty), which is what x87 code
    // expects; MMX rows mostly start in MMX use: TOP 0, every tag valid, MM0-7 as the
    // significands with sign/exponent all ones (as MOVQ leaves them), now and then with
    // the tags empty (as EMMS leaves them).
    if (s.has(trait::X87)) c.x87 = x87_state(rng);
    else if (s.has(trait::Mmx)) {
        for (X87Reg80& r : c.x87.st) r = {mmx_value(rng), 0xffff};
        c.x87.ftw = rng.chance(15) ? 0x00 : 0xff;
    }
    c.data_seed = rng.next();

    build_case(s, rng, c, opsize, kind);
    return c;
}

}  // namespace flint::x86diff
