// TLS tests: portsock's client against portsock's server over loopback, with the
// certificates tests/tls/make_certs.sh made for this run (directory in PORTSOCK_TLS_CERTS).
// Every bad certificate is rejected with its own reason; peers that are not TLS, send
// garbage or cut the stream get clear errors within bounded time. Only the public API is
// used, so the same tests run on every port (under Wine too).
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include "tls_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace portsock_tls_test;

// The reader concept another part of portsock builds on: receive with an error_code and a
// timeout, noexcept.
static_assert(noexcept(std::declval<tls_stream&>().receive(std::declval<void*>(), std::size_t{},
                                                           std::declval<std::error_code&>(),
                                                           portsock::timeout{})));

TEST(TlsErrors, CategoryAndConditions) {
    EXPECT_STREQ(portsock::tls_category().name(), "portsock.tls");
    const std::error_code want = make_error_code(tls_errc::want_read);
    EXPECT_EQ(want, tls_errc::want_read);
    EXPECT_EQ(want, std::errc::operation_would_block);
    EXPECT_NE(want, tls_errc::want_write);
    EXPECT_EQ(make_error_code(tls_errc::wrong_role), std::errc::invalid_argument);
    EXPECT_NE(make_error_code(tls_errc::unexpected_eof), std::errc::operation_would_block);
    EXPECT_FALSE(make_error_code(tls_errc::unexpected_eof).message().empty());
}

TEST(TlsStream, ExchangeThenCloseNotifyIsCleanEnd) {
    const tls_context server_ctx = server_context("chain.pem");
    std::error_code server_error;
    std::string heard;
    one_shot_server server(tls_serving(server_ctx, server_error, [&](tls_stream& tls) {
        tls.send_all("Welcome to the server!", patience);
        char buffer[64];
        heard.assign(buffer, tls.receive(buffer, sizeof buffer, patience));
        tls.send_close_notify(patience);
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    EXPECT_TRUE(client.is_handshake_done());
    EXPECT_EQ(client.protocol_version(), "TLSv1.3");
    std::error_code size_error;
    EXPECT_TRUE(client.receive(std::numeric_limits<std::size_t>::max(), size_error, patience).empty());
    EXPECT_EQ(size_error, std::errc::invalid_argument) << "no string holds it; nothing is consumed";
    char buffer[64];
    client.receive_exact(buffer, 22, patience);
    EXPECT_EQ(std::string(buffer, 22), "Welcome to the server!");
    client.send_all("thanks", patience);
    std::error_code ec;
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec, patience), 0u) << "close_notify is the end of stream";
    EXPECT_FALSE(ec) << ec.message();
    server.finish();
    EXPECT_FALSE(server_error) << server_error.message();
    EXPECT_EQ(heard, "thanks");
}

TEST(TlsStream, LargeTransferBothWays) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    const std::string payload(3 * 1024 * 1024 + 17, 'x');
    one_shot_server server(tls_serving(server_ctx, server_error, [&](tls_stream& tls) {
        std::string back(payload.size(), '\0');
        tls.receive_exact(back.data(), back.size(), patience);
        tls.send_all(back, patience);
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    std::thread sender([&] { client.send_all(payload, patience); });
    sender.join();  // one stream must not be used by two threads at once
    std::string echoed(payload.size(), '\0');
    client.receive_exact(echoed.data(), echoed.size(), patience);
    EXPECT_EQ(echoed, payload);
    server.finish();
    EXPECT_FALSE(server_error);
}

TEST(TlsStream, VerifiesAnIpAddressAgainstItsSubjectAltName) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    std::error_code ec;
    tls_stream client = tls_stream::connect(client_context(), "127.0.0.1", server.port(), ec, patience);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.is_open());
    server.finish();
}

// Each bad certificate is rejected as certificate_verify_failed, with its own reason.
struct bad_certificate {
    const char* file;
    const char* reason;  // what OpenSSL's text says
};

void PrintTo(const bad_certificate& c, std::ostream* out) { *out << c.file; }

class TlsBadCertificate : public ::testing::TestWithParam<bad_certificate> {};

TEST_P(TlsBadCertificate, RejectedWithItsReason) {
    const tls_context server_ctx = server_context(GetParam().file);
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    const thrown t = catch_system_error(
        [&] { tls_stream::connect(client_context(), "localhost", server.port(), patience); });
    EXPECT_EQ(t.code, tls_errc::certificate_verify_failed) << t.what;
    EXPECT_NE(t.what.find(GetParam().reason), std::string::npos) << t.what;
    EXPECT_NE(t.what.find("portsock::tls_stream::connect"), std::string::npos) << t.what;
    server.finish();
    EXPECT_TRUE(server_error) << "the server sees the client's alert";
}

INSTANTIATE_TEST_SUITE_P(Certificates, TlsBadCertificate,
                         ::testing::Values(bad_certificate{"expired.pem", "expired"},
                                           bad_certificate{"future.pem", "not yet valid"},
                                           bad_certificate{"wronghost.pem", "hostname mismatch"},
                                           bad_certificate{"untrusted.pem", "unable to get local issuer"},
                                           bad_certificate{"selfsigned.pem", "self"}),
                         [](const auto& param_info) {
                             std::string name = param_info.param.file;
                             return name.substr(0, name.find('.'));
                         });

TEST(TlsBadCertificate, EachReasonIsItsOwnCode) {
    std::set<int> codes;
    for (const char* file :
         {"expired.pem", "future.pem", "wronghost.pem", "untrusted.pem", "selfsigned.pem"}) {
        const tls_context server_ctx = server_context(file);
        std::error_code server_error;
        one_shot_server server(tls_serving(server_ctx, server_error));
        std::error_code ec;
        tls_stream::connect(client_context(), "localhost", server.port(), ec, patience);
        EXPECT_EQ(ec, tls_errc::certificate_verify_failed) << file << ": " << ec.message();
        codes.insert(ec.value());
        server.finish();
    }
    EXPECT_EQ(codes.size(), 5u) << "expired, not yet valid, host name, issuer and self-signed differ";
}

TEST(TlsContext, VerificationIsOnByDefault) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    const tls_context client_ctx(tls_role::client);  // system trust store: our test CA is not in it
    EXPECT_TRUE(client_ctx.verifies_peer());
    std::error_code ec;
    tls_stream::connect(client_ctx, "localhost", server.port(), ec, patience);
    EXPECT_EQ(ec, tls_errc::certificate_verify_failed) << ec.message();
    server.finish();
}

TEST(TlsContext, InsecureModeAcceptsAnyCertificate) {
    const tls_context server_ctx = server_context("selfsigned.pem");
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    tls_context client_ctx(tls_role::client);
    client_ctx.set_insecure_no_verification(true);
    EXPECT_FALSE(client_ctx.verifies_peer());
    std::error_code ec;
    tls_stream client = tls_stream::connect(client_ctx, "localhost", server.port(), ec, patience);
    EXPECT_FALSE(ec) << ec.message();
    server.finish();
    EXPECT_FALSE(server_error);
}

TEST(TlsContext, CredentialsFromMemory) {
    tls_context server_ctx(tls_role::server);
    server_ctx.use_certificate_chain(read_file(cert_path("chain.pem")));
    server_ctx.use_private_key(read_file(cert_path("leaf.key")));
    std::error_code server_error;
    one_shot_server server(
        tls_serving(server_ctx, server_error, [](tls_stream& tls) { tls.send_all("hi", patience); }));
    tls_context client_ctx(tls_role::client);
    client_ctx.add_certificate_authority(read_file(cert_path("ca.pem")));
    tls_stream client = tls_stream::connect(client_ctx, "localhost", server.port(), patience);
    char buffer[2];
    client.receive_exact(buffer, 2, patience);
    EXPECT_EQ(std::string(buffer, 2), "hi");
    server.finish();
}

TEST(TlsContext, BadCredentialsAreClearErrors) {
    tls_context client_ctx(tls_role::client);
    std::error_code ec;
    client_ctx.load_verify_file(cert_path("no-such-file.pem"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    client_ctx.load_verify_file(cert_path("garbage.pem"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    client_ctx.load_verify_file(std::string("ca.pem\0.evil", 12), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    client_ctx.load_verify_file("", ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    client_ctx.add_certificate_authority("", ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate);
    static const char truncated_pem[] = "-----BEGIN CERTIFICATE-----\n\0\x01garbage";
    client_ctx.add_certificate_authority(std::string_view(truncated_pem, sizeof truncated_pem - 1), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate);

    tls_context server_ctx(tls_role::server);
    server_ctx.use_certificate_chain_file(cert_path("garbage.pem"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    server_ctx.use_certificate_chain_file(cert_path("server.pem"), ec);
    ASSERT_FALSE(ec);
    server_ctx.use_private_key_file(cert_path("other-ca.key"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << "the key does not match: " << ec.message();
    server_ctx.use_private_key("not a key", ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key);
    const thrown t = catch_system_error([&] { server_ctx.use_private_key_file(cert_path("garbage.pem")); });
    EXPECT_EQ(t.code, tls_errc::invalid_private_key);
    EXPECT_NE(t.what.find("use_private_key_file"), std::string::npos) << t.what;

    // A directory that is not there: said now, not at the first verification.
    client_ctx.add_verify_path(cert_path("no-such-directory"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    client_ctx.add_verify_path(cert_path("ca.pem"), ec);  // a file, not a directory
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    EXPECT_EQ(catch_system_error([&] { client_ctx.add_verify_path(cert_path("no-such-directory")); }).code,
              tls_errc::invalid_certificate);

    client_ctx.set_alpn_protocols({"http/1.1", ""}, ec);
    EXPECT_EQ(ec, tls_errc::not_supported);
    client_ctx.set_alpn_protocols({std::string(256, 'a')}, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);

    tls_context moved(std::move(client_ctx));
    client_ctx.load_verify_file(cert_path("ca.pem"), ec);  // NOLINT: use after move is the point
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_FALSE(client_ctx.is_valid());
}

// tls_context::server(chain, key) and client(ca) are the long forms in one expression.
TEST(TlsContext, ServerAndClientInOneExpressionHandshake) {
    const tls_context server_ctx = tls_context::server(cert_path("chain.pem"), cert_path("leaf.key"));
    EXPECT_EQ(server_ctx.role(), tls_role::server);
    std::error_code ec;
    const tls_context client_ctx = tls_context::client(cert_path("ca.pem"), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(client_ctx.role(), tls_role::client);
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error, [](tls_stream& tls) {
        tls.send_all("hi", patience);
        tls.send_close_notify(patience);
    }));
    // The tests' CA is in no system store: the handshake verifies only if ca.pem was loaded.
    tls_stream client = tls_stream::connect(client_ctx, "localhost", server.port(), patience);
    char buffer[2];
    client.receive_exact(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, 2), "hi");
    server.finish();
    EXPECT_FALSE(server_error) << server_error.message();
}

// client(ca, chain, key): a client certificate for a server that requires one.
TEST(TlsContext, ClientWithACertificateInOneExpressionPassesMutualTls) {
    tls_context server_ctx = tls_context::server(cert_path("chain.pem"), cert_path("leaf.key"));
    server_ctx.load_verify_file(cert_path("ca.pem"));
    server_ctx.set_require_client_certificate(true);
    for (const bool with_certificate : {true, false}) {
        std::error_code server_error;
        one_shot_server server(tls_serving(server_ctx, server_error, [](tls_stream& tls) {
            tls.send_all("hi", patience);
            tls.send_close_notify(patience);
        }));
        const tls_context client_ctx =
            with_certificate
                ? tls_context::client(cert_path("ca.pem"), cert_path("chain.pem"), cert_path("leaf.key"))
                : tls_context::client(cert_path("ca.pem"));
        std::error_code ec;
        tls_stream client = tls_stream::connect(client_ctx, "localhost", server.port(), ec, patience);
        char buffer[2] = {};
        if (!ec)
            client.receive_exact(buffer, sizeof buffer, ec,
                                 patience);  // TLS 1.3: the server's verdict comes here
        server.finish();
        if (with_certificate) {
            EXPECT_FALSE(ec) << ec.message();
            EXPECT_FALSE(server_error) << server_error.message();
            EXPECT_EQ(std::string(buffer, 2), "hi");
        } else {
            EXPECT_TRUE(ec) << "a client without a certificate is refused";
            EXPECT_TRUE(server_error) << "the server refused it";
        }
    }
}

TEST(TlsContext, OneExpressionFactoriesReportMissingFilesAndAKeyThatDoesNotMatch) {
    std::error_code ec;
    // A missing chain or key file, the key of another certificate, an empty path: both forms.
    const tls_context missing_chain =
        tls_context::server(cert_path("no-such.pem"), cert_path("leaf.key"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    EXPECT_FALSE(missing_chain.is_valid()) << "an empty context on error";
    const tls_context missing_key = tls_context::server(cert_path("chain.pem"), cert_path("no-such.key"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
    EXPECT_FALSE(missing_key.is_valid());
    const tls_context wrong_key = tls_context::server(cert_path("chain.pem"), cert_path("other-ca.key"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << "the key does not match: " << ec.message();
    EXPECT_FALSE(wrong_key.is_valid());
    (void)tls_context::server("", cert_path("leaf.key"), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    (void)tls_context::client(cert_path("no-such-ca.pem"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    (void)tls_context::client(cert_path("garbage.pem"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_certificate) << ec.message();
    (void)tls_context::client(cert_path("ca.pem"), cert_path("chain.pem"), cert_path("other-ca.key"), ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
    // The throwing forms throw the same codes, and what() names the file.
    thrown t = catch_system_error(
        [] { (void)tls_context::server(cert_path("no-such.pem"), cert_path("leaf.key")); });
    EXPECT_EQ(t.code, tls_errc::invalid_certificate);
    EXPECT_NE(t.what.find("no-such.pem"), std::string::npos) << t.what;
    t = catch_system_error(
        [] { (void)tls_context::server(cert_path("chain.pem"), cert_path("other-ca.key")); });
    EXPECT_EQ(t.code, tls_errc::invalid_private_key);
    EXPECT_NE(t.what.find("other-ca.key"), std::string::npos) << t.what;
    t = catch_system_error([] { (void)tls_context::client(cert_path("no-such-ca.pem")); });
    EXPECT_EQ(t.code, tls_errc::invalid_certificate);
    EXPECT_NE(t.what.find("no-such-ca.pem"), std::string::npos) << t.what;
    t = catch_system_error([] {
        (void)tls_context::client(cert_path("ca.pem"), cert_path("chain.pem"), cert_path("no-such.key"));
    });
    EXPECT_EQ(t.code, tls_errc::invalid_private_key);
    // Success clears a code set before.
    ec = std::make_error_code(std::errc::timed_out);
    EXPECT_TRUE(tls_context::client(cert_path("ca.pem"), ec).is_valid());
    EXPECT_FALSE(ec);
}

TEST(TlsStream, BadArgumentsAreClearErrors) {
    const tls_context client_ctx = client_context();
    const tls_context server_ctx = server_context();
    std::error_code ec;
    tls_stream::connect(server_ctx, "localhost", 1, ec, patience);
    EXPECT_EQ(ec, tls_errc::wrong_role);
    tls_stream::server(portsock::tcp_stream{}, server_ctx, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);

    // A server name follows resolve()'s rule for host text: OpenSSL's own parser would have
    // matched the first four against the certificate's 127.0.0.1 and sent the last as SNI.
    for (const char* name : {"127.0.0.1 junk", " 127.0.0.1", "127.000.000.001", "0127.0.0.1",
                             "localhost junk", "127.1", "fe80::1%1"}) {
        one_shot_server refuser([](portsock::tcp_stream&&) {});
        portsock::tcp_stream tcp =
            portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), refuser.port()});
        tls_stream::client(std::move(tcp), client_ctx, name, ec, patience);
        EXPECT_EQ(ec, std::errc::invalid_argument) << name;
        refuser.finish();
    }

    std::error_code server_error;
    one_shot_server server([](portsock::tcp_stream&&) {});
    portsock::tcp_stream tcp =
        portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), server.port()});
    tls_stream::client(std::move(tcp), client_ctx, std::string_view("local\0host", 10), ec, patience);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    server.finish();

    tls_stream empty;
    char byte = 0;
    EXPECT_EQ(empty.receive(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_TRUE(empty.receive(std::numeric_limits<std::size_t>::max(), ec).empty());
    EXPECT_EQ(ec, portsock::errc::not_open) << "as tcp_stream: not open comes before the size";
    empty.send(&byte, 1, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    empty.send_close_notify(ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(catch_system_error([&] { empty.handshake(); }).code, portsock::errc::not_open);
    EXPECT_FALSE(empty.is_open());
    EXPECT_EQ(empty.native_handle(), portsock::invalid_native_handle);
    EXPECT_FALSE(empty.next_layer().is_open());
}

TEST(TlsStream, AlpnPicksTheServersFirstChoiceTheClientOffers) {
    tls_context server_ctx = server_context();
    server_ctx.set_alpn_protocols({"h2", "http/1.1"});
    std::error_code server_error;
    std::string server_chose;
    one_shot_server server(
        tls_serving(server_ctx, server_error, [&](tls_stream& tls) { server_chose = tls.alpn_protocol(); }));
    tls_context client_ctx = client_context();
    client_ctx.set_alpn_protocols({"http/1.1", "spdy/3"});
    tls_stream client = tls_stream::connect(client_ctx, "localhost", server.port(), patience);
    EXPECT_EQ(client.alpn_protocol(), "http/1.1");
    server.finish();
    EXPECT_EQ(server_chose, "http/1.1");
}

TEST(TlsStream, NoCommonVersionIsProtocolVersion) {
    tls_context server_ctx = server_context();
    server_ctx.set_maximum_version(portsock::tls_version::tls1_2);
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    tls_context client_ctx = client_context();
    client_ctx.set_minimum_version(portsock::tls_version::tls1_3);
    std::error_code ec;
    tls_stream::connect(client_ctx, "localhost", server.port(), ec, patience);
    EXPECT_EQ(ec, tls_errc::protocol_version) << ec.message();
    server.finish();
    EXPECT_EQ(server_error, tls_errc::protocol_version) << server_error.message();
}

// Versions that leave no version, and numbers that are no tls_version or tls_role, are
// refused when set, where the mistake is, not at the first handshake.
TEST(TlsContext, ContradictoryOrUnknownVersionsAndRolesAreInvalidArgument) {
    tls_context context(tls_role::client);
    std::error_code ec;
    context.set_maximum_version(portsock::tls_version::tls1_2, ec);
    ASSERT_FALSE(ec) << ec.message();
    context.set_minimum_version(portsock::tls_version::tls1_3, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "above the maximum";
    context.set_maximum_version(portsock::tls_version::tls1_3, ec);
    ASSERT_FALSE(ec);
    context.set_minimum_version(portsock::tls_version::tls1_3, ec);
    ASSERT_FALSE(ec) << "1.3 only is a valid choice";
    context.set_maximum_version(portsock::tls_version::tls1_2, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "below the minimum";
    EXPECT_EQ(catch_system_error([&] { context.set_maximum_version(portsock::tls_version::tls1_2); }).code,
              std::errc::invalid_argument);
    for (const int value : {2, 42, 255}) {
        context.set_minimum_version(static_cast<portsock::tls_version>(value), ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << value;
        context.set_maximum_version(static_cast<portsock::tls_version>(value), ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << value;
        (void)tls_context::create(static_cast<tls_role>(value), ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << value;
        EXPECT_EQ(catch_system_error([&] { tls_context bad(static_cast<tls_role>(value)); }).code,
                  std::errc::invalid_argument);
    }
}

TEST(TlsStream, TwelveIsTheMinimumAndWorks) {
    tls_context server_ctx = server_context();
    server_ctx.set_maximum_version(portsock::tls_version::tls1_2);
    std::error_code server_error;
    one_shot_server server(
        tls_serving(server_ctx, server_error, [](tls_stream& tls) { tls.send_close_notify(patience); }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    EXPECT_EQ(client.protocol_version(), "TLSv1.2");
    char byte;
    EXPECT_EQ(client.receive(&byte, 1, patience), 0u);
    server.finish();
}

// --- peers that are not TLS, or stop being it ----------------------------------------

TEST(TlsPeers, PlainTcpServerIsAHandshakeFailure) {
    one_shot_server server([](portsock::tcp_stream&& tcp) {
        tcp.send_all("Welcome to the server!\r\nand more text than a TLS record header\r\n", patience);
        char buffer[512];
        std::error_code ignored;
        tcp.receive(buffer, sizeof buffer, ignored, patience);  // the client hello, then the alert
    });
    stopwatch clock;
    std::error_code ec;
    tls_stream::connect(client_context(), "localhost", server.port(), ec, patience);
    EXPECT_EQ(ec, tls_errc::handshake_failure) << ec.message();
    EXPECT_LT(clock.elapsed(), patience);
    server.finish();
}

TEST(TlsPeers, ServerClosingAtOnceIsUnexpectedEof) {
    one_shot_server server([](portsock::tcp_stream&& tcp) { tcp.close(); });
    std::error_code ec;
    tls_stream::connect(client_context(), "localhost", server.port(), ec, patience);
    EXPECT_TRUE(ec == tls_errc::unexpected_eof || ec == std::errc::connection_reset) << ec.message();
    server.finish();
}

TEST(TlsPeers, SilentServerTimesOutTheHandshake) {
    std::promise<void> release;
    one_shot_server server([&](portsock::tcp_stream&&) { release.get_future().wait_for(patience); });
    stopwatch clock;
    std::error_code ec;
    tls_stream::connect(client_context(), "localhost", server.port(), ec, 300ms);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    expect_waited(clock.elapsed(), 300ms);
    release.set_value();
    server.finish();
}

TEST(TlsPeers, GarbageFromAClientIsAHandshakeFailure) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    portsock::tcp_stream tcp =
        portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), server.port()});
    std::string garbage(600, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 7 + 3);
    tcp.send_all(garbage, patience);
    server.finish();
    EXPECT_EQ(server_error, tls_errc::handshake_failure) << server_error.message();
}

TEST(TlsPeers, PlainTcpClientIsAHandshakeFailure) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    portsock::tcp_stream tcp =
        portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), server.port()});
    tcp.send_all("GET / HTTP/1.0\r\n\r\n", patience);
    server.finish();
    EXPECT_EQ(server_error, tls_errc::handshake_failure) << server_error.message();
}

TEST(TlsPeers, StreamCutWithoutCloseNotifyIsUnexpectedEofNeverEndOfStream) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error, [](tls_stream& tls) {
        tls.send_all("partial", patience);
        tls.next_layer().shutdown(portsock::shutdown_type::send);  // FIN, no close_notify
        char byte;
        std::error_code ignored;
        tls.receive(&byte, 1, ignored, patience);  // until the client is done
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    char buffer[7];
    client.receive_exact(buffer, sizeof buffer, patience);
    std::error_code ec;
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec, patience), 0u);
    EXPECT_EQ(ec, tls_errc::unexpected_eof) << ec.message();
    const thrown t = catch_system_error([&] { client.receive(buffer, sizeof buffer, patience); });
    EXPECT_TRUE(t.code) << "still an error, not a clean end, on a second call";
    client.close();
    server.finish();
}

TEST(TlsPeers, GarbageAfterTheHandshakeIsAProtocolError) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error, [](tls_stream& tls) {
        const std::string record_header("\x17\x03\x03\x00\x20", 5);  // application data, 32 bytes
        tls.next_layer().send_all(record_header + "thirty-two bytes: not a record..", patience);
        char byte;
        std::error_code ignored;
        tls.next_layer().receive(&byte, 1, ignored, patience);
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    char buffer[64];
    std::error_code ec;
    stopwatch clock;
    client.receive(buffer, sizeof buffer, ec, patience);
    EXPECT_EQ(ec, tls_errc::protocol_error) << ec.message();
    EXPECT_LT(clock.elapsed(), patience);
    client.close();
    server.finish();
}

// --- timeouts and non-blocking use ------------------------------------------------------

TEST(TlsStream, ReceiveTimeoutLeavesTheStreamUsable) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    std::promise<void> go;
    one_shot_server server(tls_serving(server_ctx, server_error, [&](tls_stream& tls) {
        go.get_future().wait_for(patience);
        tls.send_all("late", patience);
        tls.send_close_notify(patience);
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    char buffer[4];
    stopwatch clock;
    std::error_code ec;
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec, 200ms), 0u);
    EXPECT_EQ(ec, std::errc::timed_out);
    expect_waited(clock.elapsed(), 200ms);
    go.set_value();
    client.receive_exact(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, 4), "late");
    server.finish();
}

TEST(TlsStream, NonBlockingHandshakeAndReceiveWithAPoller) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    std::promise<void> start;
    std::promise<void> go;
    const auto serve = tls_serving(server_ctx, server_error, [&](tls_stream& tls) {
        go.get_future().wait_for(patience);
        tls.send_all("ready", patience);
        tls.send_close_notify(patience);
    });
    one_shot_server server([&](portsock::tcp_stream&& tcp) {
        start.get_future().wait_for(patience);  // the client's first handshake step must wait
        serve(std::move(tcp));
    });
    portsock::tcp_stream tcp =
        portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), server.port()}, patience);
    tcp.set_non_blocking(true);
    std::error_code ec;
    tls_stream client = tls_stream::client(std::move(tcp), client_context(), "localhost", ec);
    ASSERT_TRUE(client.is_open()) << ec.message();
    EXPECT_EQ(ec, tls_errc::want_read)
        << "the client hello is sent; the server has not answered: " << ec.message();
    EXPECT_EQ(ec, std::errc::operation_would_block);
    EXPECT_FALSE(client.is_handshake_done());
    start.set_value();
    portsock::poller poller;
    poller.add(client.next_layer(), portsock::poll_events::readable, 1);
    std::vector<portsock::poll_event> events(4);
    int waits = 0;
    while (ec && waits < 100) {  // bounded: a handshake takes a few round trips
        ASSERT_EQ(ec, std::errc::operation_would_block) << ec.message();
        const auto need =
            ec == tls_errc::want_write ? portsock::poll_events::writable : portsock::poll_events::readable;
        poller.modify(client.next_layer(), need, 1);
        poller.wait(events.data(), events.size(), patience);
        ++waits;
        client.handshake(ec);
    }
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(client.is_handshake_done());
    EXPECT_GT(waits, 0);

    char buffer[16];
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec), 0u);
    EXPECT_EQ(ec, tls_errc::want_read) << ec.message();
    go.set_value();
    std::string got;
    for (int i = 0; i < 100 && got.size() < 5; ++i) {
        poller.modify(client.next_layer(), portsock::poll_events::readable, 1);
        poller.wait(events.data(), events.size(), patience);
        const std::size_t n = client.receive(buffer, sizeof buffer, ec);
        if (!ec)
            got.append(buffer, n);
        else
            ASSERT_EQ(ec, tls_errc::want_read) << ec.message();
    }
    EXPECT_EQ(got, "ready");
    server.finish();
}

}  // namespace
