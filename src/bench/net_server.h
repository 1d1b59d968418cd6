#pragma once
// The host end of the net suite: a TCP server on the loopback that the guest's net-bench
// (scripts/guest/net-bench.c) reaches as 10.0.2.2 through user-mode networking. It sinks,
// sources and echoes data on the guest's command; one guest talks to it at a time.
#include <atomic>
#include <memory>
#include <thread>

#include "base/result.h"
#include "base/types.h"
#include "base/unique_fd.h"

namespace flint::bench {

class NetServer {
public:
    // Listens on 127.0.0.1 on a port the kernel picks and serves on its own thread.
    static Result<std::unique_ptr<NetServer>> start();
    ~NetServer();
    NetServer(const NetServer&) = delete;
    NetServer& operator=(const NetServer&) = delete;

    u16 port() const { return m_port; }
    // Connections closed because of a malformed or out-of-range command.
    u64 rejected() const { return m_rejected.load(); }

private:
    NetServer(UniqueFd listen_fd, UniqueFd stop_fd, u16 port);
    void serve();

    UniqueFd m_listen;
    UniqueFd m_stop;  // an eventfd: readable once the server is to end
    u16 m_port;
    std::atomic<u64> m_rejected{0};
    std::thread m_thread;
};

}  // namespace flint::bench
