// portsock::async::serve(): many clients at once, each with its peer's address; the end when
// the listener is closed (after the clients still connected); a client's exception that
// cancels the rest and comes out of serve(); cancellation; accept errors that skip one
// client, and one that ends serve() after cancelling the clients. Real loopback sockets;
// the accept errors are injected by a listener whose accept() fails when the test says.
#include "local_support.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

#include <portsock/async.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace async = portsock::async;
using portsock_test::any_port_v4;
using portsock_test::patience;

// Echoes one line per client and records who came; ends when the client ends.
struct echo_handler {
    std::vector<portsock::endpoint>* peers;
    async::task<void> operator()(async::tcp_stream client, portsock::endpoint peer) const {
        peers->push_back(peer);
        return echo_lines(std::move(client));
    }
    static async::task<void> echo_lines(async::tcp_stream client) {
        async::stream_reader reader(client);
        std::string line;
        while (co_await reader.read_line(line, patience) > 0) {
            co_await client.send_all(line + "\n", patience);
            line.clear();
        }
    }
};

// One client: connects, says `text`, checks the echo, and ends its side.
async::task<void> say(portsock::endpoint server, std::string text) {
    async::stream_reader reader(co_await async::tcp_stream::connect(server, patience));
    co_await reader.stream().send_all(text + "\n", patience);
    EXPECT_EQ(co_await reader.read_line(patience), text);
    reader.stream().shutdown(portsock::shutdown_type::send);
}

// --- many clients, and the end when the listener is closed ----------------------------------

async::task<void> many_clients() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    const portsock::endpoint at = listener.socket().local_endpoint();
    std::vector<portsock::endpoint> peers;
    async::task_group group;
    group.spawn(async::serve(listener, echo_handler{&peers}));
    // A client that stays connected while the listener closes: serve() waits for it.
    async::stream_reader last(co_await async::tcp_stream::connect(at, patience));
    std::vector<async::task<void>> clients;
    for (int i = 0; i < 20; ++i) clients.push_back(say(at, "client " + std::to_string(i)));
    co_await async::when_all(std::move(clients));  // all at once, on this one thread
    EXPECT_EQ(peers.size(), 21u);
    for (const auto& peer : peers) EXPECT_TRUE(peer.address().is_loopback()) << peer;
    listener.close();
    co_await async::sleep_for(20ms);
    EXPECT_EQ(group.size(), 1u) << "serve() still runs: its last client is connected";
    co_await last.stream().send_all("still served\n", patience);
    EXPECT_EQ(co_await last.read_line(patience), "still served");
    last.stream().shutdown(portsock::shutdown_type::send);
    co_await group.join();  // serve() returns once its last client has ended
    std::error_code ec;
    co_await async::tcp_stream::connect(at, ec, 1s);
    EXPECT_TRUE(ec) << "nobody accepts once serve() has returned";
}

TEST(AsyncServe, ServesManyClientsAtOnceAndReturnsOnceTheListenerIsClosedAndTheyHaveEnded) {
    async::run(many_clients());
}

// The handler may close the listener: asyncio's Server.close() from a connection callback.
async::task<void> close_from_a_handler() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    const portsock::endpoint at = listener.socket().local_endpoint();
    int served = 0;
    auto handler = [&](async::tcp_stream client) {  // a plain lambda that returns the task
        if (++served == 3) listener.close();
        return echo_handler::echo_lines(std::move(client));
    };
    async::task_group group;
    group.spawn(async::serve(listener, handler));
    for (int i = 0; i < 3; ++i) co_await say(at, "one of three");
    co_await group.join();
    EXPECT_EQ(served, 3);
}

TEST(AsyncServe, AHandlerMayCloseTheListenerAndServeReturns) { async::run(close_from_a_handler()); }

TEST(AsyncServe, ServesLocalStreamsToo) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    const portsock::local_address at(dir.file("serve.sock"));
    async::run([](portsock::local_address path) -> async::task<void> {
        async::local_listener listener{portsock::local_listener(path)};
        int served = 0;
        async::task_group group;
        group.spawn(async::serve(listener, [&](async::local_stream client) {
            ++served;
            listener.close();
            return [](async::local_stream c) -> async::task<void> {
                co_await c.send_all("hello\n", patience);
            }(std::move(client));
        }));
        async::stream_reader reader(co_await async::local_stream::connect(path, patience));
        EXPECT_EQ(co_await reader.read_line(patience), "hello");
        co_await group.join();
        EXPECT_EQ(served, 1);
    }(at));
}

// Waits (at most `patience`) until `count` clients have reached their handler.
async::task<void> until_accepted(const int& count, int expected) {
    for (auto waited = 0ms; count < expected && waited < patience; waited += 1ms)
        co_await async::sleep_for(1ms);
    EXPECT_EQ(count, expected) << "clients accepted";
}

// --- a client that fails, and cancellation ---------------------------------------------------

// Waits for a byte that never comes, and records how the wait ended.
async::task<void> wait_for_ever(async::tcp_stream client, std::error_code* how) {
    char byte;
    co_await client.receive(&byte, 1, *how, patience);
}

// Counts the client, then waits as wait_for_ever() does.
async::task<void> count_and_wait(async::tcp_stream client, int* count, std::error_code* how) {
    ++*count;
    co_await wait_for_ever(std::move(client), how);
}

async::task<void> throw_on_second(async::tcp_stream client, int* count, std::error_code* first_ended) {
    if (++*count > 1) throw std::runtime_error("the second client's handler failed");
    co_await wait_for_ever(std::move(client), first_ended);
}

async::task<void> a_handler_throws() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    const portsock::endpoint at = listener.socket().local_endpoint();
    int count = 0;
    std::error_code first_ended;
    async::task_group group;
    group.spawn([](async::tcp_listener& l, int* counter, std::error_code* ended) -> async::task<void> {
        bool threw = false;
        try {
            co_await async::serve(
                l, [=](async::tcp_stream c) { return throw_on_second(std::move(c), counter, ended); });
        } catch (const std::runtime_error& error) {
            threw = std::string(error.what()) == "the second client's handler failed";
        }
        EXPECT_TRUE(threw) << "serve() rethrows the client's exception";
    }(listener, &count, &first_ended));
    auto first = co_await async::tcp_stream::connect(at, patience);
    co_await until_accepted(count, 1);
    auto second = co_await async::tcp_stream::connect(at, patience);
    const portsock_test::stopwatch clock;
    co_await group.join();
    EXPECT_LT(clock.elapsed(), 5s) << "the first client was cancelled, not waited for";
    EXPECT_EQ(first_ended, std::errc::operation_canceled);
    EXPECT_TRUE(listener.socket().is_open()) << "serve() leaves the listener to its owner";
}

TEST(AsyncServe, AClientsExceptionCancelsTheOthersAndComesOutOfServe) { async::run(a_handler_throws()); }

async::task<void> serve_until_cancelled(async::tcp_listener& listener, int* accepted,
                                        std::error_code* served_client, std::error_code* serve_ended) {
    try {
        co_await async::serve(listener, [=](async::tcp_stream c) {
            return count_and_wait(std::move(c), accepted, served_client);
        });
    } catch (const std::system_error& error) {
        *serve_ended = error.code();
    }
}

async::task<void> cancelled() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    std::error_code client_ended, serve_ended;
    int accepted = 0;
    async::task_group group;
    group.spawn(serve_until_cancelled(listener, &accepted, &client_ended, &serve_ended));
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    co_await until_accepted(accepted, 1);  // its handler waits
    group.cancel();
    co_await group.join();
    EXPECT_EQ(client_ended, std::errc::operation_canceled) << "the client's task was cancelled";
    EXPECT_EQ(serve_ended, std::errc::operation_canceled) << "serve() ends as a cancelled operation";
}

TEST(AsyncServe, CancellingServeCancelsEveryClientAndEndsWithOperationCanceled) { async::run(cancelled()); }

// Cancelled by run()'s stop token, from the start: serve() throws operation_canceled out of run().
TEST(AsyncServe, RunsStopTokenEndsServe) {
    std::stop_source stop;
    stop.request_stop();
    bool threw = false;
    try {
        async::run(
            []() -> async::task<void> {
                async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
                co_await async::serve(listener, [](async::tcp_stream) -> async::task<void> { co_return; });
            }(),
            stop.get_token());
    } catch (const std::system_error& error) {
        threw = error.code() == std::errc::operation_canceled;
    }
    EXPECT_TRUE(threw);
}

// --- accept errors ---------------------------------------------------------------------------

// A TCP listener whose accept() fails with `error` the next `times` times, without taking
// the queued client: what a client that reset while queued looks like on some systems, or a
// listener that broke.
struct accept_faults {
    std::error_code error;
    int times = 0;
};

class faulty_listener : public portsock::tcp_listener {
public:
    faulty_listener(portsock::tcp_listener listener, accept_faults* faults)
        : portsock::tcp_listener(std::move(listener)), faults_(faults) {}
    portsock::accepted_connection accept(std::error_code& ec) noexcept {
        return injected(ec) ? portsock::accepted_connection{} : portsock::tcp_listener::accept(ec);
    }
    // What the async accept calls: the same faults.
    portsock::accepted_connection accept_non_blocking(std::error_code& ec) noexcept {
        return injected(ec) ? portsock::accepted_connection{}
                            : portsock::tcp_listener::accept_non_blocking(ec);
    }

private:
    bool injected(std::error_code& ec) noexcept {
        if (faults_->times == 0) return false;
        --faults_->times;
        ec = faults_->error;
        return true;
    }
    accept_faults* faults_;
};

async::task<void> greet(async::tcp_stream client) { co_await client.send_all("hello\n", patience); }

async::task<void> per_connection_errors_skip_a_client() {
    accept_faults faults{std::make_error_code(std::errc::connection_aborted), 2};
    async::basic_listener<faulty_listener> listener{
        faulty_listener(portsock::tcp_listener(any_port_v4()), &faults)};
    async::task_group group;
    group.spawn(async::serve(listener, greet));
    const portsock::endpoint at = listener.socket().local_endpoint();
    for (const auto error : {std::errc::connection_aborted, std::errc::connection_reset}) {
        faults = {std::make_error_code(error), 2};
        async::stream_reader reader(co_await async::tcp_stream::connect(at, patience));
        EXPECT_EQ(co_await reader.read_line(patience), "hello")
            << "served after two " << faults.error.message();
        EXPECT_EQ(faults.times, 0);
    }
    listener.close();
    co_await group.join();
}

TEST(AsyncServe, AnAcceptErrorOfOneConnectionIsSkipped) { async::run(per_connection_errors_skip_a_client()); }

async::task<void> listener_error_ends_serve() {
    accept_faults faults;
    async::basic_listener<faulty_listener> listener{
        faulty_listener(portsock::tcp_listener(any_port_v4()), &faults)};
    const portsock::endpoint at = listener.socket().local_endpoint();
    std::error_code first_ended, serve_ended;
    int accepted = 0;
    async::task_group group;
    group.spawn([](async::basic_listener<faulty_listener>& l, int* counter, std::error_code* client,
                   std::error_code* ended) -> async::task<void> {
        try {
            co_await async::serve(
                l, [=](async::tcp_stream c) { return count_and_wait(std::move(c), counter, client); });
        } catch (const std::system_error& error) {
            *ended = error.code();
        }
    }(listener, &accepted, &first_ended, &serve_ended));
    auto first = co_await async::tcp_stream::connect(at, patience);
    co_await until_accepted(accepted, 1);  // its handler waits
    faults = {std::make_error_code(std::errc::invalid_argument), 1};
    auto second = co_await async::tcp_stream::connect(at, patience);
    co_await group.join();
    EXPECT_EQ(serve_ended, std::errc::invalid_argument) << "the listener's error comes out of serve()";
    EXPECT_EQ(first_ended, std::errc::operation_canceled) << "after the clients were cancelled";
}

TEST(AsyncServe, AnyOtherAcceptErrorEndsServeAfterCancellingTheClients) {
    async::run(listener_error_ends_serve());
}

// --- a listener that is not open -------------------------------------------------------------

// What serve() ended with, on a listener that cannot accept.
async::task<std::error_code> serve_ending(async::tcp_listener& listener) {
    try {
        co_await async::serve(listener,
                              [](async::tcp_stream c) { return echo_handler::echo_lines(std::move(c)); });
    } catch (const std::system_error& error) {
        co_return error.code();
    }
    co_return std::error_code{};
}

// A moved-from or closed listener is the caller's mistake: serve() says so (errc::not_open)
// instead of returning at once as if a server had run and ended.
async::task<void> not_open_listeners() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    async::tcp_listener moved_to = std::move(listener);
    EXPECT_EQ(co_await serve_ending(listener), portsock::errc::not_open) << "moved from";
    moved_to.close();
    EXPECT_EQ(co_await serve_ending(moved_to), portsock::errc::not_open) << "closed";
    async::tcp_listener never_opened;
    EXPECT_EQ(co_await serve_ending(never_opened), portsock::errc::not_open) << "empty";
}

TEST(AsyncServe, AListenerThatIsNotOpenIsNotOpenNotAServerThatEnded) { async::run(not_open_listeners()); }

}  // namespace
