#include "bench/net_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/unique_fd.h"
#include "bench/net_stream.h"

namespace flint::bench {
namespace {

// A blocking client on the server's port, with a receive timeout so that a broken server
// fails the test instead of hanging it.
UniqueFd connect_to(u16 port) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return UniqueFd();
    return fd;
}

void send_all(int fd, std::span<const u8> bytes) {
    for (size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        ASSERT_GT(n, 0);
        done += static_cast<size_t>(n);
    }
}

void send_text(int fd, std::string_view text) { send_all(fd, std::span(reinterpret_cast<const u8*>(text.data()), text.size())); }

// Reads `n` bytes, or fewer when the connection ends first.
std::vector<u8> receive(int fd, size_t n) {
    std::vector<u8> out(n);
    size_t done = 0;
    while (done < n) {
        const ssize_t r = ::recv(fd, out.data() + done, n - done, 0);
        if (r <= 0) break;
        done += static_cast<size_t>(r);
    }
    out.resize(done);
    return out;
}

std::string receive_line(int fd) {
    std::string line;
    for (std::vector<u8> ch = receive(fd, 1); !ch.empty() && ch[0] != '\n'; ch = receive(fd, 1)) line += static_cast<char>(ch[0]);
    return line;
}

TEST(NetStream, Hash_SameWhateverThePiecesAndChangedByOneByte) {
    const NetBlock& block = net_block();
    StreamHash whole;
    whole.add(block);
    StreamHash pieces;
    for (size_t at = 0, len = 1; at < block.size(); at += len, len = len % 13 + 1)
        pieces.add(std::span(block).subspan(at, std::min(len, block.size() - at)));
    EXPECT_EQ(pieces.value(), whole.value());
    std::vector<u8> changed(block.begin(), block.end());
    changed[1000] ^= 1;
    StreamHash other;
    other.add(changed);
    EXPECT_NE(other.value(), whole.value());
    EXPECT_EQ(net_stream_hash(kNetBlock), whole.value());
    EXPECT_NE(net_stream_hash(2 * kNetBlock), whole.value());
}

TEST(NetStream, Hash_MatchesTheGuestProgram) {
    // What scripts/guest/net-bench.c printed for 4 MiB (check=...) in a run against this
    // server: both ends must compute the same hash of the same stream.
    EXPECT_EQ(net_stream_hash(4 << 20), 0xbe2c082109a707dfull);
}

TEST(NetServer, UpDownEcho_ServedAndChecked) {
    auto server = NetServer::start();
    ASSERT_TRUE(server) << server.error().message();
    UniqueFd c = connect_to((*server)->port());
    ASSERT_TRUE(c.valid());
    const u64 bytes = 3 * kNetBlock;

    send_text(c.get(), "UP 196608\n");
    for (int i = 0; i < 3; ++i) send_all(c.get(), net_block());
    EXPECT_EQ(receive_line(c.get()), fmt::format("OK {:016x}", net_stream_hash(bytes)));

    send_text(c.get(), "DOWN 196608\n");
    StreamHash down;
    down.add(receive(c.get(), bytes));
    EXPECT_EQ(down.value(), net_stream_hash(bytes));

    send_text(c.get(), "ECHO 3 5\n");
    for (const char* msg : {"abcde", "fghij", "klmno"}) {
        send_text(c.get(), msg);
        const std::vector<u8> back = receive(c.get(), 5);
        EXPECT_EQ(std::string(back.begin(), back.end()), msg);
    }
    send_text(c.get(), "BYE\n");
    EXPECT_TRUE(receive(c.get(), 1).empty());  // closed by the server
    EXPECT_EQ((*server)->rejected(), 0u);
}

TEST(NetServer, BadCommands_CloseTheConnectionAndTheServerGoesOn) {
    auto server = NetServer::start();
    ASSERT_TRUE(server) << server.error().message();
    const std::vector<std::string> bad_commands{"FOO 1\n", "UP 99999999999999999999\n", "ECHO 1 999999\n", "UP 1 2\n",
                                                "DOWN -1\n", "UP\n", std::string(200, 'U')};
    for (const std::string& bad : bad_commands) {
        UniqueFd c = connect_to((*server)->port());
        ASSERT_TRUE(c.valid());
        send_text(c.get(), bad);
        EXPECT_TRUE(receive(c.get(), 1).empty()) << bad;
    }
    EXPECT_EQ((*server)->rejected(), 7u);
    UniqueFd c = connect_to((*server)->port());
    send_text(c.get(), "ECHO 1 2\nhi");
    const std::vector<u8> back = receive(c.get(), 2);
    EXPECT_EQ(std::string(back.begin(), back.end()), "hi");
}

TEST(NetServer, NewConnection_EndsTheOneBeforeIt) {
    // One guest runs at a time: a second connection means the first guest is gone.
    auto server = NetServer::start();
    ASSERT_TRUE(server) << server.error().message();
    UniqueFd first = connect_to((*server)->port());
    send_text(first.get(), "ECHO 2 2\nab");
    ASSERT_EQ(receive(first.get(), 2).size(), 2u);
    UniqueFd second = connect_to((*server)->port());
    EXPECT_TRUE(receive(first.get(), 1).empty());
    send_text(second.get(), "ECHO 1 2\ncd");
    EXPECT_EQ(receive(second.get(), 2).size(), 2u);
}

}  // namespace
}  // namespace flint::bench
