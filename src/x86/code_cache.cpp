#include "x86/code_cache.h"

namespace flint::x86 {

Insn& CodePage::add(unsigned offset, const Insn& insn) {
    // At most one instruction starts at each of the 4096 offsets, so u16 indices suffice.
    unsigned i = m_count++;
    if (i % kChunk == 0) m_chunks.push_back(std::make_unique<std::array<Insn, kChunk>>());
    Insn& slot = (*m_chunks[i / kChunk])[i % kChunk];
    slot = insn;
    m_slot[offset] = static_cast<u16>(i + 1);
    return slot;
}

CodePage& CodeCache::get_or_create(u64 page) {
    auto& p = m_pages[page];
    if (!p) p = std::make_unique<CodePage>();
    return *p;
}

bool CodeCache::invalidate_page(u64 page) {
    bool dropped = false;
    auto drop = [&](u64 pg) {
        auto it = m_pages.find(pg);
        if (it == m_pages.end()) return;
        m_graveyard.push_back(std::move(it->second));
        m_pages.erase(it);
        dropped = true;
    };
    if (CodePage* prev = find(page - kPageSize); prev && prev->spills_into_next) drop(page - kPageSize);
    drop(page);
    if (dropped) ++m_epoch;
    return dropped;
}

void CodeCache::clear() {
    for (auto& [page, p] : m_pages) m_graveyard.push_back(std::move(p));
    m_pages.clear();
    ++m_epoch;
}

}  // namespace flint::x86
