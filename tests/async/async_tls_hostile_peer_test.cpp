// portsock::async::tls_stream against a hostile TLS peer (tests/tls/tls_hostile_peer.hpp)
// that floods TLS 1.3 key updates, or asks for a TLS 1.2 renegotiation: records that carry
// no application data. A timed receive on the loop must still end at its deadline, the
// whole operation bounded however many records OpenSSL consumes, and the stream must stay
// usable afterwards. The peer runs on a thread with blocking portsock sockets; the client
// is a task on an event_loop in the test's thread.
#include "tls/tls_hostile_peer.hpp"

#include <portsock/async.hpp>
#include <portsock/async/tls.hpp>

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <system_error>

namespace {

using namespace portsock_tls_test;
namespace async = portsock::async;

// Connects to 127.0.0.1 and runs the client handshake, verifying the name "localhost".
async::task<async::tls_stream> connect_to(std::uint16_t port, const tls_context& context) {
    auto tcp = co_await async::tcp_stream::connect(
        portsock::endpoint{portsock::ip_address::loopback_v4(), port}, patience);
    co_return co_await async::tls_stream::client(std::move(tcp), context, "localhost", patience);
}

// What a timed receive during the flood did: its result, its error, how long it took and
// how many records the peer had flooded by then.
struct timed_receive {
    std::size_t got = 0;
    std::error_code ec;
    std::chrono::milliseconds elapsed{};
    int records_by_then = 0;
};

void expect_held_its_deadline(const timed_receive& r) {
    EXPECT_EQ(r.got, 0u);
    EXPECT_EQ(r.ec, std::errc::timed_out) << r.ec.message();
    EXPECT_GE(r.elapsed, receive_limit - receive_limit / 10);
    EXPECT_LT(r.elapsed, bound) << "held by " << r.records_by_then << " records without application data";
    EXPECT_GT(r.records_by_then, 0) << "the peer did flood";
}

// After the flood stops, the keys still agree: the peer's "after" arrives, behind the
// flood's backlog. Reading through it takes about a second under the emulator alone, and
// up to 7 s there beside other tests: hence more than the usual patience.
constexpr auto drain_patience = 3 * patience;

async::task<void> expect_after(async::tls_stream& client) {
    std::string after(5, '\0');
    std::error_code ec;
    co_await client.receive_exact(after.data(), after.size(), ec, drain_patience);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(after, "after");
}

// The error_code form of receive().
async::task<void> receive_during_flood(flood_result& result, std::uint16_t port, const tls_context& context) {
    auto client = co_await connect_to(port, context);
    char buffer[16];
    timed_receive r;
    const stopwatch clock;
    r.got = co_await client.receive(buffer, sizeof buffer, r.ec, receive_limit);
    r.elapsed = clock.elapsed();
    r.records_by_then = result.records;
    result.stop = true;
    expect_held_its_deadline(r);
    co_await expect_after(client);
}

TEST(AsyncTlsHostilePeer, KeyUpdateFloodCannotHoldATimedReceive) {
    flood_result result;
    one_shot_server server(flooding_peer(TLS1_3_VERSION, result, queue_64_key_updates));
    const tls_context context = client_context();
    async::event_loop loop;
    loop.run(receive_during_flood(result, server.port(), context));
    result.stop = true;  // whatever happened above: the peer ends
    server.finish();
    EXPECT_TRUE(result.handshake_done);
    EXPECT_TRUE(result.sent_after);
}

// The throwing form of receive_exact(): its deadline bounds all its passes too.
async::task<void> receive_exact_during_flood(flood_result& result, std::uint16_t port,
                                             const tls_context& context) {
    auto client = co_await connect_to(port, context);
    char buffer[4];
    timed_receive r;
    const stopwatch clock;
    try {
        r.got = co_await client.receive_exact(buffer, sizeof buffer, receive_limit);
    } catch (const std::system_error& failure) {
        r.ec = failure.code();
    }
    r.elapsed = clock.elapsed();
    r.records_by_then = result.records;
    result.stop = true;
    expect_held_its_deadline(r);
    co_await expect_after(client);
}

TEST(AsyncTlsHostilePeer, KeyUpdateFloodCannotHoldAThrowingReceiveExact) {
    flood_result result;
    one_shot_server server(flooding_peer(TLS1_3_VERSION, result, queue_64_key_updates));
    const tls_context context = client_context();
    async::event_loop loop;
    loop.run(receive_exact_during_flood(result, server.port(), context));
    result.stop = true;
    server.finish();
    EXPECT_TRUE(result.handshake_done);
    EXPECT_TRUE(result.sent_after);
}

// portsock refuses TLS 1.2 renegotiation (SSL_OP_NO_RENEGOTIATION) on the async stream as on
// the blocking one: a HelloRequest gets a no_renegotiation warning alert, sent from within
// the receive, and the timed receive still ends at its deadline.
async::task<void> receive_after_hello_request(std::uint16_t port, const tls_context& context,
                                              std::promise<void>& received) {
    auto client = co_await connect_to(port, context);
    EXPECT_EQ(client.tls().protocol_version(), "TLSv1.2");
    char buffer[16];
    std::error_code ec;
    const stopwatch clock;
    const std::size_t got = co_await client.receive(buffer, sizeof buffer, ec, receive_limit);
    const auto elapsed = clock.elapsed();
    received.set_value();
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_LT(elapsed, bound);
}

TEST(AsyncTlsHostilePeer, RenegotiationRequestIsRefusedWithinTheDeadline) {
    std::string answer;
    bool requested = false;
    std::promise<void> received;
    auto heard = received.get_future();
    one_shot_server server([&](portsock::tcp_stream&& tcp) {
        openssl_peer peer(std::move(tcp), TLS1_2_VERSION);
        requested = peer.accept() && peer.queue_renegotiation_request() && peer.flush();
        heard.wait_for(patience);
        if (requested) answer = peer.answer_to_renegotiation();
    });
    const tls_context context = client_context();
    {
        async::event_loop loop;
        loop.run(receive_after_hello_request(server.port(), context, received));
    }
    server.finish();
    ASSERT_TRUE(requested);
    EXPECT_EQ(answer, "no renegotiation") << "the client refused; it did not renegotiate";
}

}  // namespace
