#pragma once
// Resource descriptors (ACPI 6.x, 6.4) for the _CRS of legacy ISA devices, MMIO devices
// and the PCI root bridge, and the ResourceTemplate buffer that carries them.
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

// WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, first, last, 0,
// count) (6.4.3.5.3): the bus numbers below a PCI root bridge.
Bytes word_bus_number(u16 first, u16 last);
// DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
// 0, base, base+length-1, 0, length) (6.4.3.5.2): an MMIO window a bridge passes down.
Bytes dword_memory_window(u32 base, u32 length);

// ResourceTemplate(): a Buffer holding the descriptors followed by an End Tag (6.4.2.9).
Result<Bytes> resource_template(std::initializer_list<Bytes> descriptors);

}  // namespace flint::acpi::aml
