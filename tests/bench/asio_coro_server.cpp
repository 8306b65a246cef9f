// The scale benchmarks' asio server in C++20 coroutines (co_spawn, use_awaitable): the
// style asio's own examples teach, and the file whose compile time docs/performance.md
// compares with samples/async_echo_server. One thread, one io_context; the same protocol
// as every benchmark server: prints "ports <echo> <welcome> <udp>", then serves until killed.
#include <asio.hpp>

#include <array>
#include <cstdio>

namespace {

using asio::awaitable;
using asio::detached;
using asio::use_awaitable;
using asio::ip::tcp;
using asio::ip::udp;

awaitable<void> echo(tcp::socket socket) {
    std::array<char, 2048> data;
    try {
        for (;;) {
            const std::size_t n = co_await socket.async_read_some(asio::buffer(data), use_awaitable);
            co_await asio::async_write(socket, asio::buffer(data, n), use_awaitable);
        }
    } catch (const std::exception&) {
        // end of stream or error: the socket closes
    }
}

awaitable<void> serve_echo(tcp::acceptor& acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
        socket.set_option(tcp::no_delay(true));
        asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), detached);
    }
}

awaitable<void> serve_welcome(tcp::acceptor& acceptor) {
    static const char welcome[] = "Welcome to the server!";
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
        asio::error_code ec;
        asio::write(socket, asio::buffer(welcome, sizeof welcome - 1), ec);
    }
}

awaitable<void> serve_udp(udp::socket& socket) {
    std::array<char, 64 * 1024> data;
    udp::endpoint sender;
    for (;;) {
        const std::size_t n = co_await socket.async_receive_from(asio::buffer(data), sender, use_awaitable);
        co_await socket.async_send_to(asio::buffer(data, n), sender, use_awaitable);
    }
}

}  // namespace

int main() {
    asio::io_context context(1);
    const tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
    tcp::acceptor echo_acceptor(context, loopback), welcome_acceptor(context, loopback);
    echo_acceptor.listen(4096);
    welcome_acceptor.listen(4096);
    udp::socket udp_socket(context, udp::endpoint(asio::ip::address_v4::loopback(), 0));
    std::printf("ports %u %u %u\n", echo_acceptor.local_endpoint().port(),
                welcome_acceptor.local_endpoint().port(), udp_socket.local_endpoint().port());
    std::fflush(stdout);
    asio::co_spawn(context, serve_echo(echo_acceptor), detached);
    asio::co_spawn(context, serve_welcome(welcome_acceptor), detached);
    asio::co_spawn(context, serve_udp(udp_socket), detached);
    context.run();
}
