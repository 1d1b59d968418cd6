#pragma once
// Runs cases on Flint's software CPU (src/x86) over a bus holding the same code and data
// pages at the same addresses as the host child. Built only when the CPU library exists;
// otherwise emu_absent.cpp provides a stand-in that says so.
#include <memory>
#include <string>
#include <vector>

#include "insn_spec.h"
#include "test_case.h"

namespace flint::x86diff {

// What the CPU's own opcode tables say about one of the generator's rows.
enum class RowStatus : u8 {
    Implemented,
    DeclaredUnimplemented,  // the row's handler is the CPU's explicit "not yet" handler
    Missing,                // no row at all: the CPU would #UD a valid instruction
    Unknown,                // no CPU tables to ask
};

class EmuRunner {
public:
    EmuRunner();
    ~EmuRunner();
    EmuRunner(const EmuRunner&) = delete;
    EmuRunner& operator=(const EmuRunner&) = delete;

    static bool available();  // false when built without the CPU library
    Outcome run(const Case& c);

    RowStatus row_status(const InsnSpec& s) const;
    // CPU table rows with a handler that no generator row covers and no exclusion explains.
    std::vector<std::string> rows_not_generated() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace flint::x86diff
