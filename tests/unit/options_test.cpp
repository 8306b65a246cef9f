// Typed socket options: each one round-trips on every socket type it applies to, in both
// error forms; out-of-range values are errc::invalid_argument on every OS; an option the
// OS lacks (by capability query) is std::errc::operation_not_supported, never ignored.
#include "test_support.hpp"

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

namespace {

using portsock::ip_address;
using portsock::keep_alive_settings;
using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::patience;
using namespace std::chrono_literals;

constexpr std::errc not_supported = std::errc::operation_not_supported;

// --- buffer sizes ---------------------------------------------------------------------

// What the OS reports for a size it was asked for: the value (macOS, the BSDs, Windows)
// or twice it (Linux), never less.
void expect_buffer_read_back(std::size_t asked, std::size_t got) {
    EXPECT_GE(got, asked);
    EXPECT_LE(got, 2 * asked);
}

void check_buffers(portsock::basic_socket& s) {
    s.set_send_buffer_size(64 * 1024);
    expect_buffer_read_back(64 * 1024, s.send_buffer_size());
    std::error_code ec = portsock::errc::not_open;
    s.set_receive_buffer_size(96 * 1024, ec);
    EXPECT_FALSE(ec) << ec.message();
    ec = portsock::errc::not_open;
    expect_buffer_read_back(96 * 1024, s.receive_buffer_size(ec));
    EXPECT_FALSE(ec) << ec.message();
}

TEST(Options, BufferSizesRoundTripOnEverySocketType) {
    auto pair = portsock_test::make_tcp_pair();
    check_buffers(pair.client);
    check_buffers(pair.listener);
    udp_socket udp(portsock_test::any_port_v4());
    check_buffers(udp);
}

TEST(Options, BufferSizesOutOfRangeAreInvalidArgument) {
    udp_socket udp(portsock_test::any_port_v4());
    const std::size_t before = udp.receive_buffer_size();
    for (std::size_t bad : {std::size_t{0}, std::size_t{1} << 31, std::numeric_limits<std::size_t>::max()}) {
        std::error_code ec;
        udp.set_receive_buffer_size(bad, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << bad;
        EXPECT_EQ(catch_system_error([&] { udp.set_send_buffer_size(bad); }).code,
                  std::errc::invalid_argument);
    }
    EXPECT_EQ(udp.receive_buffer_size(), before) << "a refused value must not change the buffer";
}

// --- unicast hops, traffic class ------------------------------------------------------

void check_hops(portsock::ip_socket& s) {
    s.set_unicast_hops(17);
    EXPECT_EQ(s.unicast_hops(), 17);
    std::error_code ec = portsock::errc::not_open;
    s.set_unicast_hops(255, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(s.unicast_hops(ec), 255);
    EXPECT_FALSE(ec);
    for (int bad : {0, -1, 256}) {
        s.set_unicast_hops(bad, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << bad;
    }
    EXPECT_EQ(s.unicast_hops(), 255);
}

TEST(Options, UnicastHopsRoundTripIpv4) {
    auto pair = portsock_test::make_tcp_pair();
    check_hops(pair.client);
    check_hops(pair.listener);
    udp_socket udp(portsock_test::any_port_v4());
    check_hops(udp);
}

TEST(Options, UnicastHopsRoundTripIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    auto pair = portsock_test::make_tcp_pair(portsock_test::any_port_v6());
    check_hops(pair.server);
    udp_socket udp(portsock_test::any_port_v6());
    check_hops(udp);
}

void check_traffic_class(portsock::ip_socket& s) {
    constexpr int dscp_ef = 46 << 2;  // expedited forwarding, ECN bits 0
    std::error_code ec;
    s.set_traffic_class(256, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "checked before the OS, on every OS";
    s.set_traffic_class(-1, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    if (!portsock::has_traffic_class()) {
        s.set_traffic_class(dscp_ef, ec);
        EXPECT_EQ(ec, not_supported);
        EXPECT_EQ(s.traffic_class(ec), 0);
        EXPECT_EQ(ec, not_supported);
        EXPECT_EQ(catch_system_error([&] { s.set_traffic_class(dscp_ef); }).code, not_supported);
        return;
    }
    s.set_traffic_class(dscp_ef);
    EXPECT_EQ(s.traffic_class(), dscp_ef);
    s.set_traffic_class(0x28, ec);  // AF11
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(s.traffic_class(ec), 0x28);
}

TEST(Options, TrafficClassRoundTripsOrIsUnsupported) {
    auto pair = portsock_test::make_tcp_pair();
    check_traffic_class(pair.client);
    udp_socket udp(portsock_test::any_port_v4());
    check_traffic_class(udp);
}

TEST(Options, TrafficClassIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket udp(portsock_test::any_port_v6());
    check_traffic_class(udp);
}

// --- IPv6-only, reuse-port ------------------------------------------------------------

TEST(Options, V6OnlyRoundTripsOnAnUnboundSocket) {
    PORTSOCK_REQUIRE_IPV6();
    auto udp = udp_socket::open(portsock::address_family::ipv6);
    udp.set_v6_only(false);
    EXPECT_FALSE(udp.v6_only());
    std::error_code ec = portsock::errc::not_open;
    udp.set_v6_only(true, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(udp.v6_only(ec));
    EXPECT_FALSE(ec);
}

TEST(Options, V6OnlyFollowsListenOptions) {
    PORTSOCK_REQUIRE_IPV6();
    tcp_listener only(portsock_test::any_port_v6());
    EXPECT_TRUE(only.v6_only());
    portsock::listen_options dual;
    dual.dual_stack = true;
    tcp_listener both({ip_address::any_v6(), 0}, dual);
    EXPECT_FALSE(both.v6_only());
}

TEST(Options, V6OnlyOnAnIpv4SocketIsInvalidArgument) {
    udp_socket udp(portsock_test::any_port_v4());
    std::error_code ec;
    udp.set_v6_only(true, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(udp.v6_only(ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([&] { (void)udp.v6_only(); }).code, std::errc::invalid_argument);
}

TEST(Options, ReusePortRoundTripsOrIsUnsupported) {
    auto udp = udp_socket::open(portsock::address_family::ipv4);
    std::error_code ec;
    if (!portsock::has_reuse_port()) {
        udp.set_reuse_port(true, ec);
        EXPECT_EQ(ec, not_supported);
        EXPECT_FALSE(udp.reuse_port(ec));
        EXPECT_EQ(ec, not_supported);
        portsock::listen_options sharing;
        sharing.reuse_port = true;
        tcp_listener::listen(portsock_test::any_port_v4(), ec, sharing);
        EXPECT_EQ(ec, not_supported) << "a listener must not silently drop reuse_port";
        return;
    }
    EXPECT_FALSE(udp.reuse_port());
    udp.set_reuse_port(true);
    EXPECT_TRUE(udp.reuse_port(ec));
    EXPECT_FALSE(ec);
    udp.set_reuse_port(false, ec);
    EXPECT_FALSE(udp.reuse_port());
}

TEST(Options, ReusePortLetsTwoListenersShareAPort) {
    if (!portsock::has_reuse_port())
        GTEST_SKIP() << "this OS has no SO_REUSEPORT (has_reuse_port() is false)";
    portsock::listen_options sharing;
    sharing.reuse_port = true;
    tcp_listener first(portsock_test::any_port_v4(), sharing);
    EXPECT_TRUE(first.reuse_port());
    tcp_listener second(portsock_test::where(first), sharing);
    EXPECT_EQ(portsock_test::where(second), portsock_test::where(first));
    std::error_code ec;
    tcp_listener::listen(portsock_test::where(first), ec, portsock::listen_options{});
    EXPECT_EQ(ec, std::errc::address_in_use) << "a listener that did not ask must not share";
}

// --- keep-alive timing ----------------------------------------------------------------

TEST(Options, KeepAliveTimingRoundTripsOrIsUnsupported) {
    auto pair = portsock_test::make_tcp_pair();
    const keep_alive_settings wanted{30s, 5s, 4};
    std::error_code ec;
    if (!portsock::has_keep_alive_timing()) {
        pair.client.set_keep_alive_timing(wanted, ec);
        EXPECT_EQ(ec, not_supported);
        pair.client.keep_alive_timing(ec);
        EXPECT_EQ(ec, not_supported);
        return;
    }
    pair.client.set_keep_alive(true);
    pair.client.set_keep_alive_timing(wanted);
    const keep_alive_settings got = pair.client.keep_alive_timing();
    EXPECT_EQ(got.idle, 30s);
    EXPECT_EQ(got.interval, 5s);
    EXPECT_EQ(got.probes, 4);
    pair.server.set_keep_alive_timing({1s, 32767s, 127}, ec);
    EXPECT_FALSE(ec) << ec.message();
    const keep_alive_settings edge = pair.server.keep_alive_timing(ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(edge.idle, 1s);
    EXPECT_EQ(edge.interval, 32767s);
    EXPECT_EQ(edge.probes, 127);
}

TEST(Options, KeepAliveTimingOutOfRangeIsInvalidArgument) {
    auto pair = portsock_test::make_tcp_pair();
    const keep_alive_settings bad[] = {{0s, 5s, 4},  {32768s, 5s, 4}, {30s, 0s, 4}, {30s, -1s, 4},
                                       {30s, 5s, 0}, {30s, 5s, 128},  {30s, 5s, -3}};
    for (const keep_alive_settings& timing : bad) {
        std::error_code ec;
        pair.client.set_keep_alive_timing(timing, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument)
            << timing.idle.count() << ' ' << timing.interval.count() << ' ' << timing.probes;
    }
    EXPECT_EQ(catch_system_error([&] {
                  pair.client.set_keep_alive_timing({30s, 5s, 0});
              }).code,
              std::errc::invalid_argument);
}

// --- linger ---------------------------------------------------------------------------

TEST(Options, LingerRoundTrips) {
    auto pair = portsock_test::make_tcp_pair();
    EXPECT_EQ(pair.client.linger(), std::nullopt) << "off by default";
    pair.client.set_linger(5s);
    EXPECT_EQ(pair.client.linger(), std::optional<std::chrono::seconds>(5s));
    std::error_code ec = portsock::errc::not_open;
    pair.client.set_linger(0s, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.linger(ec), std::optional<std::chrono::seconds>(0s));
    pair.client.set_linger(65535s);
    EXPECT_EQ(pair.client.linger(), std::optional<std::chrono::seconds>(65535s));
    pair.client.set_linger(std::nullopt);
    EXPECT_EQ(pair.client.linger(), std::nullopt);
}

TEST(Options, LingerOutOfRangeIsInvalidArgument) {
    auto pair = portsock_test::make_tcp_pair();
    pair.client.set_linger(7s);
    for (std::chrono::seconds bad : {-1s, 65536s}) {
        std::error_code ec;
        pair.client.set_linger(bad, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << bad.count();
    }
    EXPECT_EQ(pair.client.linger(), std::optional<std::chrono::seconds>(7s));
}

// No unread data on the closing side: a plain close() then ends the connection with FIN
// (end of stream), so only the zero linger time can make it a reset.
TEST(Options, AbortiveCloseResetsThePeer) {
    auto pair = portsock_test::make_tcp_pair();
    pair.server.set_linger(0s);
    pair.server.close();
    char buffer[64];
    std::error_code ec;
    const std::size_t n = pair.client.receive(buffer, sizeof buffer, ec, patience);
    EXPECT_EQ(n, 0u);
    if (portsock_test::under_wine()) {
        // Wine's recv() reports a reset connection as end of stream; the reset shows on send.
        EXPECT_FALSE(ec) << ec.message();
        pair.client.send("x", 1, ec, patience);
        EXPECT_TRUE(ec == std::errc::connection_reset || ec == std::errc::broken_pipe)
            << "a FIN would have let this send through: " << ec.message();
        return;
    }
    EXPECT_EQ(ec, std::errc::connection_reset) << "got " << ec.message() << " instead of a reset";
}

TEST(Options, OrdinaryCloseEndsTheStream) {
    auto pair = portsock_test::make_tcp_pair();
    pair.server.set_linger(std::nullopt);
    pair.server.close();
    char buffer[64];
    std::error_code ec;
    EXPECT_EQ(pair.client.receive(buffer, sizeof buffer, ec, patience), 0u);
    EXPECT_FALSE(ec) << "the control case: end of stream, not " << ec.message();
    pair.client.send("x", 1, ec, patience);
    EXPECT_FALSE(ec) << "a half-closed peer still takes one send: " << ec.message();
}

// --- every option on an empty socket --------------------------------------------------

TEST(Options, EmptySocketsReportNotOpen) {
    tcp_stream stream;
    udp_socket udp;
    std::error_code ec;
    stream.set_send_buffer_size(1024, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(stream.receive_buffer_size(ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
    stream.set_unicast_hops(5, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(udp.traffic_class(ec), 0);
    EXPECT_EQ(ec, portsock::errc::not_open);
    udp.set_v6_only(true, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_FALSE(udp.reuse_port(ec));
    EXPECT_EQ(ec, portsock::errc::not_open);
    stream.set_linger(1s, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(stream.linger(ec), std::nullopt);
    EXPECT_EQ(ec, portsock::errc::not_open);
    stream.set_keep_alive_timing({}, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    const auto thrown = catch_system_error([&] { (void)stream.keep_alive_timing(); });
    EXPECT_EQ(thrown.code, portsock::errc::not_open);
    EXPECT_NE(thrown.what.find("keep_alive_timing"), std::string::npos) << thrown.what;
}

}  // namespace
