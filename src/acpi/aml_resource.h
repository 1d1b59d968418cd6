#pragma once
// Resource descriptors (ACPI 6.x, 6.4) for the _CRS of legacy ISA devices and
// MMIO devices, and the
// ResourceTemplate buffer that carries them.
#include <initializer_list>

#include "acpi/aml.h"
#include "base/types.h"

namespace flint::acpi::aml {

// I/O Port Descriptor (6.4.2.5) for a fixed range, decoding 16 address bits.
Bytes io_port(u16 base, u8 length);
// IRQ Descriptor (6.4.2.1), short form: an active-high, edge-triggered ISA IRQ (0-15).
Bytes isa_irq(u8 irq);

// Memory32Fixed (ReadWrite, base, length) (6.4.3.4): a fixed 32-bit MMIO window.
Bytes memory32_fixed(u32 base, u32 length);

// ResourceTemplate(): a Buffer holding the descriptors followed by an End Tag (6.4.2.9).
Result<Bytes> resource_template(std::initializer_list<Bytes> descriptors);

}  // namespace flint::acpi::aml
