// acpi_dump_tables DIR [VCPUS]: writes Flint's ACPI tables, as a guest would find them in
// memory, to DIR/{rsdp,xsdt,facp,dsdt,apic}.dat for checking with `iasl -d`, and the guest
// memory they occupy, from the RSDP to the end of the last table, to DIR/acpi_area.bin
// (for loading at that address into another VMM, e.g. QEMU's `-device loader`).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "acpi/fadt.h"
#include "acpi/tables.h"
#include "table_reader.h"

namespace {

using namespace flint;
using namespace flint::acpi;

bool write_file(const std::string& path, std::span<const u8> bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    return std::fclose(f) == 0 && ok;
}

int dump(const std::string& dir, u32 vcpus) {
    auto mem = GuestMemory::create(2 * MiB);
    if (!mem) {
        std::fprintf(stderr, "acpi_dump_tables: %s\n", mem.error().message().c_str());
        return 1;
    }
    AcpiConfig cfg;
    cfg.num_vcpus = vcpus;
    auto written = write_acpi_tables(*mem, cfg);
    if (!written) {
        std::fprintf(stderr, "acpi_dump_tables: %s\n", written.error().message().c_str());
        return 1;
    }
    auto rsdp_at = testing::find_rsdp(*mem);
    if (!rsdp_at) {
        std::fprintf(stderr, "acpi_dump_tables: no RSDP found in the BIOS area\n");
        return 1;
    }
    Rsdp rsdp{};
    if (!mem->read_obj(*rsdp_at, rsdp)) return 1;
    std::vector<u8> rsdp_bytes(sizeof(rsdp));
    std::memcpy(rsdp_bytes.data(), &rsdp, sizeof(rsdp));

    std::vector<std::pair<std::string, std::vector<u8>>> files{{"rsdp", rsdp_bytes}};
    const auto xsdt = testing::read_table(*mem, rsdp.xsdt_address);
    files.emplace_back("xsdt", xsdt);
    u64 area_end = std::max(*rsdp_at + sizeof(Rsdp), rsdp.xsdt_address + xsdt.size());
    for (u64 gpa : testing::xsdt_entries(xsdt)) {
        auto table = testing::read_table(*mem, gpa);
        area_end = std::max(area_end, gpa + table.size());
        std::string name(testing::signature_of(table));
        if (name == "FACP") {
            Fadt fadt{};
            std::memcpy(&fadt, table.data(), sizeof(fadt));
            auto dsdt = testing::read_table(*mem, fadt.x_dsdt);
            area_end = std::max(area_end, fadt.x_dsdt + dsdt.size());
            files.emplace_back("dsdt", std::move(dsdt));
        }
        for (char& c : name) c = static_cast<char>(c - 'A' + 'a');
        files.emplace_back(name, std::move(table));
    }
    std::vector<u8> area(area_end - *rsdp_at);
    if (!mem->read(*rsdp_at, area)) return 1;
    std::printf("acpi_area.bin loads at %#llx\n", static_cast<unsigned long long>(*rsdp_at));
    files.emplace_back("acpi_area", std::move(area));
    for (const auto& [name, bytes] : files) {
        const std::string path = dir + "/" + name + (name == "acpi_area" ? ".bin" : ".dat");
        if (!write_file(path, bytes)) {
            std::fprintf(stderr, "acpi_dump_tables: cannot write %s\n", path.c_str());
            return 1;
        }
        std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: acpi_dump_tables DIR [VCPUS]\n");
        return 2;
    }
    const u32 vcpus = argc == 3 ? static_cast<u32>(std::strtoul(argv[2], nullptr, 10)) : 4;
    return dump(argv[1], vcpus);
}
