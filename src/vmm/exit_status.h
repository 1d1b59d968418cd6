#pragma once
// flint's process exit status. Flint's own codes are even, so they never collide with the
// odd codes of the isa-debug-exit device: a guest writing v to port 0xf4 ends flint with
// status (v << 1) | 1, as in QEMU.
namespace flint::vmm {

enum class ExitStatus : int {
    PowerOff = 0,     // the guest powered off (ACPI S5)
    Reset = 2,        // the guest asked for a reset (reboot)
    TripleFault = 4,  // the guest crashed the virtual machine (triple fault / shutdown)
    VmmError = 6,     // Flint could not start or continue the VM (bad input, host failure)
    Stopped = 8,      // stopped from the host: Ctrl-A x, SIGINT, SIGTERM or SIGHUP
};

}  // namespace flint::vmm
