#include "acpi/sdt.h"

#include "acpi/checksum.h"
#include "base/bits.h"

namespace flint::acpi {

void finalize_table(std::span<u8> table) {
    store_le(table.data() + offsetof(SdtHeader, length), static_cast<u32>(table.size()));
    table[offsetof(SdtHeader, checksum)] = 0;
    table[offsetof(SdtHeader, checksum)] = checksum_for(table);
}

}  // namespace flint::acpi
