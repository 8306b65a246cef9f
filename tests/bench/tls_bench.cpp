// TLS benchmark: portsock::tls_stream against the same loops written directly on OpenSSL
// (SSL_set_fd over the same loopback sockets), in the same process and run. Rounds
// alternate which side goes first; the medians of the rate and of the CPU time per unit of
// work, and their portsock / OpenSSL ratios, are printed. Not a test: run it with
// tests/bench/run_tls_bench.sh.
//
// usage: portsock_tls_bench <certificate dir from tests/tls/make_certs.sh> [rounds]
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::size_t chunk = 64 * 1024;
constexpr std::size_t stream_bytes = 64 * 1024 * 1024;
constexpr int handshakes = 200;

std::string dir;
std::string file(const char* name) { return dir + "/" + name; }

// --- portsock ----------------------------------------------------------------------------

struct portsock_side {
    portsock::tls_context server{portsock::tls_role::server};
    portsock::tls_context client{portsock::tls_role::client};
    portsock_side() {
        server.use_certificate_chain_file(file("chain.pem"));
        server.use_private_key_file(file("leaf.key"));
        client.load_verify_file(file("ca.pem"));
    }
    // Receives until close_notify; returns the byte count.
    std::size_t sink(portsock::tcp_stream&& tcp) {
        auto tls = portsock::tls_stream::server(std::move(tcp), server);
        std::vector<char> buffer(chunk);
        std::size_t total = 0;
        while (std::size_t n = tls.receive(buffer.data(), buffer.size())) total += n;
        tls.send_close_notify();
        return total;
    }
    void source(std::uint16_t port, std::size_t bytes) {
        auto tls = portsock::tls_stream::connect(client, "localhost", port);
        std::vector<char> buffer(chunk, 'x');
        for (std::size_t sent = 0; sent < bytes; sent += chunk) tls.send_all(buffer.data(), buffer.size());
        tls.send_close_notify();
        // Read the server's close_notify (and any session tickets): closing with unread
        // bytes would make TCP reset the connection under the server's last reads.
        while (tls.receive(buffer.data(), buffer.size()) > 0) {
        }
    }
};

// --- OpenSSL directly ----------------------------------------------------------------------

void openssl_check(bool ok, const char* what) {
    if (!ok) {
        ERR_print_errors_fp(stderr);
        throw std::runtime_error(what);
    }
}

struct openssl_side {
    SSL_CTX* server = SSL_CTX_new(TLS_server_method());
    SSL_CTX* client = SSL_CTX_new(TLS_client_method());
    openssl_side() {
        for (SSL_CTX* ctx : {server, client}) SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        openssl_check(SSL_CTX_use_certificate_chain_file(server, file("chain.pem").c_str()) == 1, "chain");
        openssl_check(SSL_CTX_use_PrivateKey_file(server, file("leaf.key").c_str(), SSL_FILETYPE_PEM) == 1,
                      "key");
        SSL_CTX_set_default_verify_paths(client);  // as a portsock client context does
        openssl_check(SSL_CTX_load_verify_locations(client, file("ca.pem").c_str(), nullptr) == 1, "ca");
        SSL_CTX_set_verify(client, SSL_VERIFY_PEER, nullptr);
    }
    ~openssl_side() {
        SSL_CTX_free(server);
        SSL_CTX_free(client);
    }
    openssl_side(const openssl_side&) = delete;
    openssl_side& operator=(const openssl_side&) = delete;

    std::size_t sink(portsock::tcp_stream&& tcp) {
        SSL* ssl = SSL_new(server);
        SSL_set_fd(ssl, static_cast<int>(tcp.native_handle()));
        openssl_check(SSL_accept(ssl) == 1, "SSL_accept");
        std::vector<char> buffer(chunk);
        std::size_t total = 0;
        std::size_t n = 0;
        while (SSL_read_ex(ssl, buffer.data(), buffer.size(), &n) == 1) total += n;
        openssl_check(SSL_get_error(ssl, 0) == SSL_ERROR_ZERO_RETURN, "close_notify");
        SSL_shutdown(ssl);
        SSL_free(ssl);
        return total;
    }
    void source(std::uint16_t port, std::size_t bytes) {
        auto tcp = portsock::tcp_stream::connect("localhost", port);
        SSL* ssl = SSL_new(client);
        SSL_set_fd(ssl, static_cast<int>(tcp.native_handle()));
        char name[] = "localhost";  // SSL_set_tlsext_host_name(), without its old-style cast
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name);
        SSL_set1_host(ssl, "localhost");
        openssl_check(SSL_connect(ssl) == 1, "SSL_connect");
        std::vector<char> buffer(chunk, 'x');
        for (std::size_t sent = 0; sent < bytes; sent += chunk) {
            std::size_t done = 0;
            while (done < chunk) {
                std::size_t n = 0;
                openssl_check(SSL_write_ex(ssl, buffer.data() + done, chunk - done, &n) == 1, "SSL_write");
                done += n;
            }
        }
        SSL_shutdown(ssl);
        std::size_t n = 0;
        while (SSL_read_ex(ssl, buffer.data(), buffer.size(), &n) == 1) {
        }
        openssl_check(SSL_get_error(ssl, 0) == SSL_ERROR_ZERO_RETURN, "close_notify");
        SSL_free(ssl);
    }
};

// --- the two measurements, the same for both ---------------------------------------------

// A round's rate and the CPU time both threads spent on it. The rate of a two-thread
// pipeline on a small machine depends on how the scheduler places the threads; CPU time per
// unit of work does not, so it is the steadier measure of what each API costs.
struct sample {
    double rate = 0;         // MiB/s or handshakes/s
    double cpu_seconds = 0;  // process CPU time (std::clock: every thread's, on Linux)
};

template <class Run>
sample timed(double units, Run&& run) {
    const std::clock_t cpu_start = std::clock();
    const auto start = clock_type::now();
    run();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    return {units / seconds, static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC};
}

// One connection carrying `stream_bytes`: MiB/s.
template <class Side>
sample throughput(Side& side) {
    portsock::tcp_listener listener{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    const std::uint16_t port = listener.local_endpoint().port();
    std::size_t received = 0;
    const sample result = timed(static_cast<double>(stream_bytes) / (1024.0 * 1024.0), [&] {
        std::thread server([&] { received = side.sink(std::move(listener.accept().stream)); });
        side.source(port, stream_bytes);
        server.join();
    });
    if (received != stream_bytes) throw std::runtime_error("short transfer");
    return result;
}

// `handshakes` connections, each connect + full handshake + close_notify: handshakes/s.
template <class Side>
sample handshake_rate(Side& side) {
    portsock::tcp_listener listener{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    const std::uint16_t port = listener.local_endpoint().port();
    return timed(handshakes, [&] {
        std::thread server([&] {
            for (int i = 0; i < handshakes; ++i) side.sink(std::move(listener.accept().stream));
        });
        for (int i = 0; i < handshakes; ++i) side.source(port, 0);
        server.join();
    });
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 != 0 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

template <class Measure>
void compare(const char* name, const char* unit, double units_per_round, int rounds, Measure&& measure) {
    portsock_side ours;
    openssl_side theirs;
    std::vector<sample> a, b;
    for (int round = 0; round < rounds; ++round) {  // interleaved, alternating who goes first
        if (round % 2 == 0) {
            a.push_back(measure(ours));
            b.push_back(measure(theirs));
        } else {
            b.push_back(measure(theirs));
            a.push_back(measure(ours));
        }
    }
    std::vector<double> rate_a, rate_b, cpu_a, cpu_b;
    for (std::size_t i = 0; i < a.size(); ++i) {
        rate_a.push_back(a[i].rate);
        rate_b.push_back(b[i].rate);
        cpu_a.push_back(a[i].cpu_seconds * 1e6 / units_per_round);  // CPU microseconds per unit
        cpu_b.push_back(b[i].cpu_seconds * 1e6 / units_per_round);
    }
    std::printf("%-12s rate: portsock %9.1f %s, OpenSSL %9.1f %s, ratio %.3f (higher is better)\n", name,
                median(rate_a), unit, median(rate_b), unit, median(rate_a) / median(rate_b));
    std::printf("%-12s CPU:  portsock %9.1f us, OpenSSL %9.1f us per %s, ratio %.3f (lower is better)\n", "",
                median(cpu_a), median(cpu_b), unit[0] == 'M' ? "MiB" : "handshake",
                median(cpu_a) / median(cpu_b));
}

}  // namespace

int main(int argc, char* argv[]) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: portsock_tls_bench <certificate dir> [rounds]\n");
        return 2;
    }
    dir = argv[1];
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::printf("%d interleaved rounds; %zu MiB per throughput round, %d handshakes per handshake round\n",
                rounds, stream_bytes / (1024 * 1024), handshakes);
    compare("throughput", "MiB/s", static_cast<double>(stream_bytes) / (1024 * 1024), rounds,
            [](auto& side) { return throughput(side); });
    compare("handshakes", "/s", handshakes, rounds, [](auto& side) { return handshake_rate(side); });
} catch (const std::exception& error) {
    std::fprintf(stderr, "portsock_tls_bench: %s\n", error.what());
    return 1;
}
