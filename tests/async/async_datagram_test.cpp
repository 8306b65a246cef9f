// portsock::async::udp_socket and local_datagram: send_to and receive_from that suspend,
// connected mode, the batches, timeouts, cancellation and both error forms.
#include "local_support.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

#include <portsock/async.hpp>
#include <portsock/async/datagram.hpp>
#include <portsock/capabilities.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
namespace async = portsock::async;
using portsock_test::any_port_v4;
using portsock_test::expect_waited;
using portsock_test::patience;
using portsock_test::stopwatch;

template <class Datagram, class Address>
async::task<void> send_later(Datagram& from, Address to, std::string text) {
    co_await async::sleep_for(30ms);  // the receiver is waiting by now
    EXPECT_EQ(co_await from.send_to(text, to, patience), text.size());
}

async::task<void> udp_conversation() {
    async::udp_socket a{portsock::udp_socket(any_port_v4())};
    async::udp_socket b{portsock::udp_socket(any_port_v4())};
    const portsock::endpoint a_at = a.socket().local_endpoint();
    const portsock::endpoint b_at = b.socket().local_endpoint();
    async::task_group group;
    group.spawn(send_later(b, a_at, "ping"));
    std::array<char, 64> buffer{};
    const auto got = co_await a.receive_from(buffer.data(), buffer.size(), patience);  // suspends
    EXPECT_EQ(std::string(buffer.data(), got.size), "ping");
    EXPECT_EQ(got.sender, b_at);
    co_await group.join();

    // Connected mode, both ways.
    a.socket().connect(b_at);
    b.socket().connect(a_at);
    EXPECT_EQ(co_await a.send("pong", 4, patience), 4u);
    EXPECT_EQ(co_await b.receive(buffer.data(), buffer.size(), patience), 4u);
    EXPECT_EQ(std::string(buffer.data(), 4), "pong");
}

TEST(AsyncDatagram, UdpSendToReceiveFromAndConnectedMode) {
    async::event_loop loop;
    loop.run(udp_conversation());
}

async::task<void> receive_into(async::udp_socket& socket, std::error_code& ec) {
    std::array<char, 16> buffer{};
    co_await socket.receive_from(buffer.data(), buffer.size(), ec, patience);
}

async::task<void> nap(std::chrono::milliseconds duration) { co_await async::sleep_for(duration); }

async::task<void> udp_errors() {
    async::udp_socket a{portsock::udp_socket(any_port_v4())};
    std::array<char, 16> buffer{};
    std::error_code ec;
    const stopwatch clock;
    co_await a.receive_from(buffer.data(), buffer.size(), ec, 150ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    expect_waited(clock.elapsed(), 150ms);

    std::error_code cancelled;
    const auto winner = co_await async::when_any(receive_into(a, cancelled), nap(30ms));
    EXPECT_EQ(winner.index, 1u);
    EXPECT_EQ(cancelled, std::errc::operation_canceled);

    bool threw = false;
    try {
        co_await a.receive(buffer.data(), buffer.size(), 30ms);
    } catch (const std::system_error& failure) {
        threw = true;
        EXPECT_EQ(failure.code(), std::errc::timed_out);
    }
    EXPECT_TRUE(threw);

    // A datagram longer than the buffer: message_size, as the blocking receive_from says.
    async::udp_socket b{portsock::udp_socket(any_port_v4())};
    co_await b.send_to(std::string(40, 'x'), a.socket().local_endpoint(), patience);
    co_await a.receive_from(buffer.data(), buffer.size(), ec, patience);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();

    async::udp_socket empty;
    co_await empty.send_to("x", a.socket().local_endpoint(), ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

TEST(AsyncDatagram, UdpTimeoutCancellationAndErrors) {
    async::event_loop loop;
    loop.run(udp_errors());
}

async::task<void> udp_batches() {
    async::udp_socket a{portsock::udp_socket(any_port_v4())};
    async::udp_socket b{portsock::udp_socket(any_port_v4())};
    const portsock::endpoint to = a.socket().local_endpoint();
    const std::array<std::string, 3> texts{"one", "two", "three"};
    std::array<portsock::outgoing_datagram, 3> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = {texts[i].data(), texts[i].size(), to};
    EXPECT_EQ(co_await b.send_batch(out.data(), out.size(), patience), 3u);
    std::array<std::array<char, 16>, 3> room{};
    std::array<portsock::incoming_datagram, 3> in{};
    std::size_t received = 0;
    for (int tries = 0; tries < 10 && received < 3; ++tries) {
        for (std::size_t i = received; i < in.size(); ++i) in[i] = {room[i].data(), room[i].size()};
        received += co_await a.receive_batch(in.data() + received, in.size() - received, patience);
    }
    EXPECT_EQ(received, 3u);
    if (received != 3u) co_return;
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(std::string(static_cast<const char*>(in[i].data), in[i].size), texts[i]);
        EXPECT_EQ(in[i].sender, b.socket().local_endpoint());
    }
}

TEST(AsyncDatagram, UdpBatches) {
    async::event_loop loop;
    loop.run(udp_batches());
}

async::task<void> local_conversation(portsock::local_address a_at, portsock::local_address b_at) {
    async::local_datagram a{portsock::local_datagram(a_at)};
    async::local_datagram b{portsock::local_datagram(b_at)};
    async::task_group group;
    group.spawn(send_later(b, a_at, "hello, local"));
    std::array<char, 64> buffer{};
    const auto got = co_await a.receive_from(buffer.data(), buffer.size(), patience);
    EXPECT_EQ(std::string(buffer.data(), got.size), "hello, local");
    EXPECT_EQ(got.sender.to_string(), b_at.to_string());
    co_await group.join();
    std::error_code ec;
    co_await a.receive_from(buffer.data(), buffer.size(), ec, 50ms);
    EXPECT_EQ(ec, std::errc::timed_out);
}

TEST(AsyncDatagram, LocalDatagrams) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    portsock_test::temp_dir dir;
    async::event_loop loop;
    loop.run(local_conversation(portsock::local_address(dir.file("a.sock")),
                                portsock::local_address(dir.file("b.sock"))));
}

}  // namespace
