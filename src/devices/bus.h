#pragma once
// The I/O bus: maps address ranges (ports or guest-physical MMIO addresses) to devices.
// A device sees only offsets into its own range; it never learns where it is mapped.
// The bus is filled while the VM is built and read-only afterwards, so vCPU threads look
// devices up without locking; each device serialises its own state.
#include <map>
#include <memory>
#include <span>
#include <string>

#include "base/result.h"
#include "base/types.h"

namespace flint {

class BusDevice {
public:
    virtual ~BusDevice() = default;
    // Accesses are 1, 2, 4 or 8 bytes wide (data.size()); offset is relative to the
    // start of the device's range. Reads fill all of `data`.
    virtual void read(u64 offset, std::span<u8> data) = 0;
    virtual void write(u64 offset, std::span<const u8> data) = 0;
};

class Bus {
public:
    explicit Bus(std::string name) : m_name(std::move(name)) {}

    // Maps [base, base+len) to `device`. Fails when len is 0, the range wraps, or it
    // overlaps a range already mapped.
    Result<void> insert(std::shared_ptr<BusDevice> device, u64 base, u64 len);

    // Dispatch an access. Returns false (and leaves a read's data all-ones, as an
    // unclaimed ISA/PCI access reads) when no device claims the whole access.
    bool read(u64 addr, std::span<u8> data) const;
    bool write(u64 addr, std::span<const u8> data) const;

private:
    struct Range {
        u64 len;
        std::shared_ptr<BusDevice> device;
    };
    // Finds the range containing [addr, addr+size), or nullptr; sets *base to its start.
    const Range* find(u64 addr, u64 size, u64* base) const;

    std::string m_name;
    std::map<u64, Range> m_ranges;  // keyed by base
};

}  // namespace flint
