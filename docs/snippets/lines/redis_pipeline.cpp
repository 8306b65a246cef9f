// A Redis client over a local (Unix-domain) socket, pipelining: N SETs in one write, then
// their N replies; N GETs in one write, then their N values. Every reply is checked.
// (redis_pipeline.py is the same program in Python; tests/bench/count_lines.py counts both.)
//
// usage: redis_pipeline SOCKET N
#include <portsock/async.hpp>

#include <iostream>
#include <string>

namespace async = portsock::async;
using namespace std::chrono_literals;

async::task<> pipeline(std::string path, int count) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;  // one for the whole exchange
    async::stream_reader redis(co_await async::local_stream::connect(path, deadline));  // owns the stream
    std::string sets, gets;
    for (int i = 0; i < count; ++i) {
        sets += "SET key:" + std::to_string(i) + " value-" + std::to_string(i) + "\r\n";
        gets += "GET key:" + std::to_string(i) + "\r\n";
    }
    co_await redis.stream().send_all(sets, deadline);
    for (int i = 0; i < count; ++i)
        if (auto reply = co_await redis.read_line(deadline); reply != "+OK")
            throw std::runtime_error("SET: " + reply);
    co_await redis.stream().send_all(gets, deadline);
    for (int i = 0; i < count; ++i) {
        const std::size_t length = std::stoul((co_await redis.read_line(deadline)).substr(1));  // "$7"
        const std::string value = co_await redis.read_exact(length + 2, deadline);  // and its "\r\n"
        if (value != "value-" + std::to_string(i) + "\r\n") throw std::runtime_error("GET: " + value);
    }
    std::cout << count << " SETs and " << count << " GETs pipelined, every reply as expected\n";
}

int main(int argc, char* argv[]) try {
    if (argc != 3) throw std::invalid_argument("usage: redis_pipeline SOCKET N");
    async::run(pipeline(argv[1], std::stoi(argv[2])));
} catch (const std::exception& error) {
    std::cerr << "redis_pipeline: " << error.what() << '\n';
    return 1;
}
