// asio's C++20 coroutine echo server, as its own examples write it (co_spawn,
// use_awaitable): the counterpart of samples/async_echo_server whose compile time and
// compiler memory tests/bench/run_compile_bench.sh compares. Also a working program:
// usage: asio_coro_echo [port]
#include <asio.hpp>

#include <cstdio>
#include <cstdlib>

using asio::awaitable;
using asio::detached;
using asio::use_awaitable;
using asio::ip::tcp;

awaitable<void> echo(tcp::socket socket) {
    char data[2048];
    try {
        for (;;) {
            std::size_t n = co_await socket.async_read_some(asio::buffer(data), use_awaitable);
            co_await asio::async_write(socket, asio::buffer(data, n), use_awaitable);
        }
    } catch (const std::exception&) {
    }
}

awaitable<void> listener(unsigned short port) {
    auto executor = co_await asio::this_coro::executor;
    tcp::acceptor acceptor(executor, {tcp::v4(), port});
    std::printf("Echo server is listening on port %u...\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
        asio::co_spawn(executor, echo(std::move(socket)), detached);
    }
}

int main(int argc, char* argv[]) {
    try {
        asio::io_context io_context(1);
        asio::co_spawn(io_context,
                       listener(static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 12345)),
                       detached);
        io_context.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "asio_coro_echo: %s\n", e.what());
        return 1;
    }
}
