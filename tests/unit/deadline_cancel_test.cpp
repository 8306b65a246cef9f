// A deadline is a deadline, and cancel() ends every blocked call with operation_canceled
// and no data (issue 20, items 4 and 6). The cases the first tests missed: a socket that
// polls writable while its send keeps saying would-block (a Unix datagram socket sending
// to a full receiver, on Linux), a send the OS puts to sleep on the receiver's queue, and
// a batch receive that cancel() woke with an empty datagram. Loopback and private
// temporary directories only; every wait is bounded.
#include "local_support.hpp"

#include <portsock/local.hpp>
#include <portsock/udp.hpp>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

namespace {

using portsock::local_address;
using portsock::local_datagram;
using portsock::udp_socket;
using portsock_test::overrun;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::temp_dir;
using namespace std::chrono_literals;

const portsock::timeout untimed = portsock::timeout::infinite();

/// Sends with a 0 ms limit until the receiver at `to` takes no more: true once a send
/// timed out (bounded: the receiver's queue holds far fewer datagrams than this).
bool fill_receiver(local_datagram& sender, const local_address& to) {
    const std::string datagram(512, 'x');
    for (int i = 0; i < 100000; ++i) {
        std::error_code ec;
        (void)sender.send_to(datagram.data(), datagram.size(), to, ec, 0ms);
        if (ec == std::errc::timed_out) return true;
        if (ec) {
            ADD_FAILURE() << "filling the receiver: " << ec.message();
            return false;
        }
    }
    ADD_FAILURE() << "the receiver took 100000 datagrams and never filled";
    return false;
}

/// Runs `call` (the error_code of one blocking call) in a thread, cancels `socket` once it
/// has had time to block, and returns the call's error; aborts if cancel() does not wake it.
template <class Call>
std::error_code cancel_while_blocked(portsock::basic_socket& socket, Call call) {
    std::promise<std::error_code> outcome;
    std::future<std::error_code> done = outcome.get_future();
    std::thread blocked([&] { outcome.set_value(call()); });
    EXPECT_NE(done.wait_for(200ms), std::future_status::ready) << "the call returned before cancel()";
    const stopwatch clock;
    socket.cancel();
    if (done.wait_for(patience) != std::future_status::ready) {
        std::fprintf(stderr, "FATAL: cancel() did not wake the blocked call within %lld ms\n",
                     static_cast<long long>(patience.count()));
        std::abort();  // a blocked thread cannot be joined: fail loudly, at once
    }
    blocked.join();
    EXPECT_LT(clock.elapsed(), overrun) << "the blocked call returned, but late";
    return done.get();
}

// --- item 6: a deadline is a deadline ---------------------------------------------------

TEST(Deadline, SendToAFullLocalReceiverEndsAtTheDeadline) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("full.sock")};
    local_datagram receiver(at);
    local_datagram sender = local_datagram::open();
    ASSERT_TRUE(fill_receiver(sender, at));  // with 0 ms: each of these sends ended too
    for (const auto limit : {0ms, 1ms, 150ms}) {
        std::error_code ec;
        const stopwatch watch;
        EXPECT_EQ(sender.send_to("y", 1, at, ec, limit), 0u);
        EXPECT_EQ(ec, std::errc::timed_out) << limit.count() << " ms: " << ec.message();
        portsock_test::expect_waited(watch.elapsed(), limit);
    }
    char buffer[512];
    EXPECT_EQ(receiver.receive(buffer, sizeof buffer, patience), sizeof buffer)
        << "the queued datagrams are intact";
    EXPECT_EQ(sender.send_to("y", 1, at, 0ms), 1u) << "one datagram read: room for one more";
}

TEST(Deadline, ConnectedSendToAFullLocalReceiverEndsAtTheDeadline) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("full.sock")};
    local_datagram receiver(at);
    local_datagram sender = local_datagram::open();
    sender.connect(at);
    ASSERT_TRUE(fill_receiver(sender, at));
    std::error_code ec;
    const stopwatch watch;
    EXPECT_EQ(sender.send("y", 1, ec, 150ms), 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    portsock_test::expect_waited(watch.elapsed(), 150ms);
    EXPECT_EQ(portsock_test::catch_system_error([&] { (void)sender.send("y", 1, 0ms); }).code,
              std::errc::timed_out);
}

// --- item 4: cancel() ends every blocked call, and reports only that -------------------

TEST(Cancel, UntimedSendToAFullLocalReceiverIsWoken) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("full.sock")};
    local_datagram receiver(at);
    local_datagram sender = local_datagram::open();
    ASSERT_TRUE(fill_receiver(sender, at));
    const std::error_code ec = cancel_while_blocked(sender, [&] {
        std::error_code e;
        EXPECT_EQ(sender.send_to("y", 1, at, e, untimed), 0u);
        return e;
    });
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
}

TEST(Cancel, UntimedConnectedSendToAFullLocalReceiverIsWoken) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("full.sock")};
    local_datagram receiver(at);
    local_datagram sender = local_datagram::open();
    sender.connect(at);
    ASSERT_TRUE(fill_receiver(sender, at));
    for (const portsock::timeout limit : {untimed, portsock::timeout(10min)}) {
        if (limit.is_infinite()) {
            const std::error_code ec = cancel_while_blocked(sender, [&] {
                std::error_code e;
                EXPECT_EQ(sender.send("y", 1, e, limit), 0u);
                return e;
            });
            EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
        } else {  // after cancel(), a timed send fails at once the same way
            std::error_code e;
            EXPECT_EQ(sender.send("y", 1, e, limit), 0u);
            EXPECT_EQ(e, std::errc::operation_canceled) << e.message();
        }
    }
}

TEST(Cancel, TimedSendToAFullLocalReceiverIsWoken) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    temp_dir dir;
    const local_address at{dir.file("full.sock")};
    local_datagram receiver(at);
    local_datagram sender = local_datagram::open();
    ASSERT_TRUE(fill_receiver(sender, at));
    const std::error_code ec = cancel_while_blocked(sender, [&] {
        std::error_code e;
        EXPECT_EQ(sender.send_to("y", 1, at, e, 10min), 0u);
        return e;
    });
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
}

TEST(Cancel, ReceiveBatchReportsCancelAndNoDatagram) {
    for (const portsock::timeout limit : {untimed, portsock::timeout(10min)}) {
        udp_socket socket(portsock_test::any_port_v4());
        char buffers[2][16];
        portsock::incoming_datagram batch[2] = {{buffers[0], 16}, {buffers[1], 16}};
        std::size_t got = 99;
        const std::error_code ec = cancel_while_blocked(socket, [&] {
            std::error_code e;
            got = socket.receive_batch(batch, 2, e, limit);
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
        EXPECT_EQ(got, 0u) << "cancel() is no datagram (it was one of 0 bytes from " << batch[0].sender
                           << ")";
        EXPECT_EQ(
            portsock_test::catch_system_error([&] { (void)socket.receive_batch(batch, 2, limit); }).code,
            std::errc::operation_canceled);
    }
}

TEST(Cancel, EveryUdpReceiveReportsCancelAndNoData) {
    for (const portsock::timeout limit : {untimed, portsock::timeout(10min)}) {
        udp_socket socket(portsock_test::any_port_v4());
        portsock::datagram_info info{99, {}};
        char buffer[16];
        const std::error_code ec = cancel_while_blocked(socket, [&] {
            std::error_code e;
            info = socket.receive_from(buffer, sizeof buffer, e, limit);
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
        EXPECT_EQ(info.size, 0u);
        std::error_code e;
        EXPECT_EQ(socket.receive(buffer, sizeof buffer, e, limit), 0u);
        EXPECT_EQ(e, std::errc::operation_canceled);
        EXPECT_EQ(socket.receive_from(16, e, limit).data, "");
        EXPECT_EQ(e, std::errc::operation_canceled);
    }
}

TEST(Cancel, LocalReceiveReportsCancelAndNoData) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    for (const portsock::timeout limit : {untimed, portsock::timeout(10min)}) {
        temp_dir dir;
        local_datagram socket(local_address{dir.file("r.sock")});
        portsock::local_datagram_info info{99, {}};
        char buffer[16];
        const std::error_code ec = cancel_while_blocked(socket, [&] {
            std::error_code e;
            info = socket.receive_from(buffer, sizeof buffer, e, limit);
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
        EXPECT_EQ(info.size, 0u);
    }
}

}  // namespace
