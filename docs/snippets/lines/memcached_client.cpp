// A memcached client (the text protocol): set, get, delete, then a get and a delete that
// miss. Every reply is checked.
// (memcached_client.py is the same program in Python; tests/bench/count_lines.py counts both.)
//
// usage: memcached_client HOST PORT
#include <portsock/async.hpp>

#include <algorithm>
#include <iostream>
#include <string>

namespace async = portsock::async;
using namespace std::chrono_literals;

async::task<> expect(async::stream_reader<async::tcp_stream>& cache, std::string command,
                     std::string expected, std::chrono::steady_clock::time_point deadline) {
    co_await cache.stream().send_all(command, deadline);
    std::string reply;  // as many lines as expected has
    for (auto lines = std::count(expected.begin(), expected.end(), '\n'); lines > 0; --lines)
        co_await cache.read_until(reply, "\r\n", deadline);
    if (reply != expected) throw std::runtime_error(command + " -> " + reply);
}

async::task<> session(std::string host, std::uint16_t port) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;               // one for the whole exchange
    async::stream_reader cache(co_await async::connect(host, port, deadline));  // owns the stream
    co_await expect(cache, "set greeting 0 0 22\r\nWelcome to the server!\r\n", "STORED\r\n", deadline);
    co_await expect(cache, "get greeting\r\n", "VALUE greeting 0 22\r\nWelcome to the server!\r\nEND\r\n",
                    deadline);
    co_await expect(cache, "delete greeting\r\n", "DELETED\r\n", deadline);
    co_await expect(cache, "get greeting\r\n", "END\r\n", deadline);
    co_await expect(cache, "delete greeting\r\n", "NOT_FOUND\r\n", deadline);
    std::cout << "set, get, delete, and a miss: every reply as expected\n";
}

int main(int argc, char* argv[]) try {
    if (argc != 3) throw std::invalid_argument("usage: memcached_client HOST PORT");
    async::run(session(argv[1], portsock::parse_port(argv[2])));
} catch (const std::exception& error) {
    std::cerr << "memcached_client: " << error.what() << '\n';
    return 1;
}
