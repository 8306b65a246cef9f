// The tutorial's welcome server over TLS, for many clients on one thread: each client's
// handshake is a task of its own, bounded by 10 s, so a client that sends nothing, half a
// ClientHello, a byte at a time, garbage, or resets holds nobody else
// (compare samples/tls_welcome_server, which serves one client at a time).
//
// usage: async_tls_welcome_server [port] [cert.pem] [key.pem] [clients]
//   port      where to listen (default 12345; 0 lets the OS choose, and prints it)
//   cert.pem  the certificate chain (default server.pem); key.pem its key (default key.pem)
//   clients   exit once this many connections have come and gone (default: serve forever)
#include <portsock/async.hpp>
#include <portsock/async/tls.hpp>
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>

namespace async = portsock::async;
using namespace std::chrono_literals;

//! [welcome]
async::task<> welcome(async::tcp_stream client, portsock::endpoint peer,
                      const portsock::tls_context& context) {
    try {
        auto secure = co_await async::tls_stream::server(std::move(client), context, 10s);
        std::cout << "Connection from " << peer << " has been established!" << std::endl;
        co_await secure.send_all("Welcome to the server!", 10s);
        co_await secure.send_close_notify(10s);  // the client reads a clean end of stream
    } catch (const std::system_error& error) {   // one client's failure ends that client only
        std::cerr << "async_tls_welcome_server: " << peer << ": " << error.what() << std::endl;
    }
}
//! [welcome]

async::task<> welcome_server(std::uint16_t port, const portsock::tls_context& context, long clients) {
    async::tcp_listener listener{portsock::tcp_listener{"localhost", port, {/*backlog=*/1024}}};
    std::cout << "Server is listening on port " << listener.socket().local_endpoint().port() << "..."
              << std::endl;
    long accepted = 0;
    // Each client's handshake is a task of its own; a client that reset while it was queued
    // is skipped. Closing the listener ends the accepting; serve() returns once the clients
    // still connected have gone.
    co_await async::serve(listener, [&](async::tcp_stream client, portsock::endpoint peer) {
        if (++accepted == clients) listener.close();
        return welcome(std::move(client), peer, context);
    });
}

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const auto context =
        portsock::tls_context::server(argc > 2 ? argv[2] : "server.pem", argc > 3 ? argv[3] : "key.pem");
    async::event_loop loop;
    loop.run(welcome_server(port, context, argc > 4 ? std::stol(argv[4]) : -1));
} catch (const std::exception& error) {
    std::cerr << "async_tls_welcome_server: " << error.what() << '\n';
    return 1;
}
