// The guide "Async: coroutines on one thread": the welcome server grown into an async one,
// its client, timeouts, cancellation, task groups, when_any, and handing work to a loop
// from another thread. Compiled and run by the tests (docs_snippet_async_guide); every
// check prints what failed and exits 1.
#include <portsock/async.hpp>
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using snippet::check;
namespace async = portsock::async;

//! [welcome]
async::task<> greet(async::tcp_stream client, portsock::endpoint peer) {
    std::cout << "Connection from " << peer << " has been established!" << std::endl;
    std::error_code ec;  // a client that vanishes ends its own task, not the server
    co_await client.send_all("Welcome to the server!", ec, 5s);
}

async::task<> welcome_server(async::tcp_listener& server) {
    co_await async::serve(server, greet);  // accepts for ever; each client is a task of its own
}
//! [welcome]

//! [client]
async::task<std::string> welcome_client(std::uint16_t port) {
    auto stream =
        co_await async::connect("localhost", port, 5s);  // resolves off the loop, races ::1 and 127.0.0.1
    std::string greeting(22, '\0');
    co_await stream.receive_exact(greeting.data(), greeting.size(), 5s);
    co_return greeting;
}
//! [client]

//! [group]
async::task<std::string> serve_and_ask() {
    async::tcp_listener server{portsock::tcp_listener{"localhost", 0}};
    async::task_group group;  // join() waits for every child; a failure cancels the others
    group.spawn(welcome_server(server));
    std::string greeting = co_await welcome_client(server.socket().local_endpoint().port());
    server.close();  // serve() stops accepting, and returns once its clients have ended
    co_await group.join();
    co_return greeting;
}
//! [group]

//! [timeout]
async::task<std::error_code> silent_peer() {
    async::tcp_listener server{portsock::tcp_listener{"127.0.0.1", 0}};
    auto client = co_await async::tcp_stream::connect(server.socket().local_endpoint(), 5s);
    auto [peer, address] = co_await server.accept(5s);
    char byte;
    std::error_code ec;
    co_await peer.receive(&byte, 1, ec, 50ms);  // nothing comes: std::errc::timed_out
    co_return ec;                               // (the throwing form throws std::system_error)
}
//! [timeout]

//! [when_any]
async::task<int> slow_answer() {
    co_await async::sleep_for(10s);
    co_return 1;
}
async::task<int> quick_answer() {
    co_await async::sleep_for(10ms);
    co_return 2;
}
async::task<int> first_answer() {
    // The loser is cancelled *and awaited*: nothing of it outlives this line.
    auto [index, value] = co_await async::when_any(slow_answer(), quick_answer());
    co_return index == 1 ? value : -1;
}
//! [when_any]

//! [cancel]
async::task<std::error_code> wait_for_ever() {
    std::error_code ec;
    co_await async::sleep_for(portsock::timeout::infinite(), ec);
    co_return ec;  // std::errc::operation_canceled once the stop token is stopped
}

std::error_code cancel_from_another_thread() {
    async::event_loop loop;
    std::stop_source stop;
    std::thread canceller([&stop] {
        std::this_thread::sleep_for(20ms);
        stop.request_stop();  // any thread; the loop's thread does the cancelling
    });
    const std::error_code ec = loop.run(wait_for_ever(), stop.get_token());
    canceller.join();
    return ec;
}
//! [cancel]

//! [post]
async::task<int> wait_for_mail(async::event& mail, int& value) {
    co_await mail.wait(5s);
    co_return value;
}

int post_from_another_thread() {
    async::event_loop loop;
    async::event mail;
    int value = 0;
    std::thread producer([&] {
        loop.post([&] {  // runs on the loop's thread, so it may touch the loop's objects
            value = 42;
            mail.set();
        });
    });
    const int got = loop.run(wait_for_mail(mail, value));
    producer.join();
    return got;
}
//! [post]

}  // namespace

int main() {
    //! [run]
    async::event_loop loop;
    const std::string greeting = loop.run(serve_and_ask());
    //! [run]
    check(greeting == "Welcome to the server!", "the async welcome");
    check(loop.run(silent_peer()) == std::errc::timed_out, "a receive times out");
    check(loop.run(first_answer()) == 2, "when_any picks the quick one");
    check(cancel_from_another_thread() == std::errc::operation_canceled, "cancelled from another thread");
    check(post_from_another_thread() == 42, "post from another thread");
    return snippet::exit_code();
}
