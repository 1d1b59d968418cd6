#pragma once
// Raw mode for the controlling terminal, restored however the process ends.
namespace flint::vmm {

// Puts `fd` (a terminal) in raw mode and arranges for the saved mode to be restored at
// exit and on fatal signals. Returns false when fd is not a terminal.
bool enter_raw_mode(int fd);
// Restores the saved mode now (idempotent; async-signal-safe).
void restore_terminal();

}  // namespace flint::vmm
