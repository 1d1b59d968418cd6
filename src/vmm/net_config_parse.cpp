// The textual form of --net, shared by the command line and (later) the API.
#include <arpa/inet.h>

#include <charconv>

#include "vmm/vm_config.h"

namespace flint::vmm {

namespace {

constexpr size_t kIfnameMax = 15;  // IFNAMSIZ less the terminating NUL

constexpr const char* kNetUsage =
    "use --net user[,hostfwd=tcp::2222-:22][,mac=52:54:00:12:34:56][,transport=pci] or "
    "--net tap,ifname=tap0[,mac=...][,transport=pci]";

// Splits "a,b,c" one item at a time.
std::string_view next_item(std::string_view& text, char sep) {
    const size_t at = text.find(sep);
    const std::string_view item = text.substr(0, at);
    text = at == std::string_view::npos ? std::string_view{} : text.substr(at + 1);
    return item;
}

Result<u16> parse_port(std::string_view text, std::string_view whole) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
        return Error::format("--net hostfwd={}: '{}' is not a port number (1 to 65535)", whole, text);
    return static_cast<u16>(value);
}

// An IPv4 address in host byte order; empty is 0 (the default address).
Result<u32> parse_ipv4(std::string_view text, std::string_view whole) {
    if (text.empty()) return u32{0};
    const std::string s(text);
    in_addr a{};
    if (::inet_pton(AF_INET, s.c_str(), &a) != 1)
        return Error::format("--net hostfwd={}: '{}' is not an IPv4 address", whole, text);
    return ntohl(a.s_addr);
}

}  // namespace

Result<backends::HostForward> parse_hostfwd(std::string_view text) {
    const std::string_view whole = text;
    const size_t dash = text.find('-');
    if (dash == std::string_view::npos)
        return Error::format("--net hostfwd={}: use [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, as in "
                             "hostfwd=tcp::2222-:22",
                             whole);
    std::string_view host = text.substr(0, dash), guest = text.substr(dash + 1);
    backends::HostForward f;
    const std::string_view proto = next_item(host, ':');
    if (proto == "udp") f.protocol = backends::HostForward::Protocol::Udp;
    else if (proto != "tcp" && !proto.empty())
        return Error::format("--net hostfwd={}: protocol '{}' is not tcp or udp", whole, proto);
    const size_t host_colon = host.rfind(':');
    const size_t guest_colon = guest.rfind(':');
    if (host_colon == std::string_view::npos || guest_colon == std::string_view::npos)
        return Error::format("--net hostfwd={}: use [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", whole);
    f.host_addr = FLINT_TRY(parse_ipv4(host.substr(0, host_colon), whole));
    f.host_port = FLINT_TRY(parse_port(host.substr(host_colon + 1), whole));
    f.guest_addr = FLINT_TRY(parse_ipv4(guest.substr(0, guest_colon), whole));
    f.guest_port = FLINT_TRY(parse_port(guest.substr(guest_colon + 1), whole));
    return f;
}

Result<std::array<u8, 6>> parse_mac(std::string_view text) {
    std::array<u8, 6> mac{};
    std::string_view rest = text;
    for (size_t i = 0; i < mac.size(); ++i) {
        const std::string_view octet = next_item(rest, ':');
        unsigned v = 0;
        auto [end, ec] = std::from_chars(octet.data(), octet.data() + octet.size(), v, 16);
        if (octet.size() != 2 || ec != std::errc() || end != octet.data() + 2 || (i + 1 == mac.size()) != rest.empty())
            return Error::format("--net mac={}: give six hex octets, as in mac=52:54:00:12:34:56", text);
        mac[i] = static_cast<u8>(v);
    }
    if (mac[0] & 1) return Error::format("--net mac={}: a multicast address (first octet odd) cannot be a NIC's", text);
    return mac;
}

Result<NetConfig> parse_net(std::string_view text) {
    NetConfig net;
    const std::string_view kind = next_item(text, ',');
    if (kind == "user") net.kind = NetKind::User;
    else if (kind == "tap") net.kind = NetKind::Tap;
    else return Error::format("--net '{}' is not user or tap: {}", kind, kNetUsage);
    while (!text.empty()) {
        const std::string_view item = next_item(text, ',');
        const size_t eq = item.find('=');
        const std::string_view key = item.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
        if (key == "hostfwd" && net.kind == NetKind::User) {
            net.forwards.push_back(FLINT_TRY(parse_hostfwd(value)));
        } else if (key == "ifname" && net.kind == NetKind::Tap) {
            if (value.empty() || value.size() > kIfnameMax)
                return Error::format("--net tap,ifname='{}': give an interface name of 1 to {} characters", value,
                                     kIfnameMax);
            net.ifname = std::string(value);
        } else if (key == "mac") {
            net.mac = FLINT_TRY(parse_mac(value));
        } else if (key == "transport") {
            net.transport = FLINT_TRY(parse_transport(value, "--net"));
        } else {
            return Error::format("--net {} option '{}' is unknown: {}", kind, item, kNetUsage);
        }
    }
    if (net.kind == NetKind::Tap && net.ifname.empty())
        return Error("--net tap needs an interface: use --net tap,ifname=tap0");
    return net;
}

}  // namespace flint::vmm
