// libFuzzer target: arbitrary bytes as guest code, decoded and executed by the software
// CPU in every decoding mode. The code is placed so that it ends exactly at the end of
// guest memory: any fetch past the given bytes must become a guest #PF, never a host
// read past the buffer (AddressSanitizer watches the host side).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "x86/cpu.h"
#include "x86/flat_memory.h"

using namespace flint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    constexpr u64 kMemSize = 2 * x86::kPageSize;
    constexpr size_t kMaxCode = 64;
    const auto mode = static_cast<x86::CpuMode>(data[0] % 4);
    const unsigned steps = 1 + data[1] % 8;
    data += 2;
    size = std::min(size - 2, kMaxCode);

    x86::FlatMemory mem(0, kMemSize);
    const u64 start = kMemSize - size;
    if (size) std::memcpy(mem.at(start, size), data, size);
    x86::Cpu cpu(mem, x86::CpuModel::flint_default());
    cpu.set_mode(mode);
    cpu.state().rip = start;
    cpu.state().gpr[4] = 0x800;  // a stack inside memory, below the code
    for (unsigned i = 0; i < steps; ++i) {
        const x86::Event e = cpu.step();
        if (!e.ok()) break;
        if (cpu.state().rip >= kMemSize) break;
    }
    return 0;
}
