// A TLS echo server for many clients on one thread: each client's bytes come back to it
// until it ends its side with close_notify, and the server answers with its own. A client
// that stalls its handshake is cut off after 10 s and holds nobody else meanwhile.
// (tls_echo_server.py is the same program in Python; tests/bench/count_lines.py counts both.)
//
// usage: tls_echo_server PORT CERT.pem KEY.pem    (PORT 0: the OS picks one; printed)
#include <portsock/async.hpp>
#include <portsock/async/tls.hpp>

#include <iostream>

namespace async = portsock::async;
using namespace std::chrono_literals;

async::task<> echo(async::tcp_stream client, const portsock::tls_context& context) {
    std::error_code ec;  // a client's failure ends that client only
    auto tls = co_await async::tls_stream::server(std::move(client), context, ec, 10s);
    char buffer[16384];
    for (std::size_t n; !ec && (n = co_await tls.receive(buffer, sizeof buffer, ec)) > 0;)
        co_await tls.send_all(buffer, n, ec, 10s);
    if (!ec) co_await tls.send_close_notify(ec, 10s);
}

async::task<> serve(std::uint16_t port, const portsock::tls_context& context) {
    async::tcp_listener listener{portsock::tcp_listener{"127.0.0.1", port}};
    std::cout << "listening on port " << listener.socket().local_endpoint().port() << std::endl;
    // Each client's task runs in a task group; a client that reset while queued is skipped.
    co_await async::serve(listener,
                          [&](async::tcp_stream client) { return echo(std::move(client), context); });
}

int main(int argc, char* argv[]) try {
    if (argc != 4) throw std::invalid_argument("usage: tls_echo_server PORT CERT.pem KEY.pem");
    const auto context = portsock::tls_context::server(argv[2], argv[3]);  // CERT.pem's chain, KEY.pem
    async::run(serve(portsock::parse_port(argv[1]), context));
} catch (const std::exception& error) {
    std::cerr << "tls_echo_server: " << error.what() << '\n';
    return 1;
}
