// The echo server for many clients on one thread, with coroutines: one task per client,
// written as if it were blocking. Slow readers, hang-ups and running out of descriptors are
// the library's to handle (compare samples/echo_server_poller).
//
// usage: async_echo_server [port] [clients]
//   port     where to listen (default 12345; 0 lets the OS choose, and prints it)
//   clients  exit once this many clients have come and gone (default: serve forever)
#include <portsock/async.hpp>  // with the core types its calls take: tcp_listener, parse_port...

#include <cstdio>  // std::printf: a few lines of output need no <iostream>
#include <string>  // std::stol

namespace async = portsock::async;

async::task<> echo(async::tcp_stream client) {
    char buffer[2048];   // in the task's frame: 10,000 clients take 20 MB
    std::error_code ec;  // a client's error ends that client only
    for (std::size_t n; (n = co_await client.receive(buffer, sizeof buffer, ec)) > 0;)
        if (co_await client.send_all(buffer, n, ec); ec) break;
}

async::task<> echo_server(std::uint16_t port, long clients) {
    async::tcp_listener listener{portsock::tcp_listener{"localhost", port, {/*backlog=*/1024}}};
    std::printf("Async echo server (%s) is listening on port %u...\n", portsock::poller::backend(),
                unsigned{listener.socket().local_endpoint().port()});
    std::fflush(stdout);
    long accepted = 0;
    // Accepts for ever, each client a task of its own; closing the listener ends the accepting,
    // and serve() returns once the clients still connected have gone.
    co_await async::serve(listener, [&](async::tcp_stream client) {
        if (++accepted == clients) listener.close();
        return echo(std::move(client));
    });
    std::printf("Served %ld clients.\n", clients);
}

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    async::event_loop loop;
    loop.run(echo_server(port, argc > 2 ? std::stol(argv[2]) : -1));
} catch (const std::exception& error) {
    std::fprintf(stderr, "async_echo_server: %s\n", error.what());
    return 1;
}
