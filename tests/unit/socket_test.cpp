// Handle ownership shared by every socket type: empty sockets, moves, close() and
// release(). An empty socket must answer every call with errc::not_open, in both forms,
// without touching the OS.
#include "test_support.hpp"

#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <string>
#include <type_traits>
#include <utility>

namespace {

using portsock::endpoint;
using portsock::errc;
using portsock::invalid_native_handle;
using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::where;
using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<tcp_stream> && !std::is_copy_assignable_v<tcp_stream>);
static_assert(std::is_nothrow_move_constructible_v<tcp_stream> &&
              std::is_nothrow_move_assignable_v<tcp_stream>);
static_assert(std::is_nothrow_move_constructible_v<tcp_listener> &&
              std::is_nothrow_move_assignable_v<tcp_listener>);
static_assert(std::is_nothrow_move_constructible_v<udp_socket> &&
              std::is_nothrow_move_assignable_v<udp_socket>);
static_assert(!std::is_copy_constructible_v<udp_socket> && !std::is_copy_constructible_v<tcp_listener>);

// Checks one call on an empty socket: the noexcept form reports not_open (which is
// std::errc::bad_file_descriptor), the throwing form throws it.
template <class Noexcept, class Throwing>
void expect_not_open(const char* what, Noexcept&& noexcept_call, Throwing&& throwing_call) {
    SCOPED_TRACE(what);
    std::error_code ec;
    noexcept_call(ec);
    EXPECT_EQ(ec, errc::not_open) << ec.message();
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    EXPECT_EQ(catch_system_error(throwing_call).code, errc::not_open);
}

void expect_empty(const portsock::basic_socket& s) {
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(s.native_handle(), invalid_native_handle);
    EXPECT_FALSE(s.is_non_blocking());
}

void expect_stream_not_open(tcp_stream& s) {
    expect_empty(s);
    char buffer[4] = {};
    expect_not_open(
        "send", [&](auto& ec) { EXPECT_EQ(s.send(buffer, 4, ec, patience), 0u); },
        [&] { (void)s.send(buffer, 4, patience); });
    expect_not_open(
        "send_all", [&](auto& ec) { EXPECT_EQ(s.send_all(buffer, 4, ec, patience), 0u); },
        [&] { s.send_all(buffer, 4, patience); });
    expect_not_open(
        "send_all nothing", [&](auto& ec) { s.send_all(buffer, 0, ec); }, [&] { s.send_all(buffer, 0); });
    expect_not_open(
        "send_all text", [&](auto& ec) { s.send_all("text", ec); }, [&] { s.send_all("text"); });
    expect_not_open(
        "receive", [&](auto& ec) { EXPECT_EQ(s.receive(buffer, 4, ec, patience), 0u); },
        [&] { (void)s.receive(buffer, 4, patience); });
    expect_not_open(
        "receive string", [&](auto& ec) { EXPECT_EQ(s.receive(4, ec, patience), ""); },
        [&] { (void)s.receive(4, patience); });
    expect_not_open(
        "receive_exact", [&](auto& ec) { EXPECT_EQ(s.receive_exact(buffer, 4, ec, patience), 0u); },
        [&] { s.receive_exact(buffer, 4, patience); });
    expect_not_open(
        "receive_exact nothing", [&](auto& ec) { s.receive_exact(buffer, 0, ec); },
        [&] { s.receive_exact(buffer, 0); });
    expect_not_open(
        "shutdown", [&](auto& ec) { s.shutdown(portsock::shutdown_type::both, ec); },
        [&] { s.shutdown(portsock::shutdown_type::send); });
    expect_not_open(
        "remote_endpoint", [&](auto& ec) { EXPECT_EQ(s.remote_endpoint(ec), endpoint{}); },
        [&] { (void)s.remote_endpoint(); });
    expect_not_open(
        "local_endpoint", [&](auto& ec) { EXPECT_EQ(s.local_endpoint(ec), endpoint{}); },
        [&] { (void)s.local_endpoint(); });
    expect_not_open(
        "set_no_delay", [&](auto& ec) { s.set_no_delay(true, ec); }, [&] { s.set_no_delay(true); });
    expect_not_open(
        "no_delay", [&](auto& ec) { EXPECT_FALSE(s.no_delay(ec)); }, [&] { (void)s.no_delay(); });
    expect_not_open(
        "set_keep_alive", [&](auto& ec) { s.set_keep_alive(true, ec); }, [&] { s.set_keep_alive(true); });
    expect_not_open(
        "keep_alive", [&](auto& ec) { EXPECT_FALSE(s.keep_alive(ec)); }, [&] { (void)s.keep_alive(); });
    expect_not_open(
        "set_non_blocking", [&](auto& ec) { s.set_non_blocking(true, ec); },
        [&] { s.set_non_blocking(true); });
    EXPECT_FALSE(s.is_non_blocking()) << "a failed set_non_blocking changes nothing";
    // Closing an empty socket is not an error.
    std::error_code ec = errc::not_open;
    s.close(ec);
    EXPECT_FALSE(ec);
    s.close();
    expect_empty(s);
}

void expect_listener_not_open(tcp_listener& s) {
    expect_empty(s);
    expect_not_open(
        "accept", [&](auto& ec) { EXPECT_FALSE(s.accept(ec, patience).stream.is_open()); },
        [&] { (void)s.accept(patience); });
    expect_not_open(
        "local_endpoint", [&](auto& ec) { (void)s.local_endpoint(ec); }, [&] { (void)s.local_endpoint(); });
    expect_not_open(
        "set_non_blocking", [&](auto& ec) { s.set_non_blocking(false, ec); },
        [&] { s.set_non_blocking(false); });
    s.close();
    s.close();
}

void expect_udp_not_open(udp_socket& s) {
    expect_empty(s);
    char buffer[4] = {};
    const endpoint somewhere{portsock::ip_address::loopback_v4(), 9};
    expect_not_open(
        "send_to", [&](auto& ec) { EXPECT_EQ(s.send_to(buffer, 4, somewhere, ec, patience), 0u); },
        [&] { (void)s.send_to(buffer, 4, somewhere, patience); });
    expect_not_open(
        "send_to text", [&](auto& ec) { (void)s.send_to("text", somewhere, ec); },
        [&] { (void)s.send_to("text", somewhere); });
    expect_not_open(
        "receive_from", [&](auto& ec) { EXPECT_EQ(s.receive_from(buffer, 4, ec, patience).size, 0u); },
        [&] { (void)s.receive_from(buffer, 4, patience); });
    expect_not_open(
        "connect", [&](auto& ec) { s.connect(somewhere, ec); }, [&] { s.connect(somewhere); });
    expect_not_open(
        "send", [&](auto& ec) { EXPECT_EQ(s.send(buffer, 4, ec, patience), 0u); },
        [&] { (void)s.send(buffer, 4, patience); });
    expect_not_open(
        "receive", [&](auto& ec) { EXPECT_EQ(s.receive(buffer, 4, ec, patience), 0u); },
        [&] { (void)s.receive(buffer, 4, patience); });
    expect_not_open(
        "remote_endpoint", [&](auto& ec) { (void)s.remote_endpoint(ec); },
        [&] { (void)s.remote_endpoint(); });
    expect_not_open(
        "local_endpoint", [&](auto& ec) { (void)s.local_endpoint(ec); }, [&] { (void)s.local_endpoint(); });
    expect_not_open(
        "set_broadcast", [&](auto& ec) { s.set_broadcast(true, ec); }, [&] { s.set_broadcast(true); });
    expect_not_open(
        "broadcast", [&](auto& ec) { EXPECT_FALSE(s.broadcast(ec)); }, [&] { (void)s.broadcast(); });
    expect_not_open(
        "set_non_blocking", [&](auto& ec) { s.set_non_blocking(true, ec); },
        [&] { s.set_non_blocking(true); });
    s.close();
    s.close();
}

// --- empty sockets ------------------------------------------------------------------------

TEST(Socket, DefaultConstructedStreamIsEmpty) {
    tcp_stream s;
    expect_stream_not_open(s);
}

TEST(Socket, DefaultConstructedListenerIsEmpty) {
    tcp_listener s;
    expect_listener_not_open(s);
}

TEST(Socket, DefaultConstructedUdpSocketIsEmpty) {
    udp_socket s;
    expect_udp_not_open(s);
}

// --- moves ----------------------------------------------------------------------------------

TEST(Socket, MoveConstructionTransfersTheHandle) {
    auto pair = make_tcp_pair();
    const auto handle = pair.client.native_handle();
    ASSERT_NE(handle, invalid_native_handle);

    tcp_stream moved(std::move(pair.client));
    EXPECT_EQ(moved.native_handle(), handle);
    EXPECT_TRUE(moved.is_open());
    expect_stream_not_open(pair.client);  // NOLINT(bugprone-use-after-move): the point of the test

    // The moved-to stream is the same connection.
    moved.send_all("moved", patience);
    EXPECT_EQ(pair.server.receive(16, patience), "moved");
}

TEST(Socket, MoveAssignmentTransfersTheHandleAndClosesTheOld) {
    tcp_listener first(portsock_test::any_port_v4());
    tcp_listener second(portsock_test::any_port_v4());
    const endpoint first_at = where(first);
    const endpoint second_at = where(second);
    const auto second_handle = second.native_handle();

    first = std::move(second);
    EXPECT_EQ(first.native_handle(), second_handle);
    EXPECT_EQ(where(first), second_at);
    expect_listener_not_open(second);  // NOLINT(bugprone-use-after-move)

    // The handle first owned was closed: nothing listens there now.
    std::error_code ec;
    (void)tcp_stream::connect(first_at, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    tcp_stream client = tcp_stream::connect(second_at, patience);
    EXPECT_TRUE(first.accept(patience).stream.is_open());
}

TEST(Socket, MovedFromUdpSocketIsEmpty) {
    udp_socket a(portsock_test::any_port_v4());
    const endpoint a_at = where(a);
    udp_socket b;
    b = std::move(a);
    EXPECT_EQ(where(b), a_at);
    expect_udp_not_open(a);  // NOLINT(bugprone-use-after-move)

    udp_socket c(std::move(b));
    EXPECT_EQ(where(c), a_at);
    expect_udp_not_open(b);  // NOLINT(bugprone-use-after-move)
}

TEST(Socket, MoveCarriesNonBlockingMode) {
    auto pair = make_tcp_pair();
    pair.client.set_non_blocking(true);
    tcp_stream moved(std::move(pair.client));
    EXPECT_TRUE(moved.is_non_blocking());
    EXPECT_FALSE(pair.client.is_non_blocking());  // NOLINT(bugprone-use-after-move)
    char byte;
    std::error_code ec;
    (void)moved.receive(&byte, 1, ec, patience);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
}

TEST(Socket, SelfMoveAssignmentKeepsTheSocket) {
    tcp_listener listener(portsock_test::any_port_v4());
    const auto handle = listener.native_handle();
    tcp_listener& alias = listener;
    listener = std::move(alias);
    EXPECT_EQ(listener.native_handle(), handle);
    EXPECT_TRUE(listener.is_open());
}

// --- close and release ------------------------------------------------------------------------

TEST(Socket, CloseReleasesThePortAndIsIdempotent) {
    tcp_listener listener(portsock_test::any_port_v4());
    const endpoint at = where(listener);
    std::error_code ec = errc::not_open;
    listener.close(ec);
    EXPECT_FALSE(ec) << ec.message();
    expect_empty(listener);
    listener.close(ec);
    EXPECT_FALSE(ec) << "closing twice is fine";
    listener.close();

    (void)tcp_stream::connect(at, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << "the listener is really gone";
    expect_listener_not_open(listener);
}

TEST(Socket, ClosedStreamGivesPeerEndOfStream) {
    auto pair = make_tcp_pair();
    pair.client.close();
    expect_stream_not_open(pair.client);
    EXPECT_EQ(pair.server.receive(16, patience), "");
}

TEST(Socket, ReleaseGivesUpOwnershipWithoutClosing) {
    auto pair = make_tcp_pair();
    const auto handle = pair.client.native_handle();
    pair.client.set_non_blocking(true);
    const portsock::native_handle_type released = pair.client.release();
    EXPECT_EQ(released, handle);
    expect_stream_not_open(pair.client);

    // Still open: the server sees no end of stream. (The public API cannot adopt a raw
    // handle, so this one stays open until the test program exits.)
    std::error_code ec;
    char byte;
    EXPECT_EQ(pair.server.receive(&byte, 1, ec, 100ms), 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << "the connection must still be up";

    tcp_stream empty;
    EXPECT_EQ(empty.release(), invalid_native_handle) << "releasing an empty socket";
}

TEST(Socket, LocalEndpointOfListenerAndUdp) {
    tcp_listener listener(portsock_test::any_port_v4());
    std::error_code ec = errc::not_open;
    const endpoint at = listener.local_endpoint(ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(at.address(), portsock::ip_address::loopback_v4());
    EXPECT_NE(at.port(), 0);

    udp_socket unbound = udp_socket::open(portsock::address_family::ipv4);
    const endpoint none = unbound.local_endpoint(ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(none.port(), 0) << "not bound yet";
}

}  // namespace
