// The platform contract (platform/platform.hpp), tested directly: every port — POSIX
// native, POSIX generic (the macOS/BSD fallbacks), Win32 (under Wine) — must pass these
// same tests. Real sockets on loopback only, port 0 always, every wait bounded.
//
// Close-on-exec is tested under a race in close_on_exec_test.cpp. Not tested
// because no portable check exists: EINTR retries.
#include "platform.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace pf = portsock::platform;
using namespace std::chrono_literals;

constexpr int patience_ms = 10000;  // for waits that are expected to succeed

// The Win32 port under Wine names itself "win32 (Wine <version>)"; Wine's socket layer
// misses a few Windows behaviours, and the tests of those skip with this reason.
bool under_wine() { return std::string(pf::port_name()).find("(Wine") != std::string::npos; }

// Owns a handle and closes it through the contract.
class owned {
public:
    owned() = default;
    explicit owned(pf::handle h) : h_(h) {}
    owned(owned&& other) noexcept : h_(std::exchange(other.h_, pf::invalid_handle)) {}
    owned& operator=(owned&& other) noexcept {
        reset();
        h_ = std::exchange(other.h_, pf::invalid_handle);
        return *this;
    }
    ~owned() { reset(); }
    owned(const owned&) = delete;
    owned& operator=(const owned&) = delete;

    pf::handle get() const { return h_; }
    void reset() {
        std::error_code ignored;
        if (h_ != pf::invalid_handle) pf::close(std::exchange(h_, pf::invalid_handle), ignored);
    }

private:
    pf::handle h_ = pf::invalid_handle;
};

pf::address loopback(pf::family fam, std::uint16_t port = 0) {
    pf::address a;
    a.fam = fam;
    a.port = port;
    if (fam == pf::family::ipv4) {
        a.bytes[0] = 127;
        a.bytes[3] = 1;
    } else {
        a.bytes[15] = 1;
    }
    return a;
}

bool same_address(const pf::address& a, const pf::address& b) {
    return a.fam == b.fam && a.port == b.port && a.scope_id == b.scope_id &&
           std::memcmp(a.bytes, b.bytes, sizeof a.bytes) == 0;
}

bool would_block(const std::error_code& ec) {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

owned open_checked(pf::family fam, pf::socket_type type) {
    std::error_code ec;
    owned h(pf::open(fam, type, ec));
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(h.get(), pf::invalid_handle);
    return h;
}

// A listener on loopback port 0, and the address it got.
struct listener {
    owned handle;
    pf::address at;
};

listener listen_loopback(pf::family fam = pf::family::ipv4) {
    listener l{open_checked(fam, pf::socket_type::stream), {}};
    std::error_code ec;
    pf::bind(l.handle.get(), loopback(fam), ec);
    EXPECT_FALSE(ec) << "bind: " << ec.message();
    pf::listen(l.handle.get(), 16, ec);
    EXPECT_FALSE(ec) << "listen: " << ec.message();
    l.at = pf::local_address(l.handle.get(), ec);
    EXPECT_FALSE(ec) << ec.message();
    return l;
}

struct connection {
    listener server;
    owned client;
    owned accepted;
    pf::address peer;
};

connection connect_loopback(pf::family fam = pf::family::ipv4) {
    connection c{listen_loopback(fam), open_checked(fam, pf::socket_type::stream), {}, {}};
    std::error_code ec;
    pf::connect(c.client.get(), c.server.at, ec);
    EXPECT_FALSE(ec) << "connect: " << ec.message();
    c.accepted = owned(pf::accept(c.server.handle.get(), &c.peer, ec));
    EXPECT_FALSE(ec) << "accept: " << ec.message();
    return c;
}

// An address where nothing listens: bound, then closed.
pf::address closed_port(pf::family fam = pf::family::ipv4) {
    listener l = listen_loopback(fam);
    return l.at;
}

std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

#define REQUIRE_IPV6()                                                                  \
    do {                                                                                \
        if (!pf::has_ipv6_loopback()) GTEST_SKIP() << "this host has no IPv6 loopback"; \
    } while (false)

// --- lifetime ---------------------------------------------------------------------------

TEST(PlatformContract, OpenAndCloseEachKind) {
    for (const auto type : {pf::socket_type::stream, pf::socket_type::datagram}) {
        std::error_code ec = std::make_error_code(std::errc::io_error);
        const pf::handle h = pf::open(pf::family::ipv4, type, ec);
        ASSERT_FALSE(ec) << ec.message();
        ASSERT_NE(h, pf::invalid_handle);
        pf::close(h, ec);
        EXPECT_FALSE(ec) << ec.message();
    }
}

TEST(PlatformContract, OpenIpv6) {
    REQUIRE_IPV6();
    owned h = open_checked(pf::family::ipv6, pf::socket_type::stream);
    EXPECT_NE(h.get(), pf::invalid_handle);
}

TEST(PlatformContract, ErrorsUseTheSocketCategory) {
    std::error_code ec;
    pf::close(pf::invalid_handle, ec);
    EXPECT_TRUE(ec) << "closing no handle is an error";
    EXPECT_EQ(ec.category(), portsock::socket_category());
    EXPECT_FALSE(ec.message().empty());

    pf::set_option(pf::invalid_handle, pf::option::keep_alive, 1, ec);
    EXPECT_TRUE(ec);
    EXPECT_EQ(ec.category(), portsock::socket_category());
}

// --- connection set-up ------------------------------------------------------------------

TEST(PlatformContract, ConnectAcceptAndAddresses) {
    connection c = connect_loopback();
    EXPECT_NE(c.server.at.port, 0) << "port 0 was replaced";
    std::error_code ec;
    const pf::address client_local = pf::local_address(c.client.get(), ec);
    ASSERT_FALSE(ec);
    EXPECT_TRUE(same_address(c.peer, client_local)) << "accept() reports the client";
    EXPECT_TRUE(same_address(pf::peer_address(c.client.get(), ec), c.server.at));
    EXPECT_FALSE(ec);
    EXPECT_TRUE(same_address(pf::peer_address(c.accepted.get(), ec), client_local));
    EXPECT_TRUE(same_address(pf::local_address(c.accepted.get(), ec), c.server.at));
}

TEST(PlatformContract, AcceptWithoutPeerPointer) {
    listener l = listen_loopback();
    owned client = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::connect(client.get(), l.at, ec);
    ASSERT_FALSE(ec) << ec.message();
    owned accepted(pf::accept(l.handle.get(), nullptr, ec));
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(accepted.get(), pf::invalid_handle);
}

TEST(PlatformContract, Ipv6ConnectAccept) {
    REQUIRE_IPV6();
    connection c = connect_loopback(pf::family::ipv6);
    EXPECT_EQ(c.peer.fam, pf::family::ipv6);
    EXPECT_EQ(c.server.at.fam, pf::family::ipv6);
}

TEST(PlatformContract, BlockingConnectRefused) {
    const pf::address nobody = closed_port();
    owned client = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::connect(client.get(), nobody, ec);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_EQ(ec.category(), portsock::socket_category());
}

TEST(PlatformContract, PendingErrorAfterRefusedNonBlockingConnect) {
    const pf::address nobody = closed_port();
    owned client = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::set_non_blocking(client.get(), true, ec);
    ASSERT_FALSE(ec) << ec.message();
    pf::connect(client.get(), nobody, ec);
    if (ec == std::errc::connection_refused)
        GTEST_SKIP() << "this OS refused at once; no pending error to read";
    ASSERT_TRUE(ec == std::errc::operation_in_progress || would_block(ec)) << ec.message();

    const unsigned ready = pf::wait(client.get(), pf::wait_writable, patience_ms, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(ready, static_cast<unsigned>(pf::wait_writable)) << "a failed connect wakes the writer";
    const std::error_code pending = pf::pending_error(client.get());
    EXPECT_EQ(pending, std::errc::connection_refused) << pending.message();
    EXPECT_EQ(pending.category(), portsock::socket_category());
    if (under_wine()) GTEST_SKIP() << "Wine does not clear SO_ERROR when it is read (Windows does)";
    EXPECT_FALSE(pf::pending_error(client.get())) << "reading the error clears it";
}

TEST(PlatformContract, PendingErrorOfAHealthySocketIsClear) {
    connection c = connect_loopback();
    EXPECT_FALSE(pf::pending_error(c.client.get()));
    EXPECT_FALSE(pf::pending_error(c.accepted.get()));
}

TEST(PlatformContract, NonBlockingConnectSucceeds) {
    listener l = listen_loopback();
    owned client = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::set_non_blocking(client.get(), true, ec);
    pf::connect(client.get(), l.at, ec);
    if (ec) {
        ASSERT_TRUE(ec == std::errc::operation_in_progress || would_block(ec)) << ec.message();
        EXPECT_EQ(pf::wait(client.get(), pf::wait_writable, patience_ms, ec),
                  static_cast<unsigned>(pf::wait_writable));
        EXPECT_FALSE(pf::pending_error(client.get()));
    }
    EXPECT_TRUE(same_address(pf::peer_address(client.get(), ec), l.at));
    EXPECT_FALSE(ec) << ec.message();
}

TEST(PlatformContract, BindingALivePortIsAddressInUse) {
    listener first = listen_loopback();
    owned second = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::set_option(second.get(), pf::option::reuse_address, 1, ec);
    ASSERT_FALSE(ec) << ec.message();
    pf::bind(second.get(), first.at, ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << "reuse_address never shares a live port: " << ec.message();
}

TEST(PlatformContract, UnspecifiedFamilyAddressIsRejected) {
    owned h = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::bind(h.get(), pf::address{}, ec);
    EXPECT_TRUE(ec) << "an address of no family cannot be bound";
}

TEST(PlatformContract, NonBlockingAcceptWouldBlockAndAcceptedHandleBlocks) {
    listener l = listen_loopback();
    std::error_code ec;
    pf::set_non_blocking(l.handle.get(), true, ec);
    ASSERT_FALSE(ec);
    (void)pf::accept(l.handle.get(), nullptr, ec);
    EXPECT_TRUE(would_block(ec)) << ec.message();

    owned client = open_checked(pf::family::ipv4, pf::socket_type::stream);
    pf::connect(client.get(), l.at, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(pf::wait(l.handle.get(), pf::wait_readable, patience_ms, ec),
              static_cast<unsigned>(pf::wait_readable));
    owned accepted(pf::accept(l.handle.get(), nullptr, ec));
    ASSERT_FALSE(ec) << ec.message();

    // A new handle is blocking even if its listener is not (BSD and macOS would otherwise
    // pass O_NONBLOCK on): a receive waits for the byte sent a little later.
    std::thread late_sender([&] {
        std::this_thread::sleep_for(100ms);
        std::error_code send_ec;
        pf::send(client.get(), "!", 1, send_ec);
    });
    char byte = 0;
    const std::size_t n = pf::receive(accepted.get(), &byte, 1, ec);
    late_sender.join();
    EXPECT_FALSE(ec) << ec.message() << " (would-block means the accepted handle was non-blocking)";
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(byte, '!');
}

TEST(PlatformContract, ShutdownOfAnUnconnectedSocketIsNotConnected) {
    owned h = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    pf::shutdown(h.get(), pf::shutdown_how::both, ec);
    EXPECT_EQ(ec, std::errc::not_connected) << ec.message();
    (void)pf::peer_address(h.get(), ec);
    EXPECT_EQ(ec, std::errc::not_connected) << ec.message();
}

// --- data -------------------------------------------------------------------------------

TEST(PlatformContract, SendReceiveAndEndOfStream) {
    connection c = connect_loopback();
    std::error_code ec;
    EXPECT_EQ(pf::send(c.client.get(), "hello", 5, ec), 5u);
    EXPECT_FALSE(ec);
    char buffer[16];
    std::size_t got = 0;
    for (int i = 0; i < 5 && got < 5; ++i) {
        got += pf::receive(c.accepted.get(), buffer + got, sizeof buffer - got, ec);
        ASSERT_FALSE(ec) << ec.message();
    }
    EXPECT_EQ(std::string(buffer, got), "hello");

    pf::shutdown(c.client.get(), pf::shutdown_how::send, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(pf::receive(c.accepted.get(), buffer, sizeof buffer, ec), 0u);
    EXPECT_FALSE(ec) << "0 with no error is end of stream";
}

TEST(PlatformContract, NonBlockingReceiveWouldBlock) {
    connection c = connect_loopback();
    std::error_code ec;
    pf::set_non_blocking(c.client.get(), true, ec);
    ASSERT_FALSE(ec);
    char byte;
    EXPECT_EQ(pf::receive(c.client.get(), &byte, 1, ec), 0u);
    EXPECT_TRUE(would_block(ec)) << ec.message();
    // And back to blocking: wait() then receive() works as usual.
    pf::set_non_blocking(c.client.get(), false, ec);
    EXPECT_FALSE(ec);
}

TEST(PlatformContract, SendToAClosedPeerIsAnErrorNotASignal) {
    connection c = connect_loopback();
    c.accepted.reset();
    const std::vector<char> chunk(64 * 1024, 'x');
    std::error_code ec;
    for (int i = 0; i < 1000 && !ec; ++i) (void)pf::send(c.client.get(), chunk.data(), chunk.size(), ec);
    ASSERT_TRUE(ec) << "1000 sends to a closed peer succeeded";
    EXPECT_TRUE(ec == std::errc::broken_pipe || ec == std::errc::connection_reset) << ec.message();
}

TEST(PlatformContract, DatagramRoundTrip) {
    for (const auto fam : {pf::family::ipv4, pf::family::ipv6}) {
        if (fam == pf::family::ipv6 && !pf::has_ipv6_loopback()) continue;
        SCOPED_TRACE(fam == pf::family::ipv4 ? "IPv4" : "IPv6");
        owned a = open_checked(fam, pf::socket_type::datagram);
        owned b = open_checked(fam, pf::socket_type::datagram);
        std::error_code ec;
        pf::bind(a.get(), loopback(fam), ec);
        pf::bind(b.get(), loopback(fam), ec);
        ASSERT_FALSE(ec) << ec.message();
        const pf::address a_at = pf::local_address(a.get(), ec);
        const pf::address b_at = pf::local_address(b.get(), ec);

        EXPECT_EQ(pf::send_to(a.get(), "datagram", 8, b_at, ec), 8u);
        ASSERT_FALSE(ec) << ec.message();
        ASSERT_EQ(pf::wait(b.get(), pf::wait_readable, patience_ms, ec),
                  static_cast<unsigned>(pf::wait_readable));
        char buffer[8];  // exactly the datagram's size: no truncation
        pf::address from;
        EXPECT_EQ(pf::receive_from(b.get(), buffer, sizeof buffer, &from, ec), 8u);
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(std::string(buffer, 8), "datagram");
        EXPECT_TRUE(same_address(from, a_at));
    }
}

TEST(PlatformContract, ReceiveFromTruncationIsMessageSize) {
    owned a = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    owned b = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    std::error_code ec;
    pf::bind(a.get(), loopback(pf::family::ipv4), ec);
    pf::bind(b.get(), loopback(pf::family::ipv4), ec);
    ASSERT_FALSE(ec);
    const pf::address a_at = pf::local_address(a.get(), ec);
    const pf::address b_at = pf::local_address(b.get(), ec);

    std::vector<char> big(100);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    ASSERT_EQ(pf::send_to(a.get(), big.data(), big.size(), b_at, ec), big.size());
    char small[10] = {};
    pf::address from;
    EXPECT_EQ(pf::receive_from(b.get(), small, sizeof small, &from, ec), 10u) << "the bytes copied";
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    EXPECT_EQ(std::memcmp(small, big.data(), sizeof small), 0);
    EXPECT_TRUE(same_address(from, a_at)) << "the sender is reported with the error";

    // Without a sender pointer too.
    ASSERT_EQ(pf::send_to(a.get(), big.data(), big.size(), b_at, ec), big.size());
    EXPECT_EQ(pf::receive_from(b.get(), small, sizeof small, nullptr, ec), 10u);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
}

// --- readiness --------------------------------------------------------------------------

TEST(PlatformContract, WaitTimesOut) {
    connection c = connect_loopback();
    std::error_code ec = std::make_error_code(std::errc::io_error);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_readable, 150, ec), static_cast<unsigned>(pf::wait_none));
    const auto elapsed = elapsed_since(start);
    EXPECT_FALSE(ec) << "a timeout is not an error for wait(): " << ec.message();
    EXPECT_GE(elapsed, 135ms);
    EXPECT_LT(elapsed, 3150ms);

    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_readable, 0, ec), static_cast<unsigned>(pf::wait_none));
    EXPECT_FALSE(ec);
}

TEST(PlatformContract, WaitReportsReadiness) {
    connection c = connect_loopback();
    std::error_code ec;
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_writable, patience_ms, ec),
              static_cast<unsigned>(pf::wait_writable))
        << "a fresh connection has room to send";
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_none, 0, ec), static_cast<unsigned>(pf::wait_none))
        << "no interest, nothing reported";

    ASSERT_EQ(pf::send(c.accepted.get(), "x", 1, ec), 1u);
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_readable, patience_ms, ec),
              static_cast<unsigned>(pf::wait_readable));
    EXPECT_FALSE(ec);
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_readable | pf::wait_writable, patience_ms, ec),
              static_cast<unsigned>(pf::wait_readable | pf::wait_writable));
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_readable, -1, ec), static_cast<unsigned>(pf::wait_readable))
        << "an infinite wait on a ready handle returns at once";
}

TEST(PlatformContract, WaitWakesOnHangUp) {
    connection c = connect_loopback();
    c.accepted.reset();
    std::error_code ec;
    EXPECT_EQ(pf::wait(c.client.get(), pf::wait_readable, patience_ms, ec),
              static_cast<unsigned>(pf::wait_readable));
    EXPECT_FALSE(ec) << ec.message();
    char byte;
    EXPECT_EQ(pf::receive(c.client.get(), &byte, 1, ec), 0u);
    EXPECT_FALSE(ec) << "the peer closed cleanly: end of stream";
}

TEST(PlatformContract, WaitWakesAnotherThreadsReceiver) {
    connection c = connect_loopback();
    std::thread late_sender([&] {
        std::this_thread::sleep_for(50ms);
        std::error_code send_ec;
        pf::send(c.accepted.get(), "!", 1, send_ec);
    });
    std::error_code ec;
    const unsigned ready = pf::wait(c.client.get(), pf::wait_readable, patience_ms, ec);
    late_sender.join();
    EXPECT_EQ(ready, static_cast<unsigned>(pf::wait_readable));
    EXPECT_FALSE(ec);
}

TEST(PlatformContract, WaitAnyReportsEachReadyHandle) {
    connection quiet = connect_loopback();
    connection busy = connect_loopback();
    std::error_code ec = std::make_error_code(std::errc::io_error);
    pf::wait_entry entries[2] = {{quiet.client.get(), pf::wait_readable, 7},
                                 {busy.client.get(), pf::wait_readable, 7}};
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(pf::wait_any(entries, 2, 150, ec), 0u);
    EXPECT_GE(elapsed_since(start), 135ms);
    EXPECT_FALSE(ec) << "a timeout is not an error: " << ec.message();
    EXPECT_EQ(entries[0].ready, static_cast<unsigned>(pf::wait_none)) << "ready is reset on every call";

    ASSERT_EQ(pf::send(busy.accepted.get(), "x", 1, ec), 1u);
    EXPECT_EQ(pf::wait_any(entries, 2, patience_ms, ec), 1u);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(entries[0].ready, static_cast<unsigned>(pf::wait_none));
    EXPECT_EQ(entries[1].ready, static_cast<unsigned>(pf::wait_readable));

    // A hang-up wakes the awaited direction; a refused connect wakes writable.
    quiet.accepted.reset();
    owned refused = open_checked(pf::family::ipv4, pf::socket_type::stream);
    pf::set_non_blocking(refused.get(), true, ec);
    pf::connect(refused.get(), closed_port(), ec);
    pf::wait_entry more[2] = {{quiet.client.get(), pf::wait_readable, 0},
                              {refused.get(), pf::wait_writable, 0}};
    for (int round = 0; round < 50 && (more[0].ready == 0 || more[1].ready == 0); ++round)
        pf::wait_any(more, 2, patience_ms, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(more[0].ready, static_cast<unsigned>(pf::wait_readable));
    EXPECT_EQ(more[1].ready, static_cast<unsigned>(pf::wait_writable));
    EXPECT_EQ(pf::pending_error(refused.get()), std::errc::connection_refused);
}

TEST(PlatformContract, WaitAnyRejectsTooManyEntriesAndBadHandles) {
    std::error_code ec;
    static pf::wait_entry many[pf::wait_any_capacity + 1];
    EXPECT_EQ(pf::wait_any(many, pf::wait_any_capacity + 1, 0, ec), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument) << ec.message();

    owned closed = open_checked(pf::family::ipv4, pf::socket_type::stream);
    pf::wait_entry stale{closed.get(), pf::wait_readable, 0};
    closed.reset();  // the handle no longer names a socket
    EXPECT_EQ(pf::wait_any(&stale, 1, 100, ec), 0u);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor) << ec.message();
}

// --- options ----------------------------------------------------------------------------

TEST(PlatformContract, BooleanOptionsRoundTrip) {
    connection c = connect_loopback();
    owned udp = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    const struct {
        pf::handle h;
        pf::option opt;
        const char* name;
    } cases[] = {
        {c.client.get(), pf::option::no_delay, "no_delay"},
        {c.client.get(), pf::option::keep_alive, "keep_alive"},
        {c.client.get(), pf::option::reuse_address, "reuse_address"},
        {udp.get(), pf::option::broadcast, "broadcast"},
    };
    for (const auto& each : cases) {
        SCOPED_TRACE(each.name);
        std::error_code ec;
        for (const int value : {1, 0, 1}) {
            pf::set_option(each.h, each.opt, value, ec);
            ASSERT_FALSE(ec) << ec.message();
            EXPECT_EQ(pf::get_option(each.h, each.opt, ec) != 0, value != 0);
            EXPECT_FALSE(ec) << ec.message();
        }
    }
}

TEST(PlatformContract, V6OnlyRoundTrip) {
    REQUIRE_IPV6();
    owned h = open_checked(pf::family::ipv6, pf::socket_type::stream);
    std::error_code ec;
    for (const int value : {1, 0}) {
        pf::set_option(h.get(), pf::option::v6_only, value, ec);
        ASSERT_FALSE(ec) << ec.message();
        EXPECT_EQ(pf::get_option(h.get(), pf::option::v6_only, ec) != 0, value != 0);
    }
}

TEST(PlatformContract, Ipv6SocketsOpenIpv6Only) {
    // One rule on every port (family_rule.hpp): IPV6_V6ONLY is on whatever the OS default.
    if (!pf::has_ipv6_loopback()) GTEST_SKIP() << "this host has no IPv6 loopback";
    for (const pf::socket_type type : {pf::socket_type::stream, pf::socket_type::datagram}) {
        owned h = open_checked(pf::family::ipv6, type);
        std::error_code ec;
        EXPECT_EQ(pf::get_option(h.get(), pf::option::v6_only, ec), 1);
        EXPECT_FALSE(ec) << ec.message();
    }
}

TEST(PlatformContract, BufferSizesAreAtLeastWhatWasAsked) {
    owned h = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    for (const auto opt : {pf::option::receive_buffer, pf::option::send_buffer}) {
        pf::set_option(h.get(), opt, 64 * 1024, ec);
        ASSERT_FALSE(ec) << ec.message();
        EXPECT_GE(pf::get_option(h.get(), opt, ec), 64 * 1024) << "some OSes double it, none shrink it";
        EXPECT_FALSE(ec);
    }
}

// The options beyond the basic seven (family-dependent, keep-alive timing, ...): each either works on this
// port (has_option() says so) or reports operation_not_supported from both set and get, never a silent
// success.
TEST(PlatformContract, EachNewOptionWorksOrIsUnsupported) {
    owned tcp = open_checked(pf::family::ipv4, pf::socket_type::stream);
    owned udp = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    const pf::option options[] = {pf::option::reuse_port,          pf::option::unicast_hops,
                                  pf::option::traffic_class,       pf::option::keep_alive_idle,
                                  pf::option::keep_alive_interval, pf::option::keep_alive_count,
                                  pf::option::multicast_hops,      pf::option::multicast_loop,
                                  pf::option::share_address,       pf::option::receive_destination};
    for (const pf::option opt : options) {
        const bool on_tcp = opt == pf::option::keep_alive_idle || opt == pf::option::keep_alive_interval ||
                            opt == pf::option::keep_alive_count;
        const pf::handle h = on_tcp ? tcp.get() : udp.get();
        std::error_code ec;
        const int value = pf::get_option(h, opt, ec);
        SCOPED_TRACE(static_cast<int>(opt));
        if (!pf::has_option(opt)) {
            EXPECT_EQ(ec, std::errc::operation_not_supported) << ec.message();
            pf::set_option(h, opt, 1, ec);
            EXPECT_EQ(ec, std::errc::operation_not_supported) << ec.message();
            continue;
        }
        ASSERT_FALSE(ec) << ec.message();
        pf::set_option(h, opt, value, ec);
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(pf::get_option(h, opt, ec), value);
    }
}

TEST(PlatformContract, FamilyDependentOptionsFollowTheSocket) {
    owned v4 = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    std::error_code ec;
    pf::set_option(v4.get(), pf::option::unicast_hops, 44, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(pf::get_option(v4.get(), pf::option::unicast_hops, ec), 44);
    pf::get_option(v4.get(), pf::option::v6_only, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "IPV6_V6ONLY on an IPv4 socket";
    REQUIRE_IPV6();
    owned v6 = open_checked(pf::family::ipv6, pf::socket_type::datagram);
    pf::set_option(v6.get(), pf::option::unicast_hops, 33, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(pf::get_option(v6.get(), pf::option::unicast_hops, ec), 33);
    EXPECT_EQ(pf::get_option(v4.get(), pf::option::unicast_hops, ec), 44) << "the IPv4 socket is untouched";
}

TEST(PlatformContract, LingerRoundTrip) {
    owned h = open_checked(pf::family::ipv4, pf::socket_type::stream);
    std::error_code ec;
    EXPECT_FALSE(pf::get_linger(h.get(), ec).on);
    ASSERT_FALSE(ec) << ec.message();
    pf::set_linger(h.get(), {true, 3}, ec);
    ASSERT_FALSE(ec) << ec.message();
    const pf::linger_setting got = pf::get_linger(h.get(), ec);
    EXPECT_TRUE(got.on);
    EXPECT_EQ(got.seconds, 3);
    pf::set_linger(h.get(), {}, ec);
    EXPECT_FALSE(pf::get_linger(h.get(), ec).on);
}

// --- addresses --------------------------------------------------------------------------

std::string format(const pf::address& a) {
    char buffer[128];
    const std::size_t n = pf::format_address(a, buffer, sizeof buffer);
    EXPECT_LT(n, sizeof buffer);
    return std::string(buffer, n);
}

TEST(PlatformContract, ParseAndFormatAddresses) {
    const char* const texts[] = {"127.0.0.1", "0.0.0.0",     "255.255.255.255", "::1",
                                 "::",        "2001:db8::1", "fe80::1",         "::ffff:127.0.0.1"};
    for (const char* text : texts) {
        SCOPED_TRACE(text);
        pf::address a;
        ASSERT_TRUE(pf::parse_address(text, a));
        EXPECT_EQ(format(a), text);
        EXPECT_EQ(a.port, 0);
    }
    pf::address v4;
    ASSERT_TRUE(pf::parse_address("192.0.2.33", v4));
    EXPECT_EQ(v4.fam, pf::family::ipv4);
    EXPECT_EQ(v4.bytes[0], 192);
    EXPECT_EQ(v4.bytes[3], 33);
    pf::address scoped;
    ASSERT_TRUE(pf::parse_address("fe80::1", scoped));
    scoped.scope_id = 7;
    EXPECT_EQ(format(scoped), "fe80::1%7") << "the scope id prints after a %";
}

TEST(PlatformContract, InterfaceIndex) {
    std::error_code ec = std::make_error_code(std::errc::io_error);
    EXPECT_EQ(pf::interface_index("no-such-interface-9", ec), 0u);
    EXPECT_FALSE(ec) << "an unknown name is not a failure of the lookup: " << ec.message();
    EXPECT_EQ(pf::interface_index(std::string(300, 'x').c_str(), ec), 0u);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(PlatformContract, ParseRejectsNonAddresses) {
    for (const char* text : {"", "256.0.0.1", "1.2.3", "::g", " ::1", "::1 ", "[::1]", "1.2.3.4:80",
                             "localhost", "fe80::1%1", "fe80::1%", "1.2.3.4%1"}) {
        SCOPED_TRACE(text);
        pf::address a;
        a.port = 77;
        EXPECT_FALSE(pf::parse_address(text, a));
    }
    const std::string overlong(300, 'f');
    pf::address a;
    EXPECT_FALSE(pf::parse_address(overlong.c_str(), a));
}

TEST(PlatformContract, FormatIntoSmallBuffers) {
    pf::address a;
    ASSERT_TRUE(pf::parse_address("fe80::1", a));
    a.scope_id = 12345;
    char buffer[12];
    for (std::size_t size = 1; size <= sizeof buffer; ++size) {
        SCOPED_TRACE(size);
        std::memset(buffer, '#', sizeof buffer);
        const std::size_t n = pf::format_address(a, buffer, size);
        ASSERT_LT(n, size) << "room is left for the terminator";
        EXPECT_EQ(buffer[n], '\0');
        EXPECT_EQ(std::strlen(buffer), n);
        for (std::size_t i = size; i < sizeof buffer; ++i) EXPECT_EQ(buffer[i], '#') << "wrote past the end";
    }
    char none = '#';
    EXPECT_EQ(pf::format_address(a, &none, 0), 0u);
    EXPECT_EQ(none, '#');
    EXPECT_EQ(pf::format_address(pf::address{}, buffer, sizeof buffer), 0u) << "no family, no text";
}

TEST(PlatformContract, ResolveLocalhost) {
    std::vector<pf::address> found;
    std::error_code ec;
    pf::resolve("localhost", "8080", pf::family::unspecified, pf::socket_type::stream, found, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_FALSE(found.empty());
    for (const pf::address& a : found) {
        EXPECT_TRUE(a.fam == pf::family::ipv4 || a.fam == pf::family::ipv6);
        EXPECT_EQ(a.port, 8080);
    }
    pf::resolve("127.0.0.1", "53", pf::family::ipv4, pf::socket_type::datagram, found, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_TRUE(same_address(found[0], loopback(pf::family::ipv4, 53)));
}

TEST(PlatformContract, ResolveErrorsAreResolverErrors) {
    std::vector<pf::address> found;
    std::error_code ec;
    pf::resolve("nonexistent.invalid", "80", pf::family::unspecified, pf::socket_type::stream, found, ec);
    EXPECT_EQ(ec.category(), portsock::resolver_category()) << ec.category().name() << ": " << ec.message();
    EXPECT_TRUE(ec == portsock::resolve_errc::host_not_found || ec == portsock::resolve_errc::try_again)
        << ec.message();
    EXPECT_TRUE(found.empty());
}

// --- capabilities -----------------------------------------------------------------------

TEST(PlatformContract, Ipv6LoopbackAnswerIsTrue) {
    std::error_code ec;
    owned h(pf::open(pf::family::ipv6, pf::socket_type::stream, ec));
    if (!ec) pf::bind(h.get(), loopback(pf::family::ipv6), ec);
    EXPECT_EQ(pf::has_ipv6_loopback(), !ec) << ec.message();
}

// --- poller: closed handles -------------------------------------------------------------

// A UDP socket on loopback with one datagram queued: readable.
owned readable_datagram_socket(const owned& sender) {
    owned h = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    std::error_code ec;
    pf::bind(h.get(), loopback(pf::family::ipv4), ec);
    const pf::address at = pf::local_address(h.get(), ec);
    pf::send_to(sender.get(), "x", 1, at, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(pf::wait(h.get(), pf::wait_readable, patience_ms, ec) & pf::wait_readable, 0u);
    return h;
}

// The tokens of every event within a few short waits.
std::vector<std::uint64_t> tokens_of_waits(pf::poller_state* p, int waits) {
    std::vector<std::uint64_t> tokens;
    pf::poller_event events[8];
    for (int i = 0; i < waits; ++i) {
        std::error_code ec;
        const std::size_t n = pf::poller_wait(p, events, 8, 20, ec);
        EXPECT_FALSE(ec) << ec.message();
        for (std::size_t k = 0; k < n; ++k) tokens.push_back(events[k].token);
    }
    return tokens;
}

bool contains(const std::vector<std::uint64_t>& tokens, std::uint64_t token) {
    return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

// A poller of one backend watching one readable datagram socket (token 1), and the socket
// that feeds it.
struct watched_socket {
    pf::poller_state* p = nullptr;
    owned sender = open_checked(pf::family::ipv4, pf::socket_type::datagram);
    owned old_socket = readable_datagram_socket(sender);

    explicit watched_socket(pf::poller_choice which) {
        std::error_code ec;
        p = pf::poller_create(which, ec);
        EXPECT_FALSE(ec) << ec.message();
        if (p) pf::poller_add(p, old_socket.get(), pf::wait_readable, 1, ec);
        EXPECT_FALSE(ec) << ec.message();
    }
    ~watched_socket() { pf::poller_destroy(p); }
    watched_socket(const watched_socket&) = delete;
    watched_socket& operator=(const watched_socket&) = delete;

    // After old_socket was closed: a new readable socket (POSIX: the same descriptor) can
    // be added with token 2, and only token 2 is ever reported.
    void expect_only_a_new_socket_reported() {
        owned fresh = readable_datagram_socket(sender);
        std::error_code ec;
        pf::poller_add(p, fresh.get(), pf::wait_readable, 2, ec);
        EXPECT_FALSE(ec) << ec.message();
        const std::vector<std::uint64_t> tokens = tokens_of_waits(p, 3);
        EXPECT_FALSE(contains(tokens, 1)) << "an event under the closed handle's token";
        EXPECT_TRUE(contains(tokens, 2));
    }
};

// Every poller test runs against both of the port's backends (scalable: epoll or AFD;
// portable: poll() or WSAPoll), so both ports register the same tests.
class PlatformPoller : public testing::TestWithParam<pf::poller_choice> {
protected:
    void SetUp() override {
        if (GetParam() != pf::poller_choice::scalable) return;
        std::error_code ec;
        pf::poller_destroy(pf::poller_create(pf::poller_choice::scalable, ec));
        if (ec == std::errc::operation_not_supported)
            GTEST_SKIP()
                << "no scalable poller on this port (no epoll: macOS, the BSDs, the posix-generic build)";
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, PlatformPoller,
                         testing::Values(pf::poller_choice::scalable, pf::poller_choice::portable),
                         [](const testing::TestParamInfo<pf::poller_choice>& param) {
                             return param.param == pf::poller_choice::scalable ? "scalable" : "portable";
                         });

TEST_P(PlatformPoller, NamesItsBackend) {
    std::error_code ec;
    pf::poller_state* p = pf::poller_create(GetParam(), ec);
    ASSERT_FALSE(ec) << ec.message();
    const std::string name = pf::poller_backend(p);
    pf::poller_destroy(p);
    if (GetParam() == pf::poller_choice::scalable) {
        EXPECT_TRUE(name == "epoll" || name == "AFD") << name;
    } else {
        EXPECT_TRUE(name == "poll" || name ==
                                          "W"
                                          "SAPoll")
            << name;
    }
}

TEST_P(PlatformPoller, ForgetsAClosedHandleAndItsValueCanBeAddedAgain) {
    watched_socket w(GetParam());
    ASSERT_NE(w.p, nullptr);
    EXPECT_TRUE(contains(tokens_of_waits(w.p, 1), 1));
    pf::poller_forget(w.old_socket.get());  // as basic_socket::close() does
    w.old_socket.reset();
    w.expect_only_a_new_socket_reported();
}

TEST_P(PlatformPoller, DropsAHandleClosedWithoutForgetAtWaitTime) {
    watched_socket w(GetParam());
    ASSERT_NE(w.p, nullptr);
    w.old_socket.reset();  // no poller_forget(): the poller learns of it only by waiting
    EXPECT_FALSE(contains(tokens_of_waits(w.p, 2), 1)) << "an event under the closed handle's token";
    w.expect_only_a_new_socket_reported();
}

TEST(PlatformContract, PortNameIsKnown) {
    const std::string name = pf::port_name();
    EXPECT_TRUE(name.rfind("posix", 0) == 0 || name.rfind("win32", 0) == 0) << name;
}

}  // namespace
