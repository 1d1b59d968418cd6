#pragma once
// Decoded instructions, cached per guest page ("decode once, execute many").
//
// A page holds a 4096-entry slot table (byte offset -> decoded instruction) and the
// decoded instructions themselves in fixed chunks, so that a reference to an instruction
// stays valid while more are decoded into the same page. An instruction lives in the page
// of its first byte; when it continues onto the next page, that page is registered too
// (empty) and marked, so that writing either page drops the instruction.
//
// Invalidation never frees a page at once: the handler that wrote the page may be running
// the very instruction being dropped. Dropped pages wait in a graveyard until the
// interpreter loop, between instructions, notices the epoch change and calls collect().
#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "x86/bus.h"
#include "x86/insn.h"

namespace flint::x86 {

class CodePage {
public:
    static constexpr unsigned kChunk = 64;

    // Hot: one load for "not decoded yet", two more for the instruction.
    Insn* find(unsigned offset) {
        u16 s = m_slot[offset];
        if (s == 0) return nullptr;
        unsigned i = s - 1u;
        return &(*m_chunks[i / kChunk])[i % kChunk];
    }
    Insn& add(unsigned offset, const Insn& insn);

    bool spills_into_next = false;  // some instruction here ends on the next page

private:
    std::array<u16, kPageSize> m_slot{};  // 0 = not decoded, else index + 1
    std::vector<std::unique_ptr<std::array<Insn, kChunk>>> m_chunks;
    unsigned m_count = 0;
};

class CodeCache {
public:
    CodePage* find(u64 page) {
        auto it = m_pages.find(page);
        return it == m_pages.end() ? nullptr : it->second.get();
    }
    bool contains(u64 page) const { return m_pages.count(page) != 0; }
    CodePage& get_or_create(u64 page);

    // Drops the page's instructions (and those of the previous page that spill into it).
    // Returns whether anything was dropped.
    bool invalidate_page(u64 page);
    void clear();

    // Changes whenever something was dropped; the interpreter re-looks-up its page then.
    u64 epoch() const { return m_epoch; }
    void collect() { m_graveyard.clear(); }

private:
    std::unordered_map<u64, std::unique_ptr<CodePage>> m_pages;
    std::vector<std::unique_ptr<CodePage>> m_graveyard;
    u64 m_epoch = 0;
};

}  // namespace flint::x86
