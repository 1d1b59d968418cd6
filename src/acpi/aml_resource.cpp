#include "acpi/aml_resource.h"

namespace flint::acpi::aml {

namespace {

// Small resource data type tag (6.4.2): bit 7 clear, item name in bits 3-6, length in
// bits 0-2.
constexpr u8 small_tag(u8 item, u8 length) { return static_cast<u8>((item << 3) | length); }

constexpr u8 kIrqItem = 0x04;
constexpr u8 kIoPortItem = 0x08;
constexpr u8 kEndTagItem = 0x0f;
constexpr u8 kIoDecode16 = 0x01;

}  // namespace

Bytes io_port(u16 base, u8 length) {
    const u8 lo = static_cast<u8>(base);
    const u8 hi = static_cast<u8>(base >> 8);
    return {small_tag(kIoPortItem, 7),
            kIoDecode16,
            lo, hi,  // range minimum base
            lo, hi,  // range maximum base: the same, the range is fixed
            1,       // base alignment
            length};
}

Bytes isa_irq(u8 irq) {
    // Two-byte form: a 16-bit mask of the IRQs the device can use; no flags byte means
    // active-high, edge-triggered, as ISA interrupts are.
    const u16 mask = static_cast<u16>(1u << (irq & 0x0f));
    return {small_tag(kIrqItem, 2), static_cast<u8>(mask), static_cast<u8>(mask >> 8)};
}

Bytes memory32_fixed(u32 base, u32 length) {
    // Large item (6.4.3): tag byte, 16-bit length of what follows, then the body.
    constexpr u8 kMemory32FixedTag = 0x86;
    constexpr u8 kReadWrite = 0x01;
    Bytes out{kMemory32FixedTag, 9, 0, kReadWrite};
    for (u32 v : {base, length})
        for (unsigned i = 0; i < 4; ++i) out.push_back(static_cast<u8>(v >> (8 * i)));
    return out;
}

namespace {

// Address space descriptors (6.4.3.5): resource type, then general flags (bit 0 clear:
// producer; bit 1 clear: positive decode; bits 2-3: min and max fixed).
constexpr u8 kAddressSpaceMemory = 0;
constexpr u8 kAddressSpaceBusNumber = 2;
constexpr u8 kProducerMinMaxFixed = 0x0c;

void put_le(Bytes& out, u64 v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) out.push_back(static_cast<u8>(v >> (8 * i)));
}

}  // namespace

Bytes word_bus_number(u16 first, u16 last) {
    constexpr u8 kWordAddressSpaceTag = 0x88;
    Bytes out{kWordAddressSpaceTag, 13, 0, kAddressSpaceBusNumber, kProducerMinMaxFixed, 0};
    // Granularity, minimum, maximum, translation offset, length.
    for (u64 v : {u64{0}, u64{first}, u64{last}, u64{0}, u64{last} - first + 1}) put_le(out, v, 2);
    return out;
}

Bytes dword_memory_window(u32 base, u32 length) {
    constexpr u8 kDWordAddressSpaceTag = 0x87;
    constexpr u8 kReadWriteNonCacheable = 0x01;
    Bytes out{kDWordAddressSpaceTag, 23, 0, kAddressSpaceMemory, kProducerMinMaxFixed, kReadWriteNonCacheable};
    for (u64 v : {u64{0}, u64{base}, u64{base} + length - 1, u64{0}, u64{length}}) put_le(out, v, 4);
    return out;
}

Result<Bytes> resource_template(std::initializer_list<Bytes> descriptors) {
    Bytes body;
    for (const Bytes& d : descriptors) body.insert(body.end(), d.begin(), d.end());
    // End Tag; a checksum byte of 0 means "treat the template as correctly summed".
    body.push_back(small_tag(kEndTagItem, 1));
    body.push_back(0);
    return buffer(body);
}

}  // namespace flint::acpi::aml
