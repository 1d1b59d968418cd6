#include "backends/socket_chardev.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace flint::backends {
namespace {

using namespace std::chrono_literals;

// A client of the chardev's socket, as socat would be.
UniqueFd connect_to(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0) << path;
    timeval tv{5, 0};  // a read that never gets its bytes fails the test instead of hanging
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

std::string recv_some(int fd) {
    char buf[256];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::span<const u8> bytes_of(std::string_view s) { return {reinterpret_cast<const u8*>(s.data()), s.size()}; }

class SocketChardevTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/flint-chardev-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir = tmpl;
        path = dir + "/hvc0.sock";
        loop = *EventLoop::create();
    }
    void TearDown() override {
        loop->stop();
        chardev.reset();
        ::unlink(path.c_str());
        ::rmdir(dir.c_str());
    }

    Result<std::unique_ptr<SocketChardev>> make() {
        return SocketChardev::listen(
            path, *loop,
            [this](std::span<const u8> b) {
                std::lock_guard lock(mutex);
                input.append(b.begin(), b.end());
                cv.notify_all();
            },
            "--hvc0 socket");
    }
    void start() {
        auto c = make();
        ASSERT_TRUE(c) << c.error().message();
        chardev = std::move(*c);
        ASSERT_TRUE(loop->start());
    }
    // Waits (on the loop thread's behalf) until `pred` holds, for up to 5 s.
    template <typename Pred>
    bool eventually(Pred pred) {
        for (int i = 0; i < 500; ++i) {
            if (pred()) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

    std::string dir, path;
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<SocketChardev> chardev;
    std::mutex mutex;
    std::condition_variable cv;
    std::string input;
};

TEST_F(SocketChardevTest, ClientInputReachesHandler) {
    start();
    UniqueFd client = connect_to(path);
    ASSERT_EQ(::send(client.get(), "ls\n", 3, 0), 3);
    std::unique_lock lock(mutex);
    EXPECT_TRUE(cv.wait_for(lock, 5s, [this] { return input == "ls\n"; })) << input;
}

TEST_F(SocketChardevTest, OutputReachesAttachedClient) {
    start();
    UniqueFd client = connect_to(path);
    ASSERT_TRUE(eventually([this] { return chardev->has_client(); }));
    chardev->write(bytes_of("guest says hi"));
    EXPECT_EQ(recv_some(client.get()), "guest says hi");
}

TEST_F(SocketChardevTest, OutputWithoutClient_Discarded) {
    start();
    chardev->write(bytes_of("nobody listens"));
    UniqueFd client = connect_to(path);
    ASSERT_TRUE(eventually([this] { return chardev->has_client(); }));
    chardev->write(bytes_of("now"));
    EXPECT_EQ(recv_some(client.get()), "now");
}

TEST_F(SocketChardevTest, SecondClient_ToldTakenFirstKeepsConsole) {
    start();
    UniqueFd first = connect_to(path);
    ASSERT_TRUE(eventually([this] { return chardev->has_client(); }));
    UniqueFd second = connect_to(path);
    EXPECT_NE(recv_some(second.get()).find("already has a client"), std::string::npos);
    chardev->write(bytes_of("still yours"));
    EXPECT_EQ(recv_some(first.get()), "still yours");
}

TEST_F(SocketChardevTest, Detach_ThenAnotherClientAttaches) {
    start();
    {
        UniqueFd first = connect_to(path);
        ASSERT_TRUE(eventually([this] { return chardev->has_client(); }));
    }
    ASSERT_TRUE(eventually([this] { return !chardev->has_client(); }));
    UniqueFd second = connect_to(path);
    ASSERT_TRUE(eventually([this] { return chardev->has_client(); }));
    chardev->write(bytes_of("welcome back"));
    EXPECT_EQ(recv_some(second.get()), "welcome back");
}

TEST_F(SocketChardevTest, StaleSocket_Replaced) {
    auto first = make();
    ASSERT_TRUE(first);
    first->reset();  // removes its socket file
    // A socket file whose listener is gone, as a crashed run leaves it.
    UniqueFd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    stale.reset();
    auto second = make();
    EXPECT_TRUE(second) << second.error().message();
}

TEST_F(SocketChardevTest, RegularFileAtPath_RefusedAndKept) {
    std::ofstream(path) << "precious";
    auto c = make();
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message().find("is not a socket"), std::string::npos) << c.error().message();
    std::ifstream in(path);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(SocketChardevTest, Destroyed_RemovesSocketFile) {
    start();
    loop->stop();
    chardev.reset();
    struct stat st {};
    EXPECT_NE(::lstat(path.c_str(), &st), 0);
}

}  // namespace
}  // namespace flint::backends
