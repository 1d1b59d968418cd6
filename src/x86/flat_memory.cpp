#include "x86/flat_memory.h"

namespace flint::x86 {

FlatMemory::FlatMemory(u64 base, u64 size) : m_base(base), m_bytes(size, 0) {}

u8* FlatMemory::at(u64 addr, u64 len) {
    if (addr < m_base || len > m_bytes.size() || addr - m_base > m_bytes.size() - len) return nullptr;
    return m_bytes.data() + (addr - m_base);
}

u8* FlatMemory::ram_page(u64 page) { return at(page, kPageSize); }

bool FlatMemory::mmio_read(u64, std::span<u8>) { return false; }
bool FlatMemory::mmio_write(u64, std::span<const u8>) { return false; }

u32 FlatMemory::port_in(u16, unsigned size) {
    return size == 4 ? m_in_value : m_in_value & ((1u << (size * 8)) - 1);
}

void FlatMemory::port_out(u16, unsigned, u32 value) { m_last_out = value; }

}  // namespace flint::x86
