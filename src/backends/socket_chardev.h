#pragma once
// A character stream on a Unix socket Flint listens on, as QEMU's `-chardev
// socket,server=on,wait=off`: a console a user attaches to and detaches from while the VM
// runs (`socat -,raw,echo=0 UNIX-CONNECT:PATH`). One client at a time gets the guest's
// output and sends it input; a second client is told the console is taken and closed.
// Without a client, output is discarded.
//
// Threading: the listening and client descriptors are served on the event loop thread,
// which calls the input handler; write() may come from any thread (a vCPU's).
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "base/event_loop.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace flint::backends {

class SocketChardev {
public:
    using InputHandler = std::function<void(std::span<const u8>)>;

    // Listens on `path`. A stale socket left there by an earlier run is replaced; any
    // other file is an error, never overwritten. `what` names the user's option in errors.
    static Result<std::unique_ptr<SocketChardev>> listen(const std::string& path, EventLoop& loop,
                                                         InputHandler on_input, std::string_view what);
    // Removes the socket file. The loop thread must have stopped (or never started).
    ~SocketChardev();
    SocketChardev(const SocketChardev&) = delete;
    SocketChardev& operator=(const SocketChardev&) = delete;

    // Sends `bytes` to the client, if one is attached. Never blocks: what the client's
    // socket buffer cannot take now is dropped, so a stalled client cannot stall a vCPU.
    void write(std::span<const u8> bytes);

    bool has_client() const;

private:
    SocketChardev(EventLoop& loop, std::string path, UniqueFd listener, InputHandler on_input)
        : m_loop(loop), m_path(std::move(path)), m_listener(std::move(listener)), m_on_input(std::move(on_input)) {}
    void accept_client();
    void on_client(u32 events);
    void drop_client();

    EventLoop& m_loop;
    std::string m_path;
    UniqueFd m_listener;
    InputHandler m_on_input;
    mutable std::mutex m_mutex;  // guards m_client against write() from vCPU threads
    UniqueFd m_client;
};

}  // namespace flint::backends
