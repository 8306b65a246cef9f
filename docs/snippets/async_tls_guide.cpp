// The async guide's chapters "TLS" and "Protocol clients": a TLS welcome server that no
// client can hold, its client, a line-protocol client with the reader, and UDP. Compiled and
// run by the tests (docs_snippet_async_tls_guide, with the TLS tests' certificates); every
// check prints what failed and exits 1.
#include <portsock/async.hpp>
#include <portsock/async/datagram.hpp>
#include <portsock/async/reader.hpp>
#include <portsock/async/tls.hpp>
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

using namespace std::chrono_literals;
using snippet::check;
namespace async = portsock::async;

std::string cert(const char* name) {
    const char* dir = std::getenv("PORTSOCK_TLS_CERTS");
    return std::string(dir != nullptr ? dir : "tls-certs") + "/" + name;
}

//! [tls_server]
async::task<> welcome(async::tcp_stream client, const portsock::tls_context& context) {
    std::error_code ec;  // one client's failure ends that client only
    // 5 s for the whole handshake: a client that sends nothing, or a byte at a time, is cut
    // off then; meanwhile the loop serves everyone else.
    auto secure = co_await async::tls_stream::server(std::move(client), context, ec, 5s);
    if (ec) co_return;
    co_await secure.send_all("Welcome to the server!\r\n", ec, 5s);
    if (!ec) co_await secure.send_close_notify(ec, 5s);  // the client reads a clean end
}

async::task<> tls_server(async::tcp_listener& server, const portsock::tls_context& context) {
    // Accepts until the server is closed; each client's handshake is a task of its own.
    co_await async::serve(server,
                          [&](async::tcp_stream client) { return welcome(std::move(client), context); });
}
//! [tls_server]

//! [tls_client]
async::task<std::string> tls_client(const portsock::tls_context& context, std::uint16_t port) {
    // Resolve, connect and handshake, within one limit; the certificate must name "localhost".
    async::stream_reader reader(co_await async::tls_stream::connect(context, "localhost", port, 5s));
    std::string line;
    co_await reader.read_line(line, 5s);  // "Welcome to the server!" (without "\r\n")
    co_return line;
}
//! [tls_client]

async::task<std::string> tls_conversation(const portsock::tls_context& server_context,
                                          const portsock::tls_context& client_context) {
    async::tcp_listener server{portsock::tcp_listener{"localhost", 0}};
    async::task_group group;
    group.spawn(tls_server(server, server_context));
    std::string line = co_await tls_client(client_context, server.socket().local_endpoint().port());
    server.close();  // serve() returns once its clients have ended
    co_await group.join();
    co_return line;
}

// A tiny key-value server for the protocol client: "GET key\r\n" -> "$<length>\r\n<value>\r\n".
async::task<> kv_server(async::tcp_listener& server) {
    auto [stream, peer] = co_await server.accept(5s);
    async::stream_reader reader(stream);
    for (std::string command; co_await reader.read_line(command, 5s) > 0; command.clear()) {
        const std::string value = command == "GET greeting" ? "Welcome to the server!" : "";
        co_await stream.send_all("$" + std::to_string(value.size()) + "\r\n" + value + "\r\n", 5s);
    }
}

//! [protocol_client]
// A line-and-length protocol (Redis's, memcached's, HTTP's shape): a header line, then
// exactly that many bytes. The reader bounds a line (64 KiB by default); a peer that sends
// a longer one gets errc::message_too_long, never an ever-growing buffer. A length comes
// from the peer: bound it before allocating that much.
// The reader owns the stream here (see kv_conversation()): requests go to server.stream().
constexpr std::size_t max_value = 1 << 20;

async::task<std::string> get(async::stream_reader<async::tcp_stream>& server, const std::string& key) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;  // the whole exchange (a time point)
    co_await server.stream().send_all("GET " + key + "\r\n", deadline);
    std::string header;
    co_await server.read_line(header, deadline);  // "$22"
    if (header.empty() || header[0] != '$') throw std::runtime_error("bad reply: " + header);
    const std::size_t size = std::stoul(header.substr(1));
    if (size > max_value) throw std::runtime_error("reply too long: " + header);
    std::string value(size + 2, '\0');  // the value and its "\r\n"
    co_await server.read_exact(value.data(), value.size(), deadline);
    value.resize(value.size() - 2);
    co_return value;
}
//! [protocol_client]

async::task<std::string> kv_conversation() {
    async::tcp_listener server{portsock::tcp_listener{"127.0.0.1", 0}};
    async::task_group group;
    group.spawn(kv_server(server));
    // Given the stream fresh from connect(), the reader owns it.
    async::stream_reader kv(co_await async::tcp_stream::connect(server.socket().local_endpoint(), 5s));
    std::string value = co_await get(kv, "greeting");
    kv.stream().shutdown(portsock::shutdown_type::send);
    co_await group.join();
    co_return value;
}

//! [udp]
async::task<std::string> udp_round_trip() {
    async::udp_socket server{portsock::udp_socket{{portsock::ip_address::loopback_v4(), 0}}};
    async::udp_socket client{portsock::udp_socket{{portsock::ip_address::loopback_v4(), 0}}};
    co_await client.send_to("ping", server.socket().local_endpoint(), 5s);
    char buffer[1500];
    const auto got = co_await server.receive_from(buffer, sizeof buffer, 5s);  // suspends until it comes
    co_await server.send_to(std::string_view(buffer, got.size), got.sender, 5s);
    const auto echo = co_await client.receive_from(buffer, sizeof buffer, 5s);
    co_return std::string(buffer, echo.size);
}
//! [udp]

}  // namespace

int main() try {
    //! [contexts]
    const auto server_context = portsock::tls_context::server(cert("server.pem"), cert("leaf.key"));
    const auto client_context = portsock::tls_context::client(cert("ca.pem"));  // and the system's CAs
    //! [contexts]

    async::event_loop loop;
    check(loop.run(tls_conversation(server_context, client_context)) == "Welcome to the server!",
          "the TLS welcome, read as a line");
    check(loop.run(kv_conversation()) == "Welcome to the server!", "the protocol client's GET");
    check(loop.run(udp_round_trip()) == "ping", "the UDP round trip");
    return snippet::exit_code();
} catch (const std::exception& error) {
    std::cerr << "FAILED: " << error.what() << '\n';
    return 1;
}
