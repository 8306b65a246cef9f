// Small conveniences: an endpoint from numeric text and a port, and UDP receives that
// return strings, in both error forms, with bad input of every kind.
#include "test_support.hpp"

#include <portsock/address.hpp>
#include <portsock/poller.hpp>
#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using portsock::endpoint;
using portsock::ip_address;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::patience;
using namespace std::chrono_literals;

// --- endpoint{"127.0.0.1", 80} ----------------------------------------------------------

TEST(EndpointFromText, ParsesNumericAddressesOfBothFamilies) {
    EXPECT_EQ((endpoint{"127.0.0.1", 80}), (endpoint{ip_address::loopback_v4(), 80}));
    EXPECT_EQ((endpoint{"::1", 443}), (endpoint{ip_address::loopback_v6(), 443}));
    EXPECT_EQ((endpoint{"0.0.0.0", 0}), endpoint{});
    EXPECT_EQ((endpoint{"fe80::1%3", 5}).address().scope_id(), 3u);
    std::error_code ec = portsock::errc::invalid_port;
    EXPECT_EQ(endpoint::parse("192.0.2.1", 65535, ec), (endpoint{ip_address::v4({192, 0, 2, 1}), 65535}));
    EXPECT_FALSE(ec) << "cleared on success";
}

TEST(EndpointFromText, RejectsEveryKindOfBadTextInBothForms) {
    using namespace std::string_view_literals;
    const std::string too_long(300, '1');
    const std::string_view bad[] = {""sv,
                                    "localhost"sv,
                                    "127.0.0.1:80"sv,
                                    "[::1]"sv,
                                    "1.2.3.256"sv,
                                    "1.2.3"sv,
                                    " 127.0.0.1"sv,
                                    "127.0.0.1\n"sv,
                                    "127.0.0.1\0garbage"sv,
                                    "::1::2"sv,
                                    std::string_view("\x01\x02", 2),
                                    "::1%"sv,
                                    too_long};
    for (const std::string_view text : bad) {
        std::error_code ec;
        EXPECT_EQ(endpoint::parse(text, 80, ec), endpoint{}) << "'" << text << "'";
        EXPECT_EQ(ec, portsock::errc::invalid_address) << "'" << text << "'";
        EXPECT_EQ(ec, std::errc::invalid_argument);
        const auto thrown = catch_system_error([&] { endpoint e{text, 80}; });
        EXPECT_EQ(thrown.code, portsock::errc::invalid_address) << "'" << text << "'";
        EXPECT_NE(thrown.what.find("portsock::endpoint"), std::string::npos) << thrown.what;
    }
}

TEST(EndpointFromText, QuotesTheBadTextInTheMessage) {
    const auto thrown = catch_system_error([] { endpoint e{"not-an-ip", 80}; });
    EXPECT_NE(thrown.what.find("'not-an-ip'"), std::string::npos) << thrown.what;
}

TEST(EndpointFromText, WorksWhereTheTutorialUsesIt) {
    portsock::tcp_listener listener{endpoint{"127.0.0.1", 0}};
    const endpoint at{"127.0.0.1", listener.local_endpoint().port()};
    auto client = portsock::tcp_stream::connect(at, patience);
    EXPECT_TRUE(client.is_open());
}

// --- UDP receives that return strings ---------------------------------------------------

TEST(UdpStringReceive, ReceiveFromReturnsTheBytesAndTheSender) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    sender.send_to("hello", receiver.local_endpoint(), patience);
    auto [text, from] = receiver.receive_from(1500, patience);
    EXPECT_EQ(text, "hello");
    EXPECT_EQ(from, sender.local_endpoint());
    sender.send_to("", receiver.local_endpoint(), patience);
    std::error_code ec;
    const auto empty = receiver.receive_from(1500, ec, patience);
    EXPECT_FALSE(ec);
    EXPECT_EQ(empty.data, "") << "an empty datagram is a datagram";
    EXPECT_EQ(empty.sender, sender.local_endpoint());
}

TEST(UdpStringReceive, ReceiveOnAConnectedSocket) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    receiver.connect(sender.local_endpoint());
    sender.send_to("one", receiver.local_endpoint(), patience);
    EXPECT_EQ(receiver.receive(100, patience), "one");
    std::error_code ec;
    sender.send_to("two", receiver.local_endpoint(), patience);
    EXPECT_EQ(receiver.receive(100, ec, patience), "two");
    EXPECT_FALSE(ec);
}

TEST(UdpStringReceive, ALongDatagramIsReportedNotCutSilently) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    sender.send_to("0123456789", receiver.local_endpoint(), patience);
    std::error_code ec;
    const auto cut = receiver.receive_from(4, ec, patience);
    EXPECT_EQ(ec, std::errc::message_size);
    EXPECT_EQ(cut.data, "0123") << "the bytes that fit";
    sender.send_to("0123456789", receiver.local_endpoint(), patience);
    EXPECT_EQ(catch_system_error([&] { receiver.receive_from(4, patience); }).code, std::errc::message_size);
    receiver.connect(sender.local_endpoint());
    sender.send_to("0123456789", receiver.local_endpoint(), patience);
    EXPECT_EQ(catch_system_error([&] { receiver.receive(4, patience); }).code, std::errc::message_size);
}

TEST(UdpStringReceive, TimeoutsAndEmptySocketsAreErrors) {
    udp_socket receiver(portsock_test::any_port_v4());
    std::error_code ec;
    const portsock_test::stopwatch clock;
    EXPECT_EQ(receiver.receive_from(100, ec, 200ms).data, "");
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(clock.elapsed(), 200ms);
    EXPECT_EQ(catch_system_error([&] { receiver.receive(100, 50ms); }).code, std::errc::timed_out);
    udp_socket empty;
    EXPECT_EQ(empty.receive(100, ec), "");
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(catch_system_error([&] { empty.receive_from(100); }).code, portsock::errc::not_open);
}

}  // namespace

namespace {

// --- what the docs promise about threads and moves -------------------------------------

TEST(DocumentedBehaviour, ShutdownSendWhileAnotherThreadIsBlockedInReceive) {
    auto pair = portsock_test::make_tcp_pair();
    std::string replies;
    std::error_code receive_error;
    std::thread receiver([&] {  // blocks until the peer answers the shutdown
        char data[64];
        for (int i = 0; i < 10; ++i) {  // bounded: "bye" and the end, in at most 10 pieces
            const std::size_t n = pair.client.receive(data, sizeof data, receive_error, patience);
            if (n == 0 || receive_error) break;
            replies.append(data, n);
        }
    });
    std::this_thread::sleep_for(100ms);                   // let the receiver block
    pair.client.shutdown(portsock::shutdown_type::send);  // from this thread, concurrently
    std::error_code ec;
    EXPECT_EQ(pair.server.receive(16, ec, patience), "") << "the peer reads end of stream";
    EXPECT_FALSE(ec);
    pair.server.send_all("bye", patience);
    pair.server.close();
    receiver.join();
    EXPECT_FALSE(receive_error) << receive_error.message();
    EXPECT_EQ(replies, "bye") << "the blocked receive got the reply, then the end";
}

TEST(DocumentedBehaviour, ASocketMovedAfterPollerAddStaysRegistered) {
    portsock::poller poller;
    std::vector<portsock_test::tcp_pair> pairs;
    pairs.push_back(portsock_test::make_tcp_pair());
    poller.add(pairs[0].server, portsock::poll_events::readable, 7);
    for (int i = 0; i < 20; ++i) pairs.push_back(portsock_test::make_tcp_pair());  // reallocates: moves
    portsock::tcp_stream moved = std::move(pairs[0].server);
    pairs[0].client.send_all("x", patience);
    portsock::poll_event events[4];
    const std::size_t n = poller.wait(events, 4, patience);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(events[0].token, 7u) << "the registration followed the handle";
    std::error_code ec;
    poller.remove(pairs[0].server, ec);
    EXPECT_EQ(ec, portsock::errc::not_open) << "the moved-from socket is empty";
    poller.remove(moved);  // the new owner removes it
    EXPECT_EQ(poller.wait(events, 4, 50ms), 0u) << "removed";
}

}  // namespace
