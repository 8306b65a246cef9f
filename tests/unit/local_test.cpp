// local_stream, local_listener and local_datagram over real Unix-domain sockets in a
// private temporary directory: data both ways in both call forms, end of stream, timeouts,
// refused and missing peers, stale socket files, abstract names and peer credentials.
#include "local_support.hpp"

#include <portsock/local.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using portsock::local_address;
using portsock::local_datagram;
using portsock::local_listener;
using portsock::local_stream;
using portsock_test::catch_system_error;
using portsock_test::make_local_pair;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::temp_dir;
using namespace std::chrono_literals;

// --- streams ----------------------------------------------------------------------------

TEST(LocalStream, RoundTripThrowingForms) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const local_address at{dir.file("s.sock")};
    local_listener listener(at);
    EXPECT_EQ(listener.local_endpoint(), at);
    EXPECT_TRUE(std::filesystem::exists(dir.file("s.sock"))) << "binding a path makes a socket file";

    local_stream client = local_stream::connect(at, patience);
    auto [server, peer] = listener.accept(patience);
    EXPECT_TRUE(peer.is_unnamed()) << peer;
    EXPECT_EQ(client.remote_endpoint(), at);
    EXPECT_TRUE(client.local_endpoint().is_unnamed());
    EXPECT_EQ(server.local_endpoint(), at);

    client.send_all("hello, server", patience);
    char buffer[13];
    server.receive_exact(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, sizeof buffer), "hello, server");
    server.send_all("hello, client", patience);
    client.receive_exact(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, sizeof buffer), "hello, client");
}

TEST(LocalStream, ReceivingNothingReturnsAtOnce) {  // as Tcp.ReceivingNothingReturnsAtOnce
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = portsock_test::make_local_pair(local_address{dir.file("z.sock")});
    char byte = 0;
    std::error_code ec;
    const portsock_test::stopwatch clock;
    EXPECT_EQ(pair.client.receive(&byte, 0, ec), 0u);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.receive(std::size_t{0}, patience), "");
    EXPECT_LT(clock.elapsed(), 1s);
    pair.server.send_all("y", patience);
    EXPECT_EQ(pair.client.receive(&byte, 0, ec, patience), 0u);
    EXPECT_EQ(pair.client.receive(1, patience), "y");
}

TEST(LocalStream, RoundTripNoexceptForms) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    std::error_code ec = make_error_code(std::errc::io_error);
    const local_address at = local_address::from_path(dir.file("n.sock"), ec);
    ASSERT_FALSE(ec);
    local_listener listener = local_listener::listen(at, ec);
    ASSERT_FALSE(ec) << ec.message();
    local_stream client = local_stream::connect(at, ec, patience);
    ASSERT_FALSE(ec) << ec.message();
    auto accepted = listener.accept(ec, patience);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(client.send_all("ping", ec, patience), 4u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(accepted.stream.receive(16, ec, patience), "ping");
    EXPECT_FALSE(ec);
    EXPECT_EQ(accepted.stream.send("pong", 4, ec, patience), 4u);
    char buffer[4];
    EXPECT_EQ(client.receive_exact(buffer, 4, ec, patience), 4u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(client.local_endpoint(ec), local_address());
    EXPECT_FALSE(ec);
}

TEST(LocalStream, EndOfStreamAfterPeerClosesOrShutsDown) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = make_local_pair(dir.file("e.sock"));
    pair.client.send_all("last words", patience);
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_EQ(pair.server.receive(64, patience), "last words");
    EXPECT_EQ(pair.server.receive(64, patience), "") << "end of stream is an empty receive";
    pair.server.send_all("reply after shutdown", patience);  // the other direction still works
    EXPECT_EQ(pair.client.receive(64, patience), "reply after shutdown");

    pair.server.close();
    char buffer[8];
    std::error_code ec;
    EXPECT_EQ(pair.client.receive_exact(buffer, sizeof buffer, ec, patience), 0u);
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
}

TEST(LocalStream, LargeTransferBothForms) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = make_local_pair(dir.file("big.sock"));
    std::vector<unsigned char> sent(4 << 20);
    for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<unsigned char>(i * 7 + i / 251);
    std::thread writer([&] { pair.client.send_all(sent.data(), sent.size(), patience); });
    std::vector<unsigned char> got(sent.size());
    std::error_code ec;
    EXPECT_EQ(pair.server.receive_exact(got.data(), got.size(), ec, patience), got.size());
    writer.join();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(got, sent);
}

TEST(LocalStream, ReceiveAndAcceptTimeOut) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = make_local_pair(dir.file("t.sock"));
    char byte;
    std::error_code ec;
    stopwatch watch;
    EXPECT_EQ(pair.server.receive(&byte, 1, ec, 200ms), 0u);
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(watch.elapsed(), 200ms);
    stopwatch accept_watch;
    EXPECT_EQ(catch_system_error([&] { (void)pair.listener.accept(150ms); }).code, std::errc::timed_out);
    portsock_test::expect_waited(accept_watch.elapsed(), 150ms);
    pair.client.send_all("x", patience);  // still usable after a timeout
    EXPECT_EQ(pair.server.receive(1, patience), "x");
}

TEST(LocalStream, ConnectTimesOutWhileTheListenersQueueIsFull) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const local_address at{dir.file("full.sock")};
    local_listener listener(at, {/*backlog=*/1});
    std::vector<local_stream> queued;
    std::error_code ec;
    stopwatch watch;
    for (int i = 0; i < 64 && !ec; ++i) {  // never accepted: the queue fills within a few
        local_stream s = local_stream::connect(at, ec, 200ms);
        if (!ec) queued.push_back(std::move(s));
    }
    ASSERT_EQ(ec, std::errc::timed_out) << ec.message() << " after " << queued.size() << " connects";
    EXPECT_LE(watch.elapsed(), 200ms + portsock_test::overrun);
    EXPECT_GE(queued.size(), 1u);
}

TEST(LocalStream, NonBlockingReceiveWouldBlock) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = make_local_pair(dir.file("nb.sock"));
    pair.server.set_non_blocking(true);
    char byte;
    std::error_code ec;
    EXPECT_EQ(pair.server.receive(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, std::errc::operation_would_block);
}

TEST(LocalStream, ConnectErrorsNameTheCause) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    std::error_code ec;
    (void)local_stream::connect(dir.file("nothing-here.sock"), ec, patience);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
    (void)local_stream::connect(local_address(), ec, patience);
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([&] { (void)local_stream::connect(local_address()); }).code,
              std::errc::invalid_argument);

    const local_address stale{dir.file("stale.sock")};
    local_listener(stale).close();  // leaves its socket file, with nobody listening
    EXPECT_TRUE(std::filesystem::exists(dir.file("stale.sock")));
    (void)local_stream::connect(stale, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    (void)local_stream::connect(stale, ec);  // the untimed path reports the same
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

TEST(LocalStream, SendToAVanishedPeerFailsWithoutSigpipe) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = make_local_pair(dir.file("gone.sock"));
    pair.server.close();
    std::error_code ec;
    const std::vector<char> block(64 * 1024, 'x');
    for (int i = 0; i < 64 && !ec; ++i) pair.client.send_all(block.data(), block.size(), ec, patience);
    EXPECT_TRUE(ec == std::errc::broken_pipe || ec == std::errc::connection_reset) << ec.message();
}

TEST(LocalStream, EmptyStreamsReportNotOpen) {
    local_stream empty;
    std::error_code ec;
    char byte;
    EXPECT_EQ(empty.send(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(empty.receive(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
    (void)empty.remote_endpoint(ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    (void)empty.local_endpoint(ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    (void)empty.peer_credentials(ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(catch_system_error([&] { empty.shutdown(portsock::shutdown_type::both); }).code,
              std::errc::bad_file_descriptor);
    local_listener no_listener;
    (void)no_listener.accept(ec, 10ms);
    EXPECT_EQ(ec, portsock::errc::not_open);
    local_stream moved_to = std::move(empty);
    EXPECT_FALSE(moved_to.is_open());
}

TEST(LocalStream, PeerCredentialsAreThisProcessOnBothEnds) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    auto pair = make_local_pair(dir.file("cred.sock"));
    std::error_code ec;
    const portsock::process_credentials of_client = pair.server.peer_credentials(ec);
    if (!portsock::has_local_peer_credentials()) {
        EXPECT_EQ(ec, std::errc::operation_not_supported);
        EXPECT_EQ(catch_system_error([&] { (void)pair.client.peer_credentials(); }).code,
                  std::errc::operation_not_supported);
        return;
    }
    ASSERT_FALSE(ec) << ec.message();
    const portsock::process_credentials of_server = pair.client.peer_credentials();
    // Both ends are this process: each sees the other's ids, which are the same.
    EXPECT_EQ(of_client.user_id, of_server.user_id);
    EXPECT_EQ(of_client.group_id, of_server.group_id);
    EXPECT_EQ(of_client.process_id, of_server.process_id);
    EXPECT_TRUE(of_client.process_id > 0 || of_client.process_id == -1) << of_client.process_id;
}

// --- listeners and socket files ---------------------------------------------------------

TEST(LocalListener, ABusyPathIsAddressInUse) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const local_address at{dir.file("busy.sock")};
    local_listener first(at);
    std::error_code ec;
    (void)local_listener::listen(at, ec);
    EXPECT_EQ(ec, std::errc::address_in_use);
    EXPECT_EQ(catch_system_error([&] { local_listener second(at); }).code, std::errc::address_in_use);
    (void)local_listener::listen(at, ec, {/*backlog=*/-1});
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    (void)local_listener::listen(local_address(), ec);
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    (void)local_listener::listen(dir.file("no/such/dir.sock"), ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
}

TEST(LocalListener, ReplaceStaleSocketRemovesOnlyADeadSocketFile) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const local_address at{dir.file("restart.sock")};
    local_listener(at).close();  // a "crashed" server's file
    std::error_code ec;
    (void)local_listener::listen(at, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << "never replaced unless asked";

    portsock::local_listen_options replace;
    replace.replace_stale_socket = true;
    local_listener restarted = local_listener::listen(at, ec, replace);
    ASSERT_FALSE(ec) << ec.message();
    local_stream client = local_stream::connect(at, patience);
    EXPECT_TRUE(restarted.accept(patience).stream.is_open());

    // A live listener's file is not taken over.
    (void)local_listener::listen(at, ec, replace);
    EXPECT_EQ(ec, std::errc::address_in_use);
    local_stream still = local_stream::connect(at, patience);
    EXPECT_TRUE(restarted.accept(patience).stream.is_open()) << "the first listener still serves";
}

TEST(LocalListener, ReplaceStaleSocketNeverRemovesAnOrdinaryFile) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const std::string path = dir.file("data.txt");
    std::ofstream(path) << "precious";
    portsock::local_listen_options replace;
    replace.replace_stale_socket = true;
    std::error_code ec;
    (void)local_listener::listen(path, ec, replace);
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
    std::ifstream kept(path);
    std::string text;
    kept >> text;
    EXPECT_EQ(text, "precious");
}

// Issue 20, item 11: the same error (address_in_use) for three cases that call for
// different answers; the thrown message says which.
TEST(LocalListener, AddressInUseSaysWhatIsAtThePath) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const local_address live{dir.file("live.sock")};
    local_listener first(live);
    const auto live_error = catch_system_error([&] { local_listener second(live); });
    EXPECT_EQ(live_error.code, std::errc::address_in_use);
    EXPECT_NE(live_error.what.find("a live listener is there"), std::string::npos) << live_error.what;

    const local_address stale{dir.file("stale.sock")};
    local_listener(stale).close();
    const auto stale_error = catch_system_error([&] { local_listener second(stale); });
    EXPECT_EQ(stale_error.code, std::errc::address_in_use);
    EXPECT_NE(stale_error.what.find("stale socket file"), std::string::npos) << stale_error.what;
    EXPECT_NE(stale_error.what.find("replace_stale_socket"), std::string::npos) << stale_error.what;

    const std::string plain = dir.file("plain.txt");
    std::ofstream(plain) << "data";
    const auto file_error = catch_system_error([&] { local_listener second(plain); });
    EXPECT_EQ(file_error.code, std::errc::address_in_use);
    EXPECT_NE(file_error.what.find("not a socket"), std::string::npos) << file_error.what;
    EXPECT_EQ(file_error.what.find("replace_stale_socket"), std::string::npos)
        << "no advice that cannot help";
}

TEST(LocalListener, AbstractNamesLeaveNoFile) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    if (!portsock::has_abstract_local_names()) GTEST_SKIP() << "abstract names are Linux's";
    const local_address at = local_address::abstract(
        "portsock-test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    auto pair = make_local_pair(at);
    EXPECT_EQ(pair.listener.local_endpoint(), at);
    EXPECT_EQ(pair.client.remote_endpoint(), at);
    pair.client.send_all("abstract", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "abstract");
    pair.listener.close();
    std::error_code ec;
    (void)local_stream::connect(at, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << "the name went with its socket";
}

// --- datagrams --------------------------------------------------------------------------

TEST(LocalDatagram, SendToAndReceiveFromWithSenderName) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address a_at{dir.file("a.sock")}, b_at{dir.file("b.sock")};
    local_datagram a(a_at), b(b_at);
    EXPECT_EQ(a.local_endpoint(), a_at);
    EXPECT_EQ(a.send_to("one", 3, b_at, patience), 3u);
    char buffer[16];
    const auto info = b.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, info.size), "one");
    EXPECT_EQ(info.sender, a_at);
    std::error_code ec;
    EXPECT_EQ(b.send_to("two", 3, info.sender, ec, patience), 3u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(a.receive(buffer, sizeof buffer, ec, patience), 3u);
    EXPECT_EQ(std::string(buffer, 3), "two");
}

TEST(LocalDatagram, ConnectedUnboundSenderAndTruncation) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("r.sock")};
    local_datagram receiver(at);
    local_datagram sender = local_datagram::open();
    sender.connect(at);
    const std::string big(1000, 'z');
    EXPECT_EQ(sender.send(big.data(), big.size(), patience), big.size());
    char small[10];
    std::error_code ec;
    const auto info = receiver.receive_from(small, sizeof small, ec, patience);
    EXPECT_EQ(ec, std::errc::message_size);
    EXPECT_EQ(info.size, sizeof small);
    EXPECT_TRUE(info.sender.is_unnamed()) << info.sender;
    EXPECT_EQ(catch_system_error([&] {
                  sender.send("again", 5, patience);
                  (void)receiver.receive(small, 2, patience);
              }).code,
              std::errc::message_size);
}

TEST(LocalDatagram, ThrowingBindPairsTheErrorCodeForm) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("bound.sock")};
    local_datagram bound = local_datagram::bind(at);
    EXPECT_EQ(bound.local_endpoint(), at);
    const auto thrown = catch_system_error([&] { (void)local_datagram::bind(at); });
    EXPECT_EQ(thrown.code, std::errc::address_in_use);
    EXPECT_NE(thrown.what.find("bind to"), std::string::npos) << thrown.what;
    EXPECT_NE(thrown.what.find("bound.sock"), std::string::npos) << thrown.what;
}

TEST(LocalDatagram, TimeoutsAndMissingPeers) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    local_datagram s(local_address{dir.file("alone.sock")});
    char byte;
    std::error_code ec;
    stopwatch watch;
    (void)s.receive(&byte, 1, ec, 150ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(watch.elapsed(), 150ms);
    (void)s.send_to("x", 1, local_address{dir.file("nobody.sock")}, ec, patience);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
    (void)s.send_to("x", 1, local_address(), ec, patience);
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    (void)s.send("x", 1, ec, patience);
    EXPECT_TRUE(ec == std::errc::not_connected || ec == std::errc::destination_address_required)
        << ec.message();
    local_datagram empty;
    (void)empty.send_to("x", 1, local_address{dir.file("alone.sock")}, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

}  // namespace

namespace {

// Issue 20, item 10: replacing a stale socket file needs a descriptor for the liveness
// probe; without one the listener reports the exhaustion, not "address in use".
TEST(DescriptorTable, StaleSocketProbeWithoutADescriptorReportsExhaustion) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    if (portsock_test::under_wine()) GTEST_SKIP() << "Wine has no AF_UNIX stream sockets";
    temp_dir dir;
    const local_address at{dir.file("stale.sock")};
    local_listener(at).close();
    portsock::local_listen_options replace;
    replace.replace_stale_socket = true;
    portsock_test::descriptor_table_filler filler;
    const bool full = filler.fill();
    filler.free_some(1);  // the listener's own socket takes it; the probe finds none
    std::error_code ec;
    if (full) (void)local_listener::listen(at, ec, replace);
    const std::error_code refusal = filler.release();
    if (!full) GTEST_SKIP() << "no descriptor limit reached within 200,000 sockets or 20 s";
    ASSERT_TRUE(portsock::is_resource_exhaustion(refusal)) << refusal.message();
    EXPECT_EQ(ec, std::errc::too_many_files_open) << "not address_in_use: " << ec.message();
    // With descriptors back, the stale file is replaced.
    local_listener restarted = local_listener::listen(at, ec, replace);
    EXPECT_FALSE(ec) << ec.message();
}

}  // namespace
