// Stand-in for emu_runner.cpp while the CPU library does not build: the host side, the
// generator and the comparator stay usable (x86diff --native-only).
#include "emu_runner.h"

namespace flint::x86diff {

struct EmuRunner::Impl {};

EmuRunner::EmuRunner() = default;
EmuRunner::~EmuRunner() = default;

bool EmuRunner::available() { return false; }

Outcome EmuRunner::run(const Case&) { return Outcome{}; }  // EndKind::HarnessError

RowStatus EmuRunner::row_status(const InsnSpec&) const { return RowStatus::Unknown; }

std::vector<std::string> EmuRunner::rows_not_generated() const { return {}; }

}  // namespace flint::x86diff
