// tcp_stream and tcp_listener over real loopback connections: data transfer in both call
// forms, end of stream, refused and reset connections, IPv6 and dual-stack, options, and
// threads.
#include "test_support.hpp"

#include <portsock/tcp.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using portsock::endpoint;
using portsock::ip_address;
using portsock::listen_options;
using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::where;
using namespace std::chrono_literals;

std::vector<unsigned char> pattern(std::size_t size, unsigned seed) {
    std::vector<unsigned char> bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>((i * 31 + seed) % 251);
    return bytes;
}

// --- connecting and accepting ---------------------------------------------------------

TEST(Tcp, RoundTripThrowingForms) {
    tcp_listener listener(portsock_test::any_port_v4());
    const endpoint server_at = where(listener);
    EXPECT_EQ(server_at.address(), ip_address::loopback_v4());
    EXPECT_NE(server_at.port(), 0) << "port 0 was replaced by the OS's choice";

    tcp_stream client = tcp_stream::connect(server_at, patience);
    auto [server, peer] = listener.accept(patience);
    ASSERT_TRUE(client.is_open());
    ASSERT_TRUE(server.is_open());

    client.send_all("hello, server", patience);
    EXPECT_EQ(server.receive(100, patience), "hello, server");
    server.send_all("hello, client", patience);
    char buffer[64];
    std::size_t got = 0;
    while (got < 13) {  // a stream may deliver in pieces; at most 13 iterations
        const std::size_t n = client.receive(buffer + got, sizeof buffer - got, patience);
        ASSERT_GT(n, 0u) << "unexpected end of stream";
        got += n;
    }
    EXPECT_EQ(std::string(buffer, got), "hello, client");
}

TEST(Tcp, RoundTripNoexceptForms) {
    std::error_code ec;
    tcp_listener listener = tcp_listener::listen(portsock_test::any_port_v4(), ec);
    ASSERT_FALSE(ec) << ec.message();
    tcp_stream client = tcp_stream::connect(where(listener), ec, patience);
    ASSERT_FALSE(ec) << ec.message();
    portsock::accepted_connection accepted = listener.accept(ec, patience);
    ASSERT_FALSE(ec) << ec.message();

    const std::string text = "noexcept all the way";
    EXPECT_EQ(client.send_all(text, ec, patience), text.size());
    EXPECT_FALSE(ec);
    EXPECT_EQ(client.send(text.data(), 3, ec, patience), 3u);
    EXPECT_FALSE(ec);

    std::string received(text.size() + 3, '\0');
    EXPECT_EQ(accepted.stream.receive_exact(received.data(), received.size(), ec, patience), received.size());
    EXPECT_FALSE(ec);
    EXPECT_EQ(received, text + "noe");

    accepted.stream.send_all("x", ec, patience);
    ASSERT_FALSE(ec);
    EXPECT_EQ(client.receive(10, ec, patience), "x");
    EXPECT_FALSE(ec);
}

// A receive of 0 bytes asks for nothing: it returns 0 at once, whatever the timeout and
// whether or not bytes are queued (which stay queued). The OS's recv() would wait for a
// byte it cannot store, and that 0 would then read as an end of stream.
TEST(Tcp, ReceivingNothingReturnsAtOnce) {
    auto pair = make_tcp_pair();
    char byte = 0;
    std::error_code ec = make_error_code(std::errc::io_error);
    for (const portsock::timeout limit :
         {portsock::timeout{}, portsock::timeout{patience}, portsock::timeout{0ms}}) {
        const portsock_test::stopwatch clock;
        EXPECT_EQ(pair.client.receive(&byte, 0, ec, limit), 0u);
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(pair.client.receive(&byte, 0, limit), 0u);
        EXPECT_EQ(pair.client.receive(std::size_t{0}, limit), "");
        EXPECT_LT(clock.elapsed(), 1s) << "nothing was asked for, so nothing is waited for";
    }
    pair.server.send_all("x", patience);
    EXPECT_EQ(pair.client.receive(&byte, 0, patience), 0u);
    EXPECT_EQ(pair.client.receive(1, patience), "x") << "the queued byte is still there";
}

// An enum holds whatever number a caller cast into it; one that names no shutdown_type is
// refused, and the stream is left as it was.
TEST(Tcp, ShutdownOfNoShutdownTypeIsInvalidArgument) {
    auto pair = make_tcp_pair();
    const auto bogus = static_cast<portsock::shutdown_type>(9);
    std::error_code ec;
    pair.client.shutdown(bogus, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([&] { pair.client.shutdown(bogus); }).code, std::errc::invalid_argument);
    pair.client.send_all("still open", patience);
    char buffer[10];
    pair.server.receive_exact(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, sizeof buffer), "still open");
}

TEST(Tcp, EndpointsOfBothEnds) {
    auto pair = make_tcp_pair();
    const endpoint client_local = pair.client.local_endpoint();
    EXPECT_EQ(client_local.address(), ip_address::loopback_v4());
    EXPECT_NE(client_local.port(), 0);
    EXPECT_EQ(pair.client.remote_endpoint(), where(pair.listener));
    EXPECT_EQ(pair.server.local_endpoint(), where(pair.listener));
    EXPECT_EQ(pair.server.remote_endpoint(), client_local);
    EXPECT_EQ(pair.peer, client_local) << "accept() reports the client";

    std::error_code ec = portsock::errc::not_open;
    EXPECT_EQ(pair.server.remote_endpoint(ec), client_local);
    EXPECT_FALSE(ec);
    EXPECT_EQ(pair.client.local_endpoint(ec), client_local);
    EXPECT_FALSE(ec);
}

TEST(Tcp, ConnectByHostName) {
    tcp_listener listener("127.0.0.1", 0);
    const std::uint16_t port = where(listener).port();
    ASSERT_NE(port, 0);

    tcp_stream numeric = tcp_stream::connect("127.0.0.1", port, patience);
    EXPECT_EQ(numeric.remote_endpoint(), where(listener));
    (void)listener.accept(patience);

    // "localhost" may resolve to ::1 first, where nothing listens: connect() must go on
    // to the next address.
    std::error_code ec;
    tcp_stream named = tcp_stream::connect("localhost", port, ec, patience);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(named.remote_endpoint(), where(listener));
}

TEST(Tcp, ListenByHostName) {
    std::error_code ec;
    tcp_listener listener = tcp_listener::listen("127.0.0.1", 0, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(where(listener).address(), ip_address::loopback_v4());
    EXPECT_NE(where(listener).port(), 0);

    tcp_listener named = tcp_listener::listen("localhost", 0, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(where(named).address().is_loopback());
}

// --- connection errors ----------------------------------------------------------------

TEST(Tcp, ConnectRefused) {
    const endpoint nobody = portsock_test::closed_port();

    std::error_code ec;
    tcp_stream stream = tcp_stream::connect(nobody, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_FALSE(stream.is_open());

    const auto caught = catch_system_error([&] { (void)tcp_stream::connect(nobody, patience); });
    EXPECT_EQ(caught.code, std::errc::connection_refused);

    const auto no_timeout = catch_system_error([&] { (void)tcp_stream::connect(nobody); });
    EXPECT_EQ(no_timeout.code, std::errc::connection_refused) << "blocking connect path";
}

TEST(Tcp, ConnectRefusedByHostName) {
    const endpoint nobody = portsock_test::closed_port();
    std::error_code ec;
    (void)tcp_stream::connect("127.0.0.1", nobody.port(), ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    const auto caught =
        catch_system_error([&] { (void)tcp_stream::connect("127.0.0.1", nobody.port(), patience); });
    EXPECT_EQ(caught.code, std::errc::connection_refused);
    EXPECT_NE(caught.what.find("127.0.0.1"), std::string::npos) << caught.what;
}

TEST(Tcp, EmptyHostIsRejected) {
    std::error_code ec;
    (void)tcp_stream::connect("", 80, ec, patience);
    EXPECT_EQ(ec, portsock::errc::empty_host);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([] { (void)tcp_stream::connect("", 80); }).code, portsock::errc::empty_host);

    tcp_listener listener = tcp_listener::listen("", 0, ec);
    EXPECT_EQ(ec, portsock::errc::empty_host);
    EXPECT_FALSE(listener.is_open());
    EXPECT_EQ(catch_system_error([] { tcp_listener l("", 0); }).code, portsock::errc::empty_host);
}

TEST(Tcp, UnresolvableHostIsAResolverError) {
    std::error_code ec;
    (void)tcp_stream::connect("nonexistent.invalid", 80, ec, patience);
    EXPECT_EQ(ec.category(), portsock::resolver_category()) << ec.category().name() << ": " << ec.message();

    const auto caught = catch_system_error([] { tcp_listener l("nonexistent.invalid", 0); });
    EXPECT_EQ(caught.code.category(), portsock::resolver_category());
    EXPECT_NE(caught.what.find("nonexistent.invalid"), std::string::npos) << caught.what;
}

TEST(Tcp, NegativeBacklogIsRejected) {
    listen_options options;
    options.backlog = -1;
    std::error_code ec;
    tcp_listener listener = tcp_listener::listen(portsock_test::any_port_v4(), ec, options);
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(listener.is_open());
    EXPECT_EQ(catch_system_error([&] { tcp_listener l(portsock_test::any_port_v4(), options); }).code,
              portsock::errc::invalid_argument);
}

TEST(Tcp, NulOrControlByteInHostIsRejectedBeforeResolving) {
    using namespace std::string_view_literals;
    const tcp_listener listener(portsock_test::any_port_v4());
    const std::uint16_t port = where(listener).port();
    for (const std::string_view host : {"127.0.0.1\0.trusted.example"sv, "127.0.0.1\0"sv, "127.0.0.1\n"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(host)));
        std::error_code ec;
        EXPECT_FALSE(tcp_stream::connect(host, port, ec, patience).is_open()) << "cut at the NUL: connected";
        EXPECT_EQ(ec, portsock::errc::invalid_host);
        EXPECT_EQ(ec, std::errc::invalid_argument);
        EXPECT_EQ(catch_system_error([&] { (void)tcp_stream::connect(host, port, patience); }).code,
                  std::errc::invalid_argument);

        EXPECT_FALSE(tcp_listener::listen(host, 0, ec).is_open()) << "cut at the NUL: listening";
        EXPECT_EQ(ec, portsock::errc::invalid_host);
        EXPECT_EQ(catch_system_error([&] { tcp_listener l(host, 0); }).code, std::errc::invalid_argument);
    }
}

TEST(Tcp, DualStackPeerIsAMappedAddressThatUnmapsToIpv4) {
    PORTSOCK_REQUIRE_IPV6();
    listen_options options;
    options.dual_stack = true;
    tcp_listener listener(endpoint{ip_address::any_v6(), 0}, options);
    tcp_stream client =
        tcp_stream::connect(endpoint{ip_address::loopback_v4(), where(listener).port()}, patience);
    const auto [stream, peer] = listener.accept(patience);
    EXPECT_TRUE(peer.address().is_v4_mapped()) << peer;
    EXPECT_TRUE(peer.address().is_loopback()) << "classified by its IPv4 meaning: " << peer;
    EXPECT_EQ(peer.address().unmapped(), ip_address::loopback_v4());
    EXPECT_EQ(peer.address().unmapped(), client.local_endpoint().address()) << "the same client, either way";
}

TEST(Tcp, SecondListenerOnALivePortIsAddressInUse) {
    tcp_listener first(portsock_test::any_port_v4());
    const endpoint taken = where(first);

    for (const bool reuse : {true, false}) {
        SCOPED_TRACE(reuse ? "reuse_address on" : "reuse_address off");
        listen_options options;
        options.reuse_address = reuse;
        std::error_code ec;
        tcp_listener second = tcp_listener::listen(taken, ec, options);
        EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
        EXPECT_FALSE(second.is_open());
        EXPECT_EQ(catch_system_error([&] { tcp_listener l(taken, options); }).code,
                  std::errc::address_in_use);
    }
    // The first listener is unharmed.
    tcp_stream client = tcp_stream::connect(taken, patience);
    EXPECT_TRUE(first.accept(patience).stream.is_open());
}

TEST(Tcp, ReuseAddressRebindsAfterActiveClose) {
    // The server side closes first, so its port lingers in TIME_WAIT; reuse_address (the
    // default) must let a new listener take the port at once.
    auto pair = make_tcp_pair();
    const endpoint port = where(pair.listener);
    pair.server.close();
    pair.listener.close();
    char byte;
    std::error_code ec;
    EXPECT_EQ(pair.client.receive(&byte, 1, ec, patience), 0u) << ec.message();
    pair.client.close();

    tcp_listener again = tcp_listener::listen(port, ec);
    EXPECT_FALSE(ec) << ec.message();
}

// --- end of stream and dead peers -------------------------------------------------------

TEST(Tcp, EndOfStreamAfterPeerCloses) {
    auto pair = make_tcp_pair();
    pair.server.send_all("abcd", patience);
    pair.server.close();

    unsigned char buffer[10] = {};
    std::error_code ec;
    EXPECT_EQ(pair.client.receive_exact(buffer, sizeof buffer, ec, patience), 4u) << "the partial count";
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 4), "abcd");

    // End of stream is not an error for receive(): 0, every time it is asked.
    EXPECT_EQ(pair.client.receive(buffer, sizeof buffer, ec, patience), 0u);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.receive(buffer, sizeof buffer, patience), 0u);
    EXPECT_EQ(pair.client.receive(100, patience), "");
    EXPECT_EQ(pair.client.receive(100, ec, patience), "");
    EXPECT_FALSE(ec);

    EXPECT_EQ(catch_system_error([&] { pair.client.receive_exact(buffer, 1, patience); }).code,
              portsock::errc::end_of_stream);
}

TEST(Tcp, ShutdownSendSignalsEndOfStreamOnly) {
    auto pair = make_tcp_pair();
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_EQ(pair.server.receive(16, patience), "") << "the server reads end of stream";

    // The other direction still works.
    pair.server.send_all("still here", patience);
    EXPECT_EQ(pair.client.receive(16, patience), "still here");

    // Sending after shutdown is an error, not a signal.
    std::error_code ec;
    EXPECT_EQ(pair.client.send("x", 1, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::broken_pipe) << ec.message();
    EXPECT_EQ(catch_system_error([&] { pair.client.send_all("x", patience); }).code, std::errc::broken_pipe);

    pair.server.shutdown(portsock::shutdown_type::both, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.receive(16, patience), "");
}

TEST(Tcp, SendingToAClosedPeerFailsWithoutSignal) {
    // With SIGPIPE not suppressed, the default action would kill this process.
    auto pair = make_tcp_pair();
    pair.server.close();
    const std::vector<unsigned char> chunk(64 * 1024, 0x5a);
    std::error_code ec;
    int attempts = 0;
    for (; attempts < 1000 && !ec; ++attempts) pair.client.send_all(chunk.data(), chunk.size(), ec, patience);
    ASSERT_TRUE(ec) << "1000 sends to a closed peer all succeeded";
    EXPECT_TRUE(ec == std::errc::broken_pipe || ec == std::errc::connection_reset) << ec.message();
    EXPECT_EQ(ec.category(), portsock::socket_category());

    // Once failed, it keeps failing, in the throwing form too.
    const auto caught =
        catch_system_error([&] { pair.client.send_all(chunk.data(), chunk.size(), patience); });
    EXPECT_TRUE(caught.code == std::errc::broken_pipe || caught.code == std::errc::connection_reset)
        << caught.what;
}

TEST(Tcp, ReceiveAfterPeerResetIsConnectionReset) {
    // Closing a socket with unread data resets the connection, on every OS.
    if (portsock_test::under_wine())
        GTEST_SKIP() << "Wine's recv() reports a reset connection as end of stream";
    auto pair = make_tcp_pair();
    pair.client.send_all("unread", patience);
    char byte;
    pair.server.receive_exact(&byte, 1, patience);  // the rest stays unread
    pair.server.close();
    std::error_code ec;
    EXPECT_EQ(pair.client.receive(&byte, 1, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::connection_reset) << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)pair.client.send("x", 1, patience); }).code.category(),
              portsock::socket_category());
}

// --- IPv6 and dual stack ----------------------------------------------------------------

TEST(Tcp, Ipv6RoundTrip) {
    PORTSOCK_REQUIRE_IPV6();
    auto pair = make_tcp_pair(portsock_test::any_port_v6());
    EXPECT_EQ(pair.client.remote_endpoint().address(), ip_address::loopback_v6());
    EXPECT_EQ(pair.peer.address(), ip_address::loopback_v6());
    EXPECT_TRUE(pair.client.local_endpoint().address().is_v6());
    pair.client.send_all("over six", patience);
    EXPECT_EQ(pair.server.receive(16, patience), "over six");
    pair.server.send_all("and back", patience);
    EXPECT_EQ(pair.client.receive(16, patience), "and back");
}

TEST(Tcp, DualStackListenerAcceptsIpv4) {
    PORTSOCK_REQUIRE_IPV6();
    listen_options options;
    options.dual_stack = true;
    tcp_listener listener({ip_address::any_v6(), 0}, options);
    EXPECT_TRUE(where(listener).address().is_v6());

    tcp_stream client = tcp_stream::connect({ip_address::loopback_v4(), where(listener).port()}, patience);
    auto [server, peer] = listener.accept(patience);
    EXPECT_EQ(peer.address(), ip_address::parse("::ffff:127.0.0.1"));
    EXPECT_EQ(peer.port(), client.local_endpoint().port());
    EXPECT_EQ(server.remote_endpoint(), peer);
    client.send_all("v4 to v6", patience);
    EXPECT_EQ(server.receive(16, patience), "v4 to v6");
}

TEST(Tcp, Ipv6OnlyListenerRefusesIpv4) {
    PORTSOCK_REQUIRE_IPV6();
    tcp_listener listener({ip_address::any_v6(), 0});  // dual_stack is off by default
    const std::uint16_t port = where(listener).port();
    std::error_code ec;
    tcp_stream client = tcp_stream::connect({ip_address::loopback_v4(), port}, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_FALSE(client.is_open());
    // ... while IPv6 clients get in.
    tcp_stream v6 = tcp_stream::connect({ip_address::loopback_v6(), port}, patience);
    EXPECT_TRUE(listener.accept(patience).stream.is_open());
}

// --- options ----------------------------------------------------------------------------

TEST(Tcp, NoDelayGetSet) {
    auto pair = make_tcp_pair();
    pair.client.set_no_delay(true);
    EXPECT_TRUE(pair.client.no_delay());
    pair.client.set_no_delay(false);
    EXPECT_FALSE(pair.client.no_delay());

    std::error_code ec = portsock::errc::not_open;
    pair.server.set_no_delay(true, ec);
    EXPECT_FALSE(ec);
    ec = portsock::errc::not_open;
    EXPECT_TRUE(pair.server.no_delay(ec));
    EXPECT_FALSE(ec);
    pair.server.set_no_delay(false, ec);
    EXPECT_FALSE(pair.server.no_delay(ec));
    EXPECT_FALSE(ec);
}

TEST(Tcp, KeepAliveGetSet) {
    auto pair = make_tcp_pair();
    EXPECT_FALSE(pair.client.keep_alive()) << "off by default";
    pair.client.set_keep_alive(true);
    EXPECT_TRUE(pair.client.keep_alive());
    pair.client.set_keep_alive(false);
    EXPECT_FALSE(pair.client.keep_alive());

    std::error_code ec = portsock::errc::not_open;
    pair.server.set_keep_alive(true, ec);
    EXPECT_FALSE(ec);
    ec = portsock::errc::not_open;
    EXPECT_TRUE(pair.server.keep_alive(ec));
    EXPECT_FALSE(ec);
}

// --- non-blocking mode ------------------------------------------------------------------

TEST(Tcp, NonBlockingReceiveWouldBlock) {
    auto pair = make_tcp_pair();
    EXPECT_FALSE(pair.client.is_non_blocking()) << "new sockets block";
    pair.client.set_non_blocking(true);
    EXPECT_TRUE(pair.client.is_non_blocking());

    char buffer[8];
    std::error_code ec;
    const portsock_test::stopwatch clock;
    EXPECT_EQ(pair.client.receive(buffer, sizeof buffer, ec, 5s), 0u);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_LT(clock.elapsed(), 2s) << "timeouts are ignored in non-blocking mode";
    EXPECT_EQ(catch_system_error([&] { (void)pair.client.receive(buffer, sizeof buffer); }).code,
              std::errc::operation_would_block);

    // Data that has arrived is returned at once. Poll, bounded, for its arrival.
    pair.server.send_all("ready", patience);
    std::string got;
    for (int i = 0; i < 2000 && got.empty(); ++i) {
        got = pair.client.receive(16, ec);
        if (ec == std::errc::operation_would_block)
            std::this_thread::sleep_for(1ms);
        else
            ASSERT_FALSE(ec) << ec.message();
    }
    EXPECT_EQ(got, "ready");

    pair.client.set_non_blocking(false);
    EXPECT_FALSE(pair.client.is_non_blocking());
    (void)pair.client.receive(buffer, sizeof buffer, ec, 50ms);
    EXPECT_EQ(ec, std::errc::timed_out) << "blocking again: the timeout applies";
}

TEST(Tcp, NonBlockingAcceptWouldBlock) {
    tcp_listener listener(portsock_test::any_port_v4());
    std::error_code ec = portsock::errc::not_open;
    listener.set_non_blocking(true, ec);
    ASSERT_FALSE(ec);
    const auto accepted = listener.accept(ec, 5s);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_FALSE(accepted.stream.is_open());
}

TEST(Tcp, NonBlockingSendWouldBlockWhenFull) {
    auto pair = make_tcp_pair();
    pair.client.set_non_blocking(true);
    const std::vector<unsigned char> chunk(256 * 1024, 1);
    std::error_code ec;
    std::size_t total = 0;
    for (int i = 0; i < 4096 && !ec; ++i) total += pair.client.send(chunk.data(), chunk.size(), ec);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message() << " after " << total << " bytes";
    EXPECT_GT(total, 0u);
}

// --- threads ----------------------------------------------------------------------------

TEST(Tcp, LargeSendAllArrivesIntact) {
    auto pair = make_tcp_pair();
    const std::vector<unsigned char> sent = pattern(8 * 1024 * 1024, 7);
    std::error_code send_ec;
    std::size_t send_count = 0;
    std::thread sender(
        [&] { send_count = pair.server.send_all(sent.data(), sent.size(), send_ec, patience); });

    std::vector<unsigned char> received(sent.size());
    std::error_code ec;
    const std::size_t n = pair.client.receive_exact(received.data(), received.size(), ec, patience);
    sender.join();
    EXPECT_FALSE(send_ec) << send_ec.message();
    EXPECT_EQ(send_count, sent.size());
    EXPECT_FALSE(ec) << ec.message();
    ASSERT_EQ(n, sent.size());
    EXPECT_TRUE(received == sent) << "the bytes differ";
}

TEST(Tcp, ConcurrentSendAndReceiveOnOneSocket) {
    // One thread sends while another receives, on each end: the documented concurrent use.
    auto pair = make_tcp_pair();
    const std::vector<unsigned char> up = pattern(4 * 1024 * 1024, 1);
    const std::vector<unsigned char> down = pattern(4 * 1024 * 1024, 2);
    std::vector<unsigned char> up_received(up.size()), down_received(down.size());
    std::error_code errors[4];

    std::thread threads[] = {
        std::thread([&] { pair.client.send_all(up.data(), up.size(), errors[0], patience); }),
        std::thread([&] {
            pair.client.receive_exact(down_received.data(), down_received.size(), errors[1], patience);
        }),
        std::thread([&] { pair.server.send_all(down.data(), down.size(), errors[2], patience); }),
        std::thread(
            [&] { pair.server.receive_exact(up_received.data(), up_received.size(), errors[3], patience); }),
    };
    for (std::thread& t : threads) t.join();
    for (const std::error_code& ec : errors) EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(up_received == up);
    EXPECT_TRUE(down_received == down);
}

}  // namespace
