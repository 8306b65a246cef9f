// adopt(): every socket type takes back a handle that release() gave up and keeps working;
// a handle of the wrong kind is refused, and stays open and usable by its owner.
#include "local_support.hpp"

#include <portsock/local.hpp>
#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <string>

namespace {

using portsock::local_address;
using portsock::local_listener;
using portsock::local_stream;
using portsock::native_handle_type;
using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::where;

TEST(Adopt, TcpStreamAndListenerComeBackWorking) {
    auto pair = make_tcp_pair();
    tcp_stream client = tcp_stream::adopt(pair.client.release());
    EXPECT_FALSE(pair.client.is_open());
    client.send_all("after adoption", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "after adoption");

    const portsock::endpoint at = where(pair.listener);
    std::error_code ec = make_error_code(std::errc::io_error);
    tcp_listener listener = tcp_listener::adopt(pair.listener.release(), ec);
    ASSERT_FALSE(ec) << ec.message();
    tcp_stream another = tcp_stream::connect(at, patience);
    EXPECT_TRUE(listener.accept(patience).stream.is_open());
}

TEST(Adopt, UdpSocketComesBackWorking) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender = udp_socket::adopt(udp_socket::open(portsock::address_family::ipv4).release());
    sender.send_to("dgram", where(receiver), patience);
    char buffer[8];
    EXPECT_EQ(receiver.receive(buffer, sizeof buffer, patience), 5u);
}

TEST(Adopt, WrongKindIsRefusedAndLeftOpen) {
    auto pair = make_tcp_pair();
    std::error_code ec;

    // A UDP handle is not a TCP stream or listener; it stays the caller's, and works.
    const native_handle_type udp = udp_socket(portsock_test::any_port_v4()).release();
    EXPECT_FALSE(tcp_stream::adopt(udp, ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type) << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)tcp_listener::adopt(udp); }).code,
              std::errc::wrong_protocol_type);
    EXPECT_FALSE(local_stream::adopt(udp, ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type);
    udp_socket back = udp_socket::adopt(udp, ec);
    ASSERT_FALSE(ec) << "still open after being refused: " << ec.message();
    EXPECT_EQ(back.send_to("x", where(back), patience), 1u);

    // A listening handle is not a stream, and a stream is not a listener.
    const native_handle_type listening = pair.listener.release();
    EXPECT_FALSE(tcp_stream::adopt(listening, ec).is_open());
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    EXPECT_FALSE(udp_socket::adopt(listening, ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type);
    tcp_listener listener = tcp_listener::adopt(listening);
    const native_handle_type connected = pair.client.release();
    EXPECT_EQ(catch_system_error([&] { (void)tcp_listener::adopt(connected); }).code,
              std::errc::invalid_argument);
    tcp_stream client = tcp_stream::adopt(connected);
    client.send_all("still here", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "still here");
}

TEST(Adopt, NoHandleIsBadFileDescriptor) {
    std::error_code ec;
    EXPECT_FALSE(tcp_stream::adopt(portsock::invalid_native_handle, ec).is_open());
    EXPECT_EQ(ec, std::errc::bad_file_descriptor) << ec.message();
    EXPECT_EQ(catch_system_error([] { (void)udp_socket::adopt(portsock::invalid_native_handle); }).code,
              std::errc::bad_file_descriptor);
}

TEST(Adopt, LocalTypesComeBackWorkingAndRefuseTcp) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    const local_address at{dir.file("adopt.sock")};
    local_listener listener = local_listener::adopt(local_listener(at).release());
    local_stream client = local_stream::adopt(local_stream::connect(at, patience).release());
    local_stream server = listener.accept(patience).stream;
    client.send_all("local again", patience);
    EXPECT_EQ(server.receive(64, patience), "local again");

    std::error_code ec;
    const native_handle_type local_listening = listener.release();
    EXPECT_FALSE(tcp_listener::adopt(local_listening, ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type);
    EXPECT_FALSE(local_stream::adopt(local_listening, ec).is_open());
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    listener = local_listener::adopt(local_listening);

    auto tcp = make_tcp_pair();
    EXPECT_FALSE(local_stream::adopt(tcp.client.native_handle(), ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type);
    EXPECT_EQ(catch_system_error([&] { (void)local_listener::adopt(tcp.listener.native_handle()); }).code,
              std::errc::wrong_protocol_type);
    tcp.client.send_all("tcp untouched", patience);
    EXPECT_EQ(tcp.server.receive(64, patience), "tcp untouched");
}

TEST(Adopt, LocalDatagramComesBackAndRefusesStreams) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    portsock_test::temp_dir dir;
    const local_address at{dir.file("d.sock")};
    portsock::local_datagram receiver =
        portsock::local_datagram::adopt(portsock::local_datagram(at).release());
    portsock::local_datagram sender = portsock::local_datagram::open();
    sender.send_to("d", 1, at, patience);
    char byte = 0;
    EXPECT_EQ(receiver.receive(&byte, 1, patience), 1u);
    std::error_code ec;
    EXPECT_FALSE(local_stream::adopt(receiver.native_handle(), ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type);
    EXPECT_FALSE(udp_socket::adopt(receiver.native_handle(), ec).is_open());
    EXPECT_EQ(ec, std::errc::wrong_protocol_type);
}

}  // namespace
