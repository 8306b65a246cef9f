// A hostile TLS peer (tls_hostile_peer.hpp) floods TLS 1.3 key updates, or sends TLS 1.2
// renegotiation requests, records that carry no application data. A timed
// tls_stream::receive() must still end at its deadline.
#include "tls_hostile_peer.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>

namespace {

using namespace portsock_tls_test;

// The client: a timed receive during the flood must time out within the bound, and the
// stream must stay usable (the keys still agree): "after" arrives.
void expect_bounded_receive(flood_result& result, std::uint16_t port, tls_context client_ctx) {
    tls_stream client = tls_stream::connect(client_ctx, "localhost", port, patience);
    char buffer[16];
    std::error_code ec;
    const stopwatch clock;
    const std::size_t got = client.receive(buffer, sizeof buffer, ec, receive_limit);
    const auto elapsed = clock.elapsed();
    const int records_by_then = result.records;
    result.stop = true;
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_GE(elapsed, receive_limit - receive_limit / 10);
    EXPECT_LT(elapsed, bound) << "held by " << records_by_then << " records without application data";
    EXPECT_GT(records_by_then, 0) << "the peer did flood";
    std::string after(5, '\0');
    client.receive_exact(after.data(), after.size(), ec, patience);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(after, "after");
}

TEST(TlsHostilePeer, KeyUpdateFloodCannotHoldATimedReceive) {
    flood_result result;
    one_shot_server server(flooding_peer(TLS1_3_VERSION, result, queue_64_key_updates));
    expect_bounded_receive(result, server.port(), client_context());
    server.finish();
    EXPECT_TRUE(result.handshake_done);
    EXPECT_TRUE(result.sent_after);
}

// portsock refuses TLS 1.2 renegotiation (SSL_OP_NO_RENEGOTIATION): a HelloRequest gets a
// no_renegotiation warning alert instead of a new handshake, and the timed receive that read
// it still ends at its deadline.
TEST(TlsHostilePeer, RenegotiationRequestIsRefusedWithinTheDeadline) {
    std::string answer;
    bool requested = false;
    std::promise<void> received;
    one_shot_server server([&](portsock::tcp_stream&& tcp) {
        openssl_peer peer(std::move(tcp), TLS1_2_VERSION);
        requested = peer.accept() && peer.queue_renegotiation_request() && peer.flush();
        received.get_future().wait_for(patience);
        if (requested) answer = peer.answer_to_renegotiation();
    });
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    EXPECT_EQ(client.protocol_version(), "TLSv1.2");
    char buffer[16];
    std::error_code ec;
    const stopwatch clock;
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec, receive_limit), 0u);
    const auto elapsed = clock.elapsed();
    received.set_value();
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_LT(elapsed, bound);
    server.finish();
    ASSERT_TRUE(requested);
    EXPECT_EQ(answer, "no renegotiation") << "the client refused; it did not renegotiate";
}

}  // namespace
