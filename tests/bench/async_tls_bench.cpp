// Async TLS benchmark: portsock::async::tls_stream (client and server as tasks on one loop,
// one thread) against the blocking portsock::tls_stream (client and server on two threads),
// in the same process and run. Measures full handshakes and a 64 MiB transfer; prints the
// medians of the rate and of the process CPU time per unit of work. Not a test.
//
// usage: portsock_async_tls_bench <certificate dir from tests/tls/make_certs.sh> [rounds]
#include <portsock/async.hpp>
#include <portsock/async/tls.hpp>
#include <portsock/portsock.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace async = portsock::async;
using clock_type = std::chrono::steady_clock;
constexpr std::size_t chunk = 64 * 1024;
constexpr std::size_t stream_bytes = 64 * 1024 * 1024;
constexpr int handshakes = 200;

struct contexts {
    portsock::tls_context server{portsock::tls_role::server};
    portsock::tls_context client{portsock::tls_role::client};
    explicit contexts(const std::string& dir) {
        server.use_certificate_chain_file(dir + "/chain.pem");
        server.use_private_key_file(dir + "/leaf.key");
        client.load_verify_file(dir + "/ca.pem");
    }
};

struct sample {
    double seconds;
    double cpu_seconds;
};

template <class Work>
sample measure(Work&& work) {
    const std::clock_t cpu = std::clock();
    const auto start = clock_type::now();
    work();
    return {std::chrono::duration<double>(clock_type::now() - start).count(),
            static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC};
}

// --- async: both sides on one loop -----------------------------------------------------------

async::task<> async_serve(async::tcp_listener& listener, const contexts& c, int count, bool bulk) {
    std::vector<char> data(chunk, 'x');
    for (int i = 0; i < count; ++i) {
        auto accepted = co_await listener.accept();
        auto tls = co_await async::tls_stream::server(std::move(accepted.stream), c.server);
        if (bulk)
            for (std::size_t sent = 0; sent < stream_bytes; sent += chunk)
                co_await tls.send_all(data.data(), chunk);
        co_await tls.send_close_notify();
    }
}

async::task<> async_clients(std::uint16_t port, const contexts& c, int count, bool bulk) {
    std::vector<char> buffer(chunk);
    for (int i = 0; i < count; ++i) {
        auto tls = co_await async::tls_stream::connect(c.client, "localhost", port);
        std::size_t got = 0;
        for (std::size_t n; (n = co_await tls.receive(buffer.data(), buffer.size())) > 0;) got += n;
        if (bulk && got != stream_bytes) throw std::runtime_error("short transfer");
    }
}

async::task<> async_run(const contexts& c, int count, bool bulk) {
    async::tcp_listener listener{portsock::tcp_listener{"localhost", 0}};
    async::task_group group;
    group.spawn(async_serve(listener, c, count, bulk));
    group.spawn(async_clients(listener.socket().local_endpoint().port(), c, count, bulk));
    co_await group.join();
}

sample async_round(const contexts& c, int count, bool bulk) {
    return measure([&] {
        async::event_loop loop;
        loop.run(async_run(c, count, bulk));
    });
}

// --- blocking: a server thread and a client thread ----------------------------------------

sample blocking_round(const contexts& c, int count, bool bulk) {
    portsock::tcp_listener listener{"localhost", 0};
    const std::uint16_t port = listener.local_endpoint().port();
    return measure([&] {
        std::thread server([&] {
            std::vector<char> data(chunk, 'x');
            for (int i = 0; i < count; ++i) {
                auto tls = portsock::tls_stream::server(std::move(listener.accept().stream), c.server);
                if (bulk)
                    for (std::size_t sent = 0; sent < stream_bytes; sent += chunk)
                        tls.send_all(data.data(), chunk);
                std::error_code ignored;  // send_close_notify(), whichever name this build has
                async::detail::send_close_notify_step(tls, ignored);
            }
        });
        std::vector<char> buffer(chunk);
        for (int i = 0; i < count; ++i) {
            auto tls = portsock::tls_stream::connect(c.client, "localhost", port);
            while (tls.receive(buffer.data(), buffer.size()) > 0) {
            }
        }
        server.join();
    });
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void report(const char* what, const char* unit, double units, const std::vector<sample>& a,
            const std::vector<sample>& b) {
    std::vector<double> rate_a, rate_b, cpu_a, cpu_b;
    for (const sample& s : a)
        rate_a.push_back(units / s.seconds), cpu_a.push_back(s.cpu_seconds * 1e3 / units);
    for (const sample& s : b)
        rate_b.push_back(units / s.seconds), cpu_b.push_back(s.cpu_seconds * 1e3 / units);
    std::printf(
        "%-11s async (1 thread) %9.1f %s/s, %7.3f ms CPU per %s | blocking (2 threads) %9.1f %s/s, "
        "%7.3f ms CPU per %s | rate ratio %.2f, CPU ratio %.2f\n",
        what, median(rate_a), unit, median(cpu_a), unit, median(rate_b), unit, median(cpu_b), unit,
        median(rate_a) / median(rate_b), median(cpu_a) / median(cpu_b));
}

}  // namespace

int main(int argc, char* argv[]) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: portsock_async_tls_bench <certificate dir> [rounds]\n");
        return 2;
    }
    const contexts c(argv[1]);
    const int rounds = argc > 2 ? std::stoi(argv[2]) : 5;
    std::vector<sample> hs_async, hs_blocking, bulk_async, bulk_blocking;
    for (int r = 0; r < rounds; ++r) {  // alternate which goes first
        if (r % 2 == 0) {
            hs_async.push_back(async_round(c, handshakes, false));
            hs_blocking.push_back(blocking_round(c, handshakes, false));
            bulk_async.push_back(async_round(c, 1, true));
            bulk_blocking.push_back(blocking_round(c, 1, true));
        } else {
            hs_blocking.push_back(blocking_round(c, handshakes, false));
            hs_async.push_back(async_round(c, handshakes, false));
            bulk_blocking.push_back(blocking_round(c, 1, true));
            bulk_async.push_back(async_round(c, 1, true));
        }
    }
    report("handshakes", "hs", handshakes, hs_async, hs_blocking);
    report("transfer", "MiB", static_cast<double>(stream_bytes) / (1024 * 1024), bulk_async, bulk_blocking);
} catch (const std::exception& error) {
    std::fprintf(stderr, "portsock_async_tls_bench: %s\n", error.what());
    return 1;
}
