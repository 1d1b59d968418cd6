#pragma once
// The VM's console on the host side: where the serial port's output goes and where its
// input comes from. On a terminal, stdin is put in raw mode so every key reaches the
// guest; the terminal is restored on every exit path, including fatal signals. As in
// QEMU, Ctrl-A x quits and Ctrl-A Ctrl-A sends a literal Ctrl-A.
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <thread>

#include "base/result.h"
#include "base/unique_fd.h"
#include "vmm/vm_config.h"

namespace flint::vmm {

class Console {
public:
    using InputHandler = std::function<void(std::span<const u8>)>;
    using QuitHandler = std::function<void()>;

    static Result<std::unique_ptr<Console>> create(const ConsoleConfig& config);
    ~Console();

    // Guest output. Called from vCPU threads.
    void write(std::span<const u8> bytes);

    // Starts the input thread (stdio consoles only; others have no input).
    Result<void> start_input(InputHandler on_input, QuitHandler on_quit);
    void stop_input();

private:
    Console() = default;
    void input_loop();
    void handle_input(std::span<const u8> bytes);

    ConsoleKind m_kind = ConsoleKind::None;
    UniqueFd m_out;          // where output goes; invalid: discarded
    bool m_raw = false;      // stdin was put in raw mode and must be restored
    UniqueFd m_stop_event;   // eventfd that wakes the input thread to exit
    std::thread m_thread;
    InputHandler m_on_input;
    QuitHandler m_on_quit;
    bool m_escape = false;   // the previous byte was Ctrl-A
};

}  // namespace flint::vmm
