// Stream benchmarks: portsock against raw OS sockets doing the same loop in the same run,
// over TCP on loopback and over local (AF_UNIX) sockets.
//
//   PingPong/<api>         64-byte request, 64-byte echo over TCP: round trips per second.
//   Throughput/<api>       one-way TCP stream in 64 KiB writes: bytes per second.
//   LocalPingPong/<api>    the same ping-pong over a local stream (POSIX only).
//   LocalThroughput/<api>  the same one-way stream over a local stream (POSIX only).
//
// Each benchmark runs a client (the timed loop) and a peer thread, both on the same API.
// The rate is from wall time; the CPU time is the whole process's (both threads), which the
// scheduler's placement of two threads on a small machine does not sway. Run with
// tests/bench/run_bench.sh, which interleaves repetitions and prints medians and
// portsock/raw ratios of both.
#include "raw_local_baseline.hpp"

#include <portsock/portsock.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t ping_size = 64;
constexpr std::size_t chunk_size = 64 * 1024;

// --- the two APIs behind one shape ---------------------------------------------------

struct raw_api {
    struct connection {
        portsock::raw::raw_handle handle;
        ~connection() { portsock::raw::close(handle); }
    };
    struct pair {
        connection client;
        connection server;
    };
    static pair connect_pair() {  // TCP; raw_local_api overrides it
        std::uint16_t port = 0;
        const auto listener = portsock::raw::listen_loopback(port);
        const auto client = portsock::raw::connect_loopback(port);
        const auto server = portsock::raw::accept_one(listener);
        portsock::raw::close(listener);
        portsock::raw::set_no_delay(client);
        portsock::raw::set_no_delay(server);
        return {{client}, {server}};
    }
    static bool send_all(connection& c, const void* data, std::size_t size) {
        return portsock::raw::send_all(c.handle, data, size);
    }
    static bool receive_exact(connection& c, void* data, std::size_t size) {
        return portsock::raw::receive_exact(c.handle, data, size);
    }
    static long long receive_some(connection& c, void* data, std::size_t size) {
        return portsock::raw::receive_some(c.handle, data, size);
    }
    static void shutdown_send(connection& c) { portsock::raw::shutdown_send(c.handle); }
};

struct raw_local_api : raw_api {
    static pair connect_pair() {
        const portsock::raw::local_pair made = portsock::raw::connect_local_pair();
        return {{made.client}, {made.server}};
    }
};

// portsock's calls on either stream type; the connect_pair() of each is below.
template <class Stream>
struct portsock_ops {
    using connection = Stream;
    struct pair {
        connection client;
        connection server;
    };
    static bool send_all(connection& c, const void* data, std::size_t size) {
        std::error_code ec;
        c.send_all(data, size, ec);
        return !ec;
    }
    static bool receive_exact(connection& c, void* data, std::size_t size) {
        std::error_code ec;
        c.receive_exact(data, size, ec);
        return !ec;
    }
    static long long receive_some(connection& c, void* data, std::size_t size) {
        std::error_code ec;
        const std::size_t n = c.receive(data, size, ec);
        return ec ? -1 : static_cast<long long>(n);
    }
    static void shutdown_send(connection& c) {
        std::error_code ignored;
        c.shutdown(portsock::shutdown_type::send, ignored);
    }
};

struct portsock_api : portsock_ops<portsock::tcp_stream> {
    static pair connect_pair() {
        portsock::tcp_listener listener{{portsock::ip_address::loopback_v4(), 0}};
        auto client = portsock::tcp_stream::connect(listener.local_endpoint());
        auto server = listener.accept().stream;
        client.set_no_delay(true);
        server.set_no_delay(true);
        return {std::move(client), std::move(server)};
    }
};

// A listener in a fresh temporary directory, as the raw pair; the file is removed at once.
struct portsock_local_api : portsock_ops<portsock::local_stream> {
    static pair connect_pair() {
        const auto directory =
            std::filesystem::temp_directory_path() / ("psbench" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory);
        const portsock::local_address at{(directory / "ps.sock").string()};
        portsock::local_listener listener{at};
        auto client = portsock::local_stream::connect(at);
        auto server = listener.accept().stream;
        std::filesystem::remove_all(directory);
        return {std::move(client), std::move(server)};
    }
};

// --- the loops -----------------------------------------------------------------------

template <class Api>
void ping_pong(benchmark::State& state) {
    auto sockets = Api::connect_pair();
    std::thread echo([&sockets] {
        std::array<char, ping_size> buffer{};
        while (Api::receive_exact(sockets.server, buffer.data(), buffer.size()) &&
               Api::send_all(sockets.server, buffer.data(), buffer.size())) {
        }
    });
    std::array<char, ping_size> message{};
    for (auto _ : state) {
        if (!Api::send_all(sockets.client, message.data(), message.size()) ||
            !Api::receive_exact(sockets.client, message.data(), message.size())) {
            state.SkipWithError("ping-pong connection failed");
            break;
        }
    }
    Api::shutdown_send(sockets.client);  // the echo thread sees end of stream and stops
    echo.join();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["round_trips_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

template <class Api>
void throughput(benchmark::State& state) {
    auto sockets = Api::connect_pair();
    std::thread sink([&sockets] {
        std::vector<char> buffer(chunk_size);
        while (Api::receive_some(sockets.server, buffer.data(), buffer.size()) > 0) {
        }
    });
    std::vector<char> chunk(chunk_size, 'x');
    for (auto _ : state) {
        if (!Api::send_all(sockets.client, chunk.data(), chunk.size())) {
            state.SkipWithError("throughput connection failed");
            break;
        }
    }
    Api::shutdown_send(sockets.client);
    sink.join();
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(chunk_size));
}

// Repetitions and minimum time come from the command line (run_bench.sh sets them).
BENCHMARK_TEMPLATE(ping_pong, raw_api)->Name("PingPong/raw")->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_TEMPLATE(ping_pong, portsock_api)
    ->Name("PingPong/portsock")
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_TEMPLATE(throughput, raw_api)->Name("Throughput/raw")->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_TEMPLATE(throughput, portsock_api)
    ->Name("Throughput/portsock")
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_TEMPLATE(ping_pong, raw_local_api)
    ->Name("LocalPingPong/raw")
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_TEMPLATE(ping_pong, portsock_local_api)
    ->Name("LocalPingPong/portsock")
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_TEMPLATE(throughput, raw_local_api)
    ->Name("LocalThroughput/raw")
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_TEMPLATE(throughput, portsock_local_api)
    ->Name("LocalThroughput/portsock")
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
