#include "backends/user_net.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "base/bits.h"

namespace flint::backends {
namespace {

using namespace std::chrono_literals;

constexpr u8 kGuestMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr u16 kEtherTypeArp = 0x0806;

void put_be16(std::vector<u8>& v, u16 x) {
    v.push_back(static_cast<u8>(x >> 8));
    v.push_back(static_cast<u8>(x));
}
void put_be32(std::vector<u8>& v, u32 x) {
    put_be16(v, static_cast<u16>(x >> 16));
    put_be16(v, static_cast<u16>(x));
}
u16 be16(const std::vector<u8>& v, size_t at) { return static_cast<u16>(v[at] << 8 | v[at + 1]); }
u32 be32(const std::vector<u8>& v, size_t at) { return u32{be16(v, at)} << 16 | be16(v, at + 2); }

// "Who has `target`? Tell 10.0.2.15", from the guest's MAC.
std::vector<u8> arp_request(u32 target) {
    std::vector<u8> f(6, 0xff);
    f.insert(f.end(), kGuestMac, kGuestMac + 6);
    put_be16(f, kEtherTypeArp);
    put_be16(f, 1);       // Ethernet
    put_be16(f, 0x0800);  // IPv4
    f.push_back(6);
    f.push_back(4);
    put_be16(f, 1);  // request
    f.insert(f.end(), kGuestMac, kGuestMac + 6);
    put_be32(f, kUserNetGuest);
    f.insert(f.end(), 6, 0);
    put_be32(f, target);
    return f;
}

// A TCP socket bound to an ephemeral loopback port; `addr` receives the address.
int bound_loopback_socket(sockaddr_in& addr) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    return s;
}

// The frames libslirp hands to the guest, collected from the loop thread.
class UserNetTest : public ::testing::Test {
protected:
    void SetUp() override { loop = *EventLoop::create(); }
    // The loop thread stops before the stack it drives goes.
    void TearDown() override { loop->stop(); }

    UserNet* make(const std::vector<HostForward>& forwards = {}) {
        auto created = UserNet::create(forwards, *loop);
        EXPECT_TRUE(created) << (created ? "" : created.error().message());
        if (!created) return nullptr;
        net = std::move(*created);
        net->set_receiver([this](std::span<const u8> frame) {
            std::lock_guard lock(mutex);
            frames.emplace_back(frame.begin(), frame.end());
            cv.notify_all();
        });
        return net.get();
    }
    // The first frame received of ARP operation `op`, waiting up to two seconds.
    std::optional<std::vector<u8>> wait_arp(u16 op) {
        std::unique_lock lock(mutex);
        std::optional<std::vector<u8>> found;
        cv.wait_for(lock, 2s, [&] {
            for (const auto& f : frames)
                if (f.size() >= 42 && be16(f, 12) == kEtherTypeArp && be16(f, 20) == op) found = f;
            return found.has_value();
        });
        return found;
    }

    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<UserNet> net;
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::vector<u8>> frames;
};

TEST_F(UserNetTest, ArpForGateway_Answered) {
    ASSERT_TRUE(make());
    ASSERT_TRUE(loop->start());
    net->send(arp_request(kUserNetHost));
    auto reply = wait_arp(2);
    ASSERT_TRUE(reply) << "no ARP reply from 10.0.2.2";
    EXPECT_EQ(std::vector<u8>(reply->begin(), reply->begin() + 6), std::vector<u8>(kGuestMac, kGuestMac + 6));
    EXPECT_EQ(be32(*reply, 28), kUserNetHost);  // sender protocol address
}

TEST_F(UserNetTest, HostForward_ConnectionReachesGuestSide) {
    // Bind an ephemeral port to learn a free one, then forward it.
    sockaddr_in a;
    ::close(bound_loopback_socket(a));
    const u16 port = ntohs(a.sin_port);

    ASSERT_TRUE(make({{HostForward::Protocol::Tcp, 0x7f000001, port, 0, 80}}));
    ASSERT_TRUE(loop->start());
    int c = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    // libslirp does not know the guest's MAC yet: it asks for 10.0.2.15 first.
    auto request = wait_arp(1);
    ::close(c);
    ASSERT_TRUE(request) << "the forwarded connection produced no frame for the guest";
    EXPECT_EQ(be32(*request, 38), kUserNetGuest);  // target protocol address
}

TEST_F(UserNetTest, HostForward_PortInUse_Error) {
    sockaddr_in a;
    const int s = bound_loopback_socket(a);
    ASSERT_EQ(::listen(s, 1), 0);
    auto failed = UserNet::create({{HostForward::Protocol::Tcp, 0x7f000001, ntohs(a.sin_port), 0, 22}}, *loop);
    ::close(s);
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message().find("cannot listen on host port"), std::string::npos)
        << failed.error().message();
}

}  // namespace
}  // namespace flint::backends
