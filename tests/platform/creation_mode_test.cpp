// The mode a handle is created in (platform::io_mode): open() and accept() give a blocking
// or a non-blocking handle as asked, whatever the listener's mode (some OSes pass the
// listener's mode on to an accepted socket), and every such handle is non-inheritable.
//
// A handle's mode is checked by what it does: a receive with nothing to read either reports
// would-block at once (non-blocking) or waits for the byte the peer sends a little later
// (blocking). Each check is bounded: the late byte always comes. Where the OS can read the
// mode back (raw::reported_non_blocking()), that is checked too.
#include "platform.hpp"
#include "raw_sockets.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace {

namespace pf = portsock::platform;
using namespace std::chrono_literals;

constexpr int patience_ms = 10000;
constexpr auto late_byte_delay = 300ms;

class owned {
public:
    explicit owned(pf::handle h = pf::invalid_handle) : h_(h) {}
    owned(owned&& other) noexcept : h_(std::exchange(other.h_, pf::invalid_handle)) {}
    owned& operator=(owned&& other) noexcept {
        std::swap(h_, other.h_);
        return *this;
    }
    owned(const owned&) = delete;
    owned& operator=(const owned&) = delete;
    ~owned() {
        std::error_code ignored;
        if (h_ != pf::invalid_handle) pf::close(h_, ignored);
    }
    pf::handle get() const { return h_; }

private:
    pf::handle h_;
};

bool would_block(const std::error_code& ec) {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

pf::address loopback_v4() {
    pf::address a;
    a.fam = pf::family::ipv4;
    a.bytes[0] = 127;
    a.bytes[3] = 1;
    return a;
}

struct listening {
    owned handle;
    pf::address at;
};

listening listen_loopback(pf::io_mode mode) {
    std::error_code ec;
    listening l{owned(pf::open(pf::family::ipv4, pf::socket_type::stream, mode, ec)), {}};
    EXPECT_FALSE(ec) << "open: " << ec.message();
    pf::bind(l.handle.get(), loopback_v4(), ec);
    EXPECT_FALSE(ec) << "bind: " << ec.message();
    pf::listen(l.handle.get(), 16, ec);
    EXPECT_FALSE(ec) << "listen: " << ec.message();
    l.at = pf::local_address(l.handle.get(), ec);
    EXPECT_FALSE(ec) << "local_address: " << ec.message();
    return l;
}

// A blocking client connected to `l`, and the handle `l` accepted for it in `mode`.
struct pair {
    owned client;
    owned accepted;
};

pair connect_and_accept(const listening& l, pf::io_mode mode) {
    std::error_code ec;
    pair p{owned(pf::open(pf::family::ipv4, pf::socket_type::stream, ec)), owned()};
    EXPECT_FALSE(ec) << "open: " << ec.message();
    pf::connect(p.client.get(), l.at, ec);
    EXPECT_FALSE(ec) << "connect: " << ec.message();
    // A non-blocking listener has the client queued once it is readable.
    EXPECT_EQ(pf::wait(l.handle.get(), pf::wait_readable, patience_ms, ec),
              static_cast<unsigned>(pf::wait_readable));
    p.accepted = owned(pf::accept(l.handle.get(), nullptr, mode, ec));
    EXPECT_FALSE(ec) << "accept: " << ec.message();
    return p;
}

enum class behaved { non_blocking, blocking, failed };

// Receives on `h` while `peer` sends one byte late: would-block at once is non-blocking,
// the byte after the delay is blocking.
behaved receive_behaviour(pf::handle h, pf::handle peer) {
    // Started before the sender's sleep, so a receive that waited for the byte waited at
    // least the delay, however the threads are scheduled.
    const auto start = std::chrono::steady_clock::now();
    std::thread late_sender([peer] {
        std::this_thread::sleep_for(late_byte_delay);
        std::error_code send_ec;
        pf::send(peer, "!", 1, send_ec);
    });
    char byte = 0;
    std::error_code ec;
    const std::size_t n = pf::receive(h, &byte, 1, ec);
    const auto waited = std::chrono::steady_clock::now() - start;
    late_sender.join();
    // A blocking handle never reports would-block: it waits for the byte.
    if (would_block(ec)) return behaved::non_blocking;
    if (!ec && n == 1 && byte == '!' && waited >= late_byte_delay) return behaved::blocking;
    ADD_FAILURE() << "receive: " << ec.message() << ", " << n << " bytes";
    return behaved::failed;
}

// Where the OS reports the mode, it must match what the handle did.
void expect_reported_mode(pf::handle h, bool non_blocking) {
    const int reported = raw::reported_non_blocking(h);
    if (reported != -1) {
        EXPECT_EQ(reported, non_blocking ? 1 : 0);
    }
}

TEST(CreationMode, OpenNonBlockingStreamConnectsAndDoesNotWait) {
    listening l = listen_loopback(pf::io_mode::blocking);
    std::error_code ec;
    owned client(pf::open(pf::family::ipv4, pf::socket_type::stream, pf::io_mode::non_blocking, ec));
    ASSERT_FALSE(ec) << ec.message();
    expect_reported_mode(client.get(), true);
    pf::connect(client.get(), l.at, ec);
    if (ec) {  // in progress: a non-blocking connect may finish later
        ASSERT_TRUE(ec == std::errc::operation_in_progress || would_block(ec)) << ec.message();
        ASSERT_TRUE(pf::wait_connect(client.get(), patience_ms, ec));
        ASSERT_FALSE(ec) << ec.message();
    }
    owned accepted(pf::accept(l.handle.get(), nullptr, ec));
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(receive_behaviour(client.get(), accepted.get()), behaved::non_blocking);
}

TEST(CreationMode, OpenBlockingStreamWaits) {
    listening l = listen_loopback(pf::io_mode::blocking);
    pair p = connect_and_accept(l, pf::io_mode::blocking);
    expect_reported_mode(p.client.get(), false);
    EXPECT_EQ(receive_behaviour(p.client.get(), p.accepted.get()), behaved::blocking);
}

TEST(CreationMode, OpenNonBlockingDatagramDoesNotWait) {
    std::error_code ec;
    owned udp(pf::open(pf::family::ipv4, pf::socket_type::datagram, pf::io_mode::non_blocking, ec));
    ASSERT_FALSE(ec) << ec.message();
    pf::bind(udp.get(), loopback_v4(), ec);
    ASSERT_FALSE(ec) << ec.message();
    const pf::address at = pf::local_address(udp.get(), ec);
    ASSERT_FALSE(ec) << ec.message();
    expect_reported_mode(udp.get(), true);
    owned sender(pf::open(pf::family::ipv4, pf::socket_type::datagram, ec));
    ASSERT_FALSE(ec) << ec.message();
    // The late datagram ends the receive if the handle were blocking after all.
    std::thread late_sender([&sender, at] {
        std::this_thread::sleep_for(late_byte_delay);
        std::error_code send_ec;
        pf::send_to(sender.get(), "!", 1, at, send_ec);
    });
    char byte = 0;
    (void)pf::receive_from(udp.get(), &byte, 1, nullptr, ec);
    late_sender.join();
    EXPECT_TRUE(would_block(ec)) << ec.message();
}

// Every combination of listener mode and accepted mode: the accepted handle is as asked.
class AcceptMode : public testing::TestWithParam<std::pair<pf::io_mode, pf::io_mode>> {};

TEST_P(AcceptMode, AcceptedHandleIsInTheModeAskedFor) {
    const auto [listener_mode, accepted_mode] = GetParam();
    listening l = listen_loopback(listener_mode);
    pair p = connect_and_accept(l, accepted_mode);
    ASSERT_NE(p.accepted.get(), pf::invalid_handle);
    const bool non_blocking = accepted_mode == pf::io_mode::non_blocking;
    expect_reported_mode(p.accepted.get(), non_blocking);
    EXPECT_EQ(receive_behaviour(p.accepted.get(), p.client.get()),
              non_blocking ? behaved::non_blocking : behaved::blocking);
}

std::string mode_name(pf::io_mode m) { return m == pf::io_mode::blocking ? "Blocking" : "NonBlocking"; }

using mode_pair = std::pair<pf::io_mode, pf::io_mode>;

std::string case_name(const testing::TestParamInfo<mode_pair>& param_info) {
    return mode_name(param_info.param.first) + "Listener" + mode_name(param_info.param.second) + "Accept";
}

INSTANTIATE_TEST_SUITE_P(ListenerThenAccepted, AcceptMode,
                         testing::Values(mode_pair{pf::io_mode::blocking, pf::io_mode::blocking},
                                         mode_pair{pf::io_mode::blocking, pf::io_mode::non_blocking},
                                         mode_pair{pf::io_mode::non_blocking, pf::io_mode::blocking},
                                         mode_pair{pf::io_mode::non_blocking, pf::io_mode::non_blocking}),
                         case_name);

TEST(CreationMode, NonBlockingAcceptWithNoClientWouldBlock) {
    listening l = listen_loopback(pf::io_mode::non_blocking);
    std::error_code ec;
    const pf::handle h = pf::accept(l.handle.get(), nullptr, pf::io_mode::non_blocking, ec);
    EXPECT_TRUE(would_block(ec)) << ec.message();
    EXPECT_EQ(h, pf::invalid_handle);
}

TEST(CreationMode, EveryModeCreatesNonInheritableHandles) {
    for (const auto mode : {pf::io_mode::blocking, pf::io_mode::non_blocking}) {
        SCOPED_TRACE(mode_name(mode));
        listening l = listen_loopback(mode);
        EXPECT_FALSE(raw::is_inheritable(l.handle.get()));
        pair p = connect_and_accept(l, mode);
        EXPECT_FALSE(raw::is_inheritable(p.client.get()));
        EXPECT_FALSE(raw::is_inheritable(p.accepted.get()));
        std::error_code ec;
        owned udp(pf::open(pf::family::ipv4, pf::socket_type::datagram, mode, ec));
        ASSERT_FALSE(ec) << ec.message();
        EXPECT_FALSE(raw::is_inheritable(udp.get()));
    }
}

}  // namespace
