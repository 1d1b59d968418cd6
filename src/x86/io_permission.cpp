// Port I/O permission (SDM vol. 1 section 19.5): at CPL <= IOPL every port is open;
// above it the TSS's I/O permission bitmap decides, one bit per port, and every port an
// access touches must have its bit clear. The bitmap's offset is the word at 0x66 of a
// 32-bit or 64-bit TSS; bits beyond the TSS limit count as set.
#include "x86/exec.h"

namespace flint::x86 {
namespace {

constexpr u64 kIoMapBase = 0x66;
constexpr u16 kTss32Bit = 0x8;  // 32-bit (and 64-bit) TSS types; 16-bit TSSs have no bitmap

}  // namespace

bool check_io(Cpu& cpu, u16 port, unsigned size) {
    const auto iopl = static_cast<unsigned>((cpu.rflags() & rflags::IOPL) >> 12);
    if (cpu.mode() == CpuMode::Real || cpu.cpl() <= iopl) return true;
    const SegmentState& tr = cpu.state().tr;
    auto gp = [&cpu] { return cpu.fail(Event::exception(Vector::GP, 0)); };
    if (!(tr.attr & kTss32Bit) || tr.limit < kIoMapBase + 1) return gp();
    const u64 lin_mask = cpu.mode() == CpuMode::Long64 ? ~u64{0} : 0xffffffff;
    u64 base;
    if (!cpu.system_read((tr.base + kIoMapBase) & lin_mask, 2, base)) return false;
    // The bits may straddle a byte: two bytes are read, and both must be inside the TSS.
    const u64 at = base + port / 8;
    if (at + 1 > tr.limit) return gp();
    u64 bits;
    if (!cpu.system_read((tr.base + at) & lin_mask, 2, bits)) return false;
    const u64 wanted = ((u64{1} << size) - 1) << (port % 8);
    return (bits & wanted) == 0 || gp();
}

}  // namespace flint::x86
