// TLS at its edges: host names as RFC 6066 and RFC 9525 want them (a trailing dot, partial
// wildcards, the subject CN), server set-up errors that say what is missing, cancel() of a
// blocked handshake or receive from another thread, and a full descriptor table during
// verification. Certificates: make_certs.sh. Only the public API, so they run on every port.
#include "tls_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

using namespace portsock_tls_test;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A TCP connection to a loopback server that serves it with `serve`.
portsock::tcp_stream connect_to(const one_shot_server& server) {
    return portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), server.port()}, patience);
}

// A client handshake with `name` over TCP to 127.0.0.1 (no resolution of the name), against
// a server that presents `certificate`. Returns the client's error; `sni` gets the name the
// server received.
std::error_code handshake_as(const std::string& certificate, std::string_view name,
                             std::string* sni = nullptr) {
    const tls_context server_ctx = server_context(certificate);
    std::error_code server_error;
    std::string heard;
    one_shot_server server(
        tls_serving(server_ctx, server_error, [&](tls_stream& tls) { heard = tls.server_name(); }));
    std::error_code ec;
    tls_stream client = tls_stream::client(connect_to(server), client_context(), name, ec, patience);
    EXPECT_EQ(client.is_handshake_done(), !ec);
    // The server's handshake ends when it has read the client's Finished: closing first
    // could reset the connection before that (it does under Wine).
    server.finish();
    EXPECT_TRUE(ec || !server_error) << server_error.message();
    client.close();
    if (sni != nullptr) *sni = heard;
    return ec;
}

// --- host names ------------------------------------------------------------------------

// RFC 6066 section 3: "The hostname is represented ... without a trailing dot." The dot is
// stripped (not refused): see without_root_dot() in tls_stream.cpp for why.
TEST(TlsNames, TrailingDotIsStrippedFromSniAndVerification) {
    std::string sni;
    std::error_code ec = handshake_as("server.pem", "localhost.", &sni);
    EXPECT_FALSE(ec) << "DNS:localhost names \"localhost.\": " << ec.message();
    EXPECT_EQ(sni, "localhost") << "the server received the name without the dot";

    ec = handshake_as("server.pem", "localhost", &sni);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(sni, "localhost");
    ec = handshake_as("server.pem", "127.0.0.1", &sni);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(sni, "") << "no SNI for an address (RFC 6066)";

    // The dot does not make a wrong name right.
    ec = handshake_as("wronghost.pem", "localhost.");
    EXPECT_EQ(ec, tls_errc::certificate_verify_failed) << ec.message();
    EXPECT_TRUE(contains(ec.message(), "hostname mismatch")) << ec.message();
}

TEST(TlsNames, ClientReportsTheNameItSends) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    tls_stream client = tls_stream::client(connect_to(server), client_context(), "localhost.", patience);
    EXPECT_EQ(client.server_name(), "localhost");
    server.finish();
    EXPECT_EQ(tls_stream{}.server_name(), "");
}

TEST(TlsNames, OnlyADotOrTwoTrailingDotsAreInvalid) {
    const tls_context client_ctx = client_context();
    for (const char* name : {".", "localhost..", "..", "127.0.0.1."}) {
        one_shot_server refuser([](portsock::tcp_stream&&) {});
        std::error_code ec;
        tls_stream::prepare_client(connect_to(refuser), client_ctx, name, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << name;
        const thrown t =
            catch_system_error([&] { tls_stream::client(connect_to(refuser), client_ctx, name, patience); });
        EXPECT_EQ(t.code, std::errc::invalid_argument) << name;
        refuser.finish();
    }
}

// RFC 9525 section 6.3: a wildcard is the whole left-most label. OpenSSL's default would let
// DNS:f*.test.example match both of these.
TEST(TlsNames, PartialWildcardMatchesNothing) {
    for (const char* name : {"foo.test.example", "f.test.example", "fa.test.example"}) {
        const std::error_code ec = handshake_as("partial-wildcard.pem", name);
        EXPECT_EQ(ec, tls_errc::certificate_verify_failed) << name << ": " << ec.message();
        EXPECT_TRUE(contains(ec.message(), "hostname mismatch")) << ec.message();
    }
}

TEST(TlsNames, WholeLabelWildcardMatchesOneLabel) {
    EXPECT_FALSE(handshake_as("wildcard.pem", "foo.test.example"))
        << "DNS:*.test.example names foo.test.example";
    EXPECT_FALSE(handshake_as("wildcard.pem", "f.test.example"));
    EXPECT_EQ(handshake_as("wildcard.pem", "a.foo.test.example"), tls_errc::certificate_verify_failed)
        << "a wildcard stands for one label";
    EXPECT_EQ(handshake_as("wildcard.pem", "test.example"), tls_errc::certificate_verify_failed);
}

// RFC 9525 section 6.3 and every browser: the subjectAltName names the host; a certificate
// without one names none, whatever its CN says.
TEST(TlsNames, SubjectCommonNameIsNeverUsed) {
    const std::error_code ec = handshake_as("cn-only.pem", "localhost");
    EXPECT_EQ(ec, tls_errc::certificate_verify_failed) << "CN=localhost, no SAN: " << ec.message();
    EXPECT_TRUE(contains(ec.message(), "hostname mismatch")) << ec.message();
    EXPECT_FALSE(handshake_as("server.pem", "localhost")) << "the same CN with a SAN passes";
}

// --- server set-up ---------------------------------------------------------------------

TEST(TlsServerSetup, EncryptedKeyWithoutPassPhraseSaysSoAndNeverPrompts) {
    tls_context context(tls_role::server);
    context.use_certificate_chain_file(cert_path("server.pem"));
    const std::string key_file = cert_path("leaf-encrypted.key");
    std::error_code ec;
    context.use_private_key_file(key_file, ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
    EXPECT_TRUE(contains(ec.message(), "encrypted")) << ec.message();
    EXPECT_TRUE(contains(ec.message(), "pass phrase")) << ec.message();
    context.use_private_key(read_file(key_file), ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
    EXPECT_TRUE(contains(ec.message(), "encrypted")) << ec.message();

    const thrown t = catch_system_error([&] { context.use_private_key_file(key_file); });
    EXPECT_EQ(t.code, tls_errc::invalid_private_key);
    EXPECT_TRUE(contains(t.what, "leaf-encrypted.key")) << "names the file: " << t.what;
}

TEST(TlsServerSetup, EncryptedKeyWithItsPassPhraseServes) {
    const std::string key_file = cert_path("leaf-encrypted.key");
    const std::string pass_phrase = read_file(cert_path("passphrase.txt"));
    ASSERT_FALSE(pass_phrase.empty());
    tls_context from_file(tls_role::server);
    from_file.use_certificate_chain_file(cert_path("server.pem"));
    from_file.use_private_key_file(key_file, pass_phrase);
    tls_context from_text(tls_role::server);
    from_text.use_certificate_chain_file(cert_path("server.pem"));
    std::error_code ec;
    from_text.use_private_key(read_file(key_file), pass_phrase, ec);
    EXPECT_FALSE(ec) << ec.message();
    // An unencrypted key with a pass phrase given is used as it is.
    tls_context plain(tls_role::server);
    plain.use_certificate_chain_file(cert_path("server.pem"));
    plain.use_private_key_file(cert_path("leaf.key"), "unused", ec);
    EXPECT_FALSE(ec) << ec.message();

    for (const tls_context* context : {&from_file, &from_text, &plain}) {
        std::error_code server_error;
        one_shot_server server(
            tls_serving(*context, server_error, [](tls_stream& tls) { tls.send_all("ok", patience); }));
        tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
        char reply[2];
        client.receive_exact(reply, 2, patience);
        EXPECT_EQ(std::string(reply, 2), "ok");
        server.finish();
        EXPECT_FALSE(server_error) << server_error.message();
    }
}

TEST(TlsServerSetup, WrongPassPhraseIsSaid) {
    const std::string key_file = cert_path("leaf-encrypted.key");
    tls_context context(tls_role::server);
    context.use_certificate_chain_file(cert_path("server.pem"));
    for (const std::string_view wrong :
         {std::string_view("wrong"), std::string_view(""), std::string_view("x\0y", 3)}) {
        std::error_code ec;
        context.use_private_key_file(key_file, wrong, ec);
        EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
        EXPECT_TRUE(contains(ec.message(), "pass phrase given does not decrypt")) << ec.message();
        context.use_private_key(read_file(key_file), wrong, ec);
        EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
    }
    const thrown t = catch_system_error([&] { context.use_private_key(read_file(key_file), "wrong"); });
    EXPECT_EQ(t.code, tls_errc::invalid_private_key) << t.what;
    const std::string too_long(5000, 'p');  // longer than OpenSSL's pass phrase buffer
    std::error_code ec;
    context.use_private_key_file(key_file, too_long, ec);
    EXPECT_EQ(ec, tls_errc::invalid_private_key) << ec.message();
}

// What a server context without credentials reports when used: before the first client's
// hello, naming what is missing, not OpenSSL's "no shared cipher".
TEST(TlsServerSetup, MissingCertificateOrKeyIsSaidWhenTheContextIsUsed) {
    const tls_context empty(tls_role::server);
    tls_context no_key(tls_role::server);
    no_key.use_certificate_chain_file(cert_path("server.pem"));
    struct missing {
        const tls_context* context;
        tls_errc condition;
        const char* says;
    };
    for (const missing& m : {missing{&empty, tls_errc::invalid_certificate, "no certificate"},
                             missing{&no_key, tls_errc::invalid_private_key, "no private key"}}) {
        tcp_pair pair = make_tcp_pair();
        std::error_code ec;
        const tls_stream failed = tls_stream::server(std::move(pair.server), *m.context, ec, patience);
        EXPECT_EQ(ec, m.condition) << ec.message();
        EXPECT_TRUE(contains(ec.message(), m.says)) << ec.message();
        EXPECT_FALSE(failed.is_open());
        pair = make_tcp_pair();
        tls_stream::prepare_server(std::move(pair.server), *m.context, ec);
        EXPECT_EQ(ec, m.condition) << ec.message();
        pair = make_tcp_pair();
        const thrown t =
            catch_system_error([&] { tls_stream::server(std::move(pair.server), *m.context, patience); });
        EXPECT_EQ(t.code, m.condition);
        EXPECT_TRUE(contains(t.what, m.says)) << t.what;
        EXPECT_TRUE(contains(t.what, pair.peer.to_string())) << "names the client: " << t.what;
    }
}

TEST(TlsServerSetup, ErrorsNameTheHostPortAndFile) {
    const tls_context server_ctx = server_context("wronghost.pem");
    {
        std::error_code server_error;
        one_shot_server server(tls_serving(server_ctx, server_error));
        const thrown t = catch_system_error(
            [&] { tls_stream::connect(client_context(), "localhost", server.port(), patience); });
        EXPECT_EQ(t.code, tls_errc::certificate_verify_failed);
        EXPECT_TRUE(contains(t.what, "'localhost' port " + std::to_string(server.port()))) << t.what;
        server.finish();
    }
    {
        std::error_code server_error;
        one_shot_server server(tls_serving(server_ctx, server_error));
        const thrown t = catch_system_error(
            [&] { tls_stream::client(connect_to(server), client_context(), "localhost", patience); });
        EXPECT_EQ(t.code, tls_errc::certificate_verify_failed);
        EXPECT_TRUE(contains(t.what, "'localhost' (127.0.0.1:" + std::to_string(server.port()) + ")"))
            << t.what;
        server.finish();
    }
    {
        std::error_code server_error;
        one_shot_server server(tls_serving(server_ctx, server_error));
        tls_stream client = tls_stream::prepare_client(connect_to(server), client_context(), "localhost");
        const thrown t = catch_system_error([&] { client.handshake(patience); });
        EXPECT_EQ(t.code, tls_errc::certificate_verify_failed);
        EXPECT_TRUE(
            contains(t.what, "handshake to 'localhost' (127.0.0.1:" + std::to_string(server.port()) + ")"))
            << t.what;
        server.finish();
    }
    tls_context context(tls_role::client);
    for (const char* file : {"no-such-file.pem", "garbage.pem"}) {
        const thrown t = catch_system_error([&] { context.load_verify_file(cert_path(file)); });
        EXPECT_EQ(t.code, tls_errc::invalid_certificate);
        EXPECT_TRUE(contains(t.what, file)) << t.what;
    }
    tls_context server(tls_role::server);
    const thrown chain =
        catch_system_error([&] { server.use_certificate_chain_file(cert_path("garbage.pem")); });
    EXPECT_TRUE(contains(chain.what, "garbage.pem")) << chain.what;
    const thrown control =
        catch_system_error([&] { context.load_verify_file(cert_path("bad\x1b[31m.pem")); });
    EXPECT_TRUE(contains(control.what, "bad\\x1b[31m.pem")) << "escaped: " << control.what;
}

TEST(TlsServerSetup, AddVerifyPathGivesItsReason) {
    tls_context context(tls_role::client);
    std::error_code missing, file, good;
    context.add_verify_path(cert_path("no-such-directory"), missing);
    context.add_verify_path(cert_path("ca.pem"), file);
    context.add_verify_path(cert_path("ca-dir"), good);
    EXPECT_EQ(missing, tls_errc::invalid_certificate);
    EXPECT_TRUE(contains(missing.message(), "does not exist")) << missing.message();
    EXPECT_EQ(file, tls_errc::invalid_certificate);
    EXPECT_TRUE(contains(file.message(), "not a directory")) << file.message();
    EXPECT_FALSE(good) << good.message();
    const thrown t = catch_system_error([&] { context.add_verify_path(cert_path("no-such-directory")); });
    EXPECT_TRUE(contains(t.what, "no-such-directory")) << t.what;
    EXPECT_TRUE(contains(t.what, "does not exist")) << t.what;
}

TEST(TlsServerSetup, CaDirectoryVerifies) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    tls_context client_ctx(tls_role::client);
    client_ctx.add_verify_path(cert_path("ca-dir"));
    std::error_code ec;
    tls_stream::connect(client_ctx, "localhost", server.port(), ec, patience);
    EXPECT_FALSE(ec) << ec.message();
    server.finish();
}

// --- cancel ----------------------------------------------------------------------------

// A handshake blocked on a silent peer, started by prepare_client() and handshake(), is
// ended from another thread by cancel(); every later call fails the same way.
TEST(TlsCancel, CancelThreadsEndsABlockedClientHandshake) {
    std::promise<void> release;
    one_shot_server silent([&](portsock::tcp_stream&&) { release.get_future().wait_for(patience); });
    tls_stream client = tls_stream::prepare_client(connect_to(silent), client_context(), "localhost");
    EXPECT_FALSE(client.is_handshake_done());
    std::error_code handshake_error;
    stopwatch clock;
    std::thread handshaking([&] { client.handshake(handshake_error); });  // untimed
    std::this_thread::sleep_for(100ms);
    client.cancel();
    handshaking.join();
    EXPECT_EQ(handshake_error, std::errc::operation_canceled) << handshake_error.message();
    EXPECT_LT(clock.elapsed(), patience);
    std::error_code ec;
    client.handshake(ec, patience);
    EXPECT_EQ(ec, std::errc::operation_canceled);
    char byte;
    client.receive(&byte, 1, ec, patience);
    EXPECT_EQ(ec, std::errc::operation_canceled);
    EXPECT_EQ(catch_system_error([&] { client.send_all("x", patience); }).code,
              std::errc::operation_canceled);
    client.cancel(ec);
    EXPECT_FALSE(ec) << "cancelling twice does nothing";
    release.set_value();
    silent.finish();
}

TEST(TlsCancel, CancelThreadsEndsABlockedServerHandshake) {
    tcp_pair pair = make_tcp_pair();  // the client never says hello
    const tls_context server_ctx = server_context();
    tls_stream server = tls_stream::prepare_server(std::move(pair.server), server_ctx);
    std::error_code handshake_error;
    std::thread handshaking([&] {
        handshake_error = portsock_test::catch_system_error_if_any([&] { server.handshake(patience); });
    });
    std::this_thread::sleep_for(100ms);
    std::error_code ec;
    server.cancel(ec);
    EXPECT_FALSE(ec) << ec.message();
    handshaking.join();
    EXPECT_EQ(handshake_error, std::errc::operation_canceled) << handshake_error.message();
    char byte;
    EXPECT_EQ(pair.client.receive(&byte, 1, ec, patience), 0u) << "the client sees the connection end";
}

TEST(TlsCancel, CancelThreadsEndsABlockedReceive) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    std::error_code server_read;
    one_shot_server server(tls_serving(server_ctx, server_error, [&](tls_stream& tls) {
        tls.send_all("ab", patience);
        char byte;
        tls.receive(&byte, 1, server_read, patience);  // the client's cancel ends it
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    char byte;
    client.receive_exact(&byte, 1, patience);  // "a"; "b" may wait decrypted in the stream
    std::error_code receive_error;
    std::size_t got = 1;
    std::thread receiving([&] {
        char rest[16];
        std::error_code ignored;
        client.receive(rest, 1, ignored, patience);                                   // "b"
        got = client.receive(rest, sizeof rest, receive_error, portsock::timeout{});  // blocks: nothing more
    });
    std::this_thread::sleep_for(100ms);
    client.cancel();
    receiving.join();
    EXPECT_EQ(receive_error, std::errc::operation_canceled) << receive_error.message();
    EXPECT_EQ(got, 0u);
    server.finish();
    EXPECT_TRUE(server_read) << "no close_notify: the server sees no clean end";
    EXPECT_FALSE(server_error) << server_error.message();
}

// After cancel(), every call fails, even a receive that decrypted bytes could satisfy.
TEST(TlsCancel, CancelledStreamRefusesEvenDecryptedBytes) {
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    std::promise<void> done;
    one_shot_server server(tls_serving(server_ctx, server_error, [&](tls_stream& tls) {
        tls.send_all("ab", patience);  // one record
        done.get_future().wait_for(patience);
    }));
    tls_stream client = tls_stream::connect(client_context(), "localhost", server.port(), patience);
    char byte;
    client.receive_exact(&byte, 1, patience);
    EXPECT_EQ(client.pending(), 1u) << "'b' is decrypted, waiting in the stream";
    client.cancel();
    std::error_code ec;
    EXPECT_EQ(client.receive(&byte, 1, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    client.send_close_notify(ec, patience);
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    done.set_value();
    server.finish();
}

TEST(TlsCancel, EmptyStreamCancelDoesNothing) {
    tls_stream empty;
    std::error_code ec = make_error_code(tls_errc::want_read);
    empty.cancel(ec);
    EXPECT_FALSE(ec);
    empty.cancel();
    empty.receive(nullptr, 1, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

// --- a full descriptor table ------------------------------------------------------------

// Opens sockets until the OS refuses one (bounded in count and time). While the table is
// full, nothing compares error codes with std::errc: UBSan's check of that virtual call
// needs a descriptor.
class descriptor_table_filler {
public:
    bool fill() {
        const stopwatch clock;
        constexpr std::size_t most = 200000;
        while (sockets_.size() < most && clock.elapsed() < 20s) {
            portsock::udp_socket socket =
                portsock::udp_socket::open(portsock::address_family::ipv4, refusal_);
            if (refusal_) return true;
            sockets_.push_back(std::move(socket));
        }
        return false;
    }
    std::error_code release() {
        sockets_.clear();
        return refusal_;
    }

private:
    std::vector<portsock::udp_socket> sockets_;
    std::error_code refusal_;
};

// Verification against a CA directory opens a file per lookup: with no descriptor left it
// is too_many_files_open, not OpenSSL's last word ("unregistered scheme").
TEST(TlsExhaustion, FullTableDuringCaDirectoryVerificationIsTooManyFilesOpen) {
    if (under_wine())
        GTEST_SKIP() << "Wine keeps every socket in wineserver, shared by all Wine processes: "
                        "filling its table would fail the tests that run beside this one";
    const tls_context server_ctx = server_context();
    std::error_code server_error;
    one_shot_server server(tls_serving(server_ctx, server_error));
    tls_context client_ctx(tls_role::client);
    client_ctx.add_verify_path(cert_path("ca-dir"));
    tls_context file_ctx(tls_role::client);
    portsock::tcp_stream tcp = connect_to(server);

    descriptor_table_filler filler;
    const bool full = filler.fill();
    tls_context server_files(tls_role::server);
    std::error_code verified, loaded, chain, key;
    if (full) {  // the loads first: the failed handshake closes its socket, freeing one descriptor
        file_ctx.load_verify_file(cert_path("ca.pem"), loaded);
        server_files.use_certificate_chain_file(cert_path("chain.pem"), chain);
        server_files.use_private_key_file(cert_path("leaf.key"), key);
        tls_stream::client(std::move(tcp), client_ctx, "localhost", verified, patience);
    }
    const std::error_code refusal = filler.release();
    tcp.close();
    server.finish();
    if (!full) GTEST_SKIP() << "no descriptor limit reached within 200,000 sockets or 20 s";
    ASSERT_TRUE(portsock::is_resource_exhaustion(refusal)) << refusal.message();

    EXPECT_EQ(verified, std::errc::too_many_files_open) << verified.message();
    EXPECT_TRUE(portsock::is_resource_exhaustion(verified)) << verified.message();
    EXPECT_EQ(loaded, std::errc::too_many_files_open) << loaded.message();
    EXPECT_EQ(chain, std::errc::too_many_files_open) << chain.message();
    EXPECT_EQ(key, std::errc::too_many_files_open) << key.message();
    file_ctx.load_verify_file(cert_path("ca.pem"), loaded);
    EXPECT_FALSE(loaded) << "with descriptors back it loads: " << loaded.message();
}

}  // namespace
