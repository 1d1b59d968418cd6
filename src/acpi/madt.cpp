#include "acpi/madt.h"

#include "acpi/config.h"
#include "acpi/tables.h"

namespace flint::acpi {

Result<std::vector<u8>> build_madt(const AcpiConfig& cfg) {
    FLINT_TRY_VOID(validate_config(cfg));

    std::vector<u8> table;
    append_struct(table, MadtFixed{
                             .header = make_header("APIC", kMadtRevision),
                             .local_apic_address = cfg.local_apic_address,
                             .flags = cfg.has_dual_8259 ? kMadtPcatCompat : 0,
                         });

    // Processor UIDs equal APIC IDs equal vCPU indexes; the boot processor comes first.
    for (u32 cpu = 0; cpu < cfg.num_vcpus; ++cpu) {
        append_struct(table, MadtLocalApic{
                                 .type = MadtType::LocalApic,
                                 .length = sizeof(MadtLocalApic),
                                 .processor_uid = static_cast<u8>(cpu),
                                 .apic_id = static_cast<u8>(cpu),
                                 .flags = kLocalApicEnabled,
                             });
    }

    append_struct(table, MadtIoApic{
                             .type = MadtType::IoApic,
                             .length = sizeof(MadtIoApic),
                             .io_apic_id = cfg.ioapic_id,
                             .reserved = 0,
                             .address = cfg.ioapic_address,
                             .gsi_base = cfg.ioapic_gsi_base,
                         });

    for (const IrqOverride& o : cfg.irq_overrides) {
        append_struct(table, MadtInterruptOverride{
                                 .type = MadtType::InterruptSourceOverride,
                                 .length = sizeof(MadtInterruptOverride),
                                 .bus = 0,
                                 .source = o.isa_irq,
                                 .gsi = o.gsi,
                                 .flags = o.flags,
                             });
    }

    // LINT1 of every local APIC is the NMI input, as on PCs; the pin's own
    // polarity/trigger (edge, active high) is the bus default.
    append_struct(table, MadtLocalApicNmi{
                             .type = MadtType::LocalApicNmi,
                             .length = sizeof(MadtLocalApicNmi),
                             .processor_uid = kAllProcessors,
                             .flags = inti::kConforms,
                             .lint = cfg.nmi_lint,
                         });

    finalize_table(table);
    return table;
}

}  // namespace flint::acpi
