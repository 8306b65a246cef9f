// Async TLS benchmark: portsock::async::tls_stream (client and server as tasks on one
// event_loop, one thread) against the same work written directly on OpenSSL 3 (SSL_set_fd
// on non-blocking sockets, SSL_ERROR_WANT_READ / WANT_WRITE driving a readiness loop on
// portsock::poller, one thread), in the same process and run, rounds interleaved.
//
// Both sides: the certificates of tests/tls/make_certs.sh, TLS 1.2 minimum (1.3 is
// negotiated), the client verifies the chain against the test CA and the name "localhost",
// OpenSSL's default ciphers and groups, the same SSL modes portsock sets, a fresh SSL
// object per connection and no session resumption, 64 KiB writes and reads.
//
// - handshakes: 200 connections, each a TCP connect to 127.0.0.1, a full handshake, 5 bytes
//   from the server, then its close_notify, which the client reads to the end;
// - transfer: one connection, 64 MiB from the server in 64 KiB writes, then close_notify.
//
// Prints the medians of the rate and of the process CPU time per unit of work, and the
// portsock / OpenSSL ratios. Not a test: run it with tests/bench/run_async_tls_bench.sh.
//
// usage: portsock_async_tls_bench <certificate dir from tests/tls/make_certs.sh> [rounds] [portsock|openssl]
// (the third argument runs one side only, for a profiler or strace -c; no ratios then)
#include <portsock/async.hpp>
#include <portsock/async/tls.hpp>
#include <portsock/portsock.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace async = portsock::async;
using clock_type = std::chrono::steady_clock;
constexpr std::size_t chunk = 64 * 1024;
constexpr std::size_t stream_bytes = 64 * 1024 * 1024;
constexpr int handshakes = 200;
constexpr char greeting[] = "hello";
constexpr std::size_t greeting_size = sizeof greeting - 1;

std::string dir;
std::string file(const char* name) { return dir + "/" + name; }

portsock::endpoint loopback(std::uint16_t port) { return {portsock::ip_address::loopback_v4(), port}; }

// --- portsock::async: both sides as tasks on one loop --------------------------------------

struct portsock_contexts {
    portsock::tls_context server{portsock::tls_role::server};
    portsock::tls_context client{portsock::tls_role::client};
    portsock_contexts() {
        server.use_certificate_chain_file(file("chain.pem"));
        server.use_private_key_file(file("leaf.key"));
        client.load_verify_file(file("ca.pem"));
    }
};

// Serves `count` connections, one after another: handshake, `bytes`, close_notify.
async::task<> async_serve(async::tcp_listener& listener, const portsock_contexts& c, int count,
                          std::size_t bytes) {
    std::vector<char> data(chunk, 'x');
    std::copy(greeting, greeting + greeting_size, data.begin());
    for (int i = 0; i < count; ++i) {
        auto accepted = co_await listener.accept();
        auto tls = co_await async::tls_stream::server(std::move(accepted.stream), c.server);
        for (std::size_t sent = 0; sent < bytes; sent += chunk)
            co_await tls.send_all(data.data(), std::min(chunk, bytes - sent));
        co_await tls.send_close_notify();
    }
}

// Connects `count` times, one after another, and reads each connection to its close_notify.
async::task<> async_clients(std::uint16_t port, const portsock_contexts& c, int count, std::size_t bytes) {
    std::vector<char> buffer(chunk);
    for (int i = 0; i < count; ++i) {
        auto tcp = co_await async::tcp_stream::connect(loopback(port));
        auto tls = co_await async::tls_stream::client(std::move(tcp), c.client, "localhost");
        std::size_t got = 0;
        for (std::size_t n; (n = co_await tls.receive(buffer.data(), buffer.size())) > 0;) got += n;
        if (got != bytes) throw std::runtime_error("portsock: short transfer");
    }
}

async::task<> async_run(const portsock_contexts& c, int count, std::size_t bytes) {
    async::tcp_listener listener{portsock::tcp_listener{loopback(0)}};
    async::task_group group;
    group.spawn(async_serve(listener, c, count, bytes));
    group.spawn(async_clients(listener.socket().local_endpoint().port(), c, count, bytes));
    co_await group.join();
}

void portsock_round(const portsock_contexts& c, int count, std::size_t bytes) {
    async::event_loop loop;
    loop.run(async_run(c, count, bytes));
}

// --- OpenSSL directly: both sides as state machines on one poller -------------------------

void openssl_check(bool ok, const char* what) {
    if (!ok) {
        ERR_print_errors_fp(stderr);
        throw std::runtime_error(what);
    }
}

struct openssl_contexts {
    SSL_CTX* server = SSL_CTX_new(TLS_server_method());
    SSL_CTX* client = SSL_CTX_new(TLS_client_method());
    openssl_contexts() {
        for (SSL_CTX* ctx : {server, client}) {  // what portsock's tls_context sets
            SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
            SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
            SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
            SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
        }
        openssl_check(SSL_CTX_use_certificate_chain_file(server, file("chain.pem").c_str()) == 1, "chain");
        openssl_check(SSL_CTX_use_PrivateKey_file(server, file("leaf.key").c_str(), SSL_FILETYPE_PEM) == 1,
                      "key");
        SSL_CTX_set_default_verify_paths(client);  // as a portsock client context does
        openssl_check(SSL_CTX_load_verify_locations(client, file("ca.pem").c_str(), nullptr) == 1, "ca");
        SSL_CTX_set_verify(client, SSL_VERIFY_PEER, nullptr);
    }
    ~openssl_contexts() {
        SSL_CTX_free(server);
        SSL_CTX_free(client);
    }
    openssl_contexts(const openssl_contexts&) = delete;
    openssl_contexts& operator=(const openssl_contexts&) = delete;
};

struct ssl_ptr {
    SSL* ssl = nullptr;
    ssl_ptr() = default;
    ssl_ptr(const ssl_ptr&) = delete;
    ssl_ptr& operator=(const ssl_ptr&) = delete;
    ~ssl_ptr() { reset(); }
    void reset(SSL* next = nullptr) {
        SSL_free(ssl);
        ssl = next;
    }
};

// What an SSL call that returned `result` <= 0 waits for; throws on a real failure.
portsock::poll_events wanted_after(SSL* ssl, int result, const char* what) {
    switch (SSL_get_error(ssl, result)) {
        case SSL_ERROR_WANT_READ:
            return portsock::poll_events::readable;
        case SSL_ERROR_WANT_WRITE:
            return portsock::poll_events::writable;
        default:
            openssl_check(false, what);
            return portsock::poll_events::none;
    }
}

// One side of one connection at a time. advance() runs OpenSSL until it must wait and
// returns what for (none once the connection is finished).
enum class step { connect, handshake, transfer, shut_down, finished };

// The server: accept, handshake, send `bytes`, close_notify (then the sending side's shutdown,
// as portsock's send_close_notify() does).
class openssl_server {
public:
    openssl_server(portsock::tcp_listener& listener, SSL_CTX* ctx, std::size_t bytes)
        : listener_(listener), ctx_(ctx), bytes_(bytes), data_(chunk, 'x') {
        std::copy(greeting, greeting + greeting_size, data_.begin());
    }
    void next_connection() { state_ = step::connect, sent_ = 0; }
    bool finished() const { return state_ == step::finished; }
    bool accepting() const { return state_ == step::connect; }
    portsock::tcp_stream& socket() { return tcp_; }

    portsock::poll_events advance() {
        if (state_ == step::connect) {
            std::error_code ec;
            auto accepted = listener_.accept(ec);
            if (ec == std::errc::operation_would_block) return portsock::poll_events::readable;
            if (ec) throw std::system_error(ec, "accept");
            tcp_ = std::move(accepted.stream);
            tcp_.set_non_blocking(true);
            ssl_.reset(SSL_new(ctx_));
            SSL_set_fd(ssl_.ssl, static_cast<int>(tcp_.native_handle()));
            SSL_set_accept_state(ssl_.ssl);
            state_ = step::handshake;
        }
        if (state_ == step::handshake) {
            const int result = SSL_do_handshake(ssl_.ssl);
            if (result != 1) return wanted_after(ssl_.ssl, result, "SSL_accept");
            state_ = step::transfer;
        }
        while (state_ == step::transfer && sent_ < bytes_) {  // a retry passes the same bytes
            const std::size_t offset = sent_ % chunk;
            const std::size_t size = std::min(chunk, bytes_ - sent_ + offset) - offset;
            std::size_t n = 0;
            const int result = SSL_write_ex(ssl_.ssl, data_.data() + offset, size, &n);
            if (result != 1) return wanted_after(ssl_.ssl, result, "SSL_write");
            sent_ += n;
        }
        if (state_ == step::transfer) state_ = step::shut_down;
        if (state_ == step::shut_down) {
            const int result = SSL_shutdown(ssl_.ssl);
            if (result < 0) return wanted_after(ssl_.ssl, result, "SSL_shutdown");
            tcp_.shutdown(portsock::shutdown_type::send);
            ssl_.reset();
            state_ = step::finished;
        }
        return portsock::poll_events::none;
    }
    void close() { tcp_.close(); }

private:
    portsock::tcp_listener& listener_;
    SSL_CTX* ctx_;
    std::size_t bytes_;
    std::vector<char> data_;
    step state_ = step::connect;
    std::size_t sent_ = 0;
    portsock::tcp_stream tcp_;
    ssl_ptr ssl_;
};

// The client: a non-blocking connect, the handshake (SNI and name check "localhost"), then
// reads to the server's close_notify.
class openssl_client {
public:
    openssl_client(std::uint16_t port, SSL_CTX* ctx, std::size_t bytes)
        : port_(port), ctx_(ctx), bytes_(bytes), buffer_(chunk) {}
    void next_connection() {
        tcp_ = portsock::tcp_stream::start_connect(loopback(port_));
        state_ = step::connect, got_ = 0;
    }
    bool finished() const { return state_ == step::finished; }
    portsock::tcp_stream& socket() { return tcp_; }

    portsock::poll_events advance() {
        if (state_ == step::connect) {
            std::error_code ec;
            tcp_.finish_connect(ec, std::chrono::milliseconds(0));
            if (ec == std::errc::operation_in_progress) return portsock::poll_events::writable;
            if (ec) throw std::system_error(ec, "connect");
            ssl_.reset(SSL_new(ctx_));
            SSL_set_fd(ssl_.ssl, static_cast<int>(tcp_.native_handle()));
            char name[] = "localhost";  // SSL_set_tlsext_host_name(), without its old-style cast
            SSL_ctrl(ssl_.ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name);
            SSL_set1_host(ssl_.ssl, "localhost");
            SSL_set_connect_state(ssl_.ssl);
            state_ = step::handshake;
        }
        if (state_ == step::handshake) {
            const int result = SSL_do_handshake(ssl_.ssl);
            if (result != 1) return wanted_after(ssl_.ssl, result, "SSL_connect");
            state_ = step::transfer;
        }
        for (;;) {
            std::size_t n = 0;
            const int result = SSL_read_ex(ssl_.ssl, buffer_.data(), buffer_.size(), &n);
            if (result == 1) {
                got_ += n;
                continue;
            }
            if (SSL_get_error(ssl_.ssl, result) != SSL_ERROR_ZERO_RETURN)
                return wanted_after(ssl_.ssl, result, "SSL_read");
            break;
        }
        if (got_ != bytes_) throw std::runtime_error("OpenSSL: short transfer");
        ssl_.reset();
        state_ = step::finished;
        return portsock::poll_events::none;
    }
    void close() { tcp_.close(); }

private:
    std::uint16_t port_;
    SSL_CTX* ctx_;
    std::size_t bytes_;
    std::vector<char> buffer_;
    step state_ = step::finished;
    std::size_t got_ = 0;
    portsock::tcp_stream tcp_;
    ssl_ptr ssl_;
};

// A socket's registration on the poller, changed only when the wanted events change.
struct watched {
    portsock::poll_events interest = portsock::poll_events::none;
    bool added = false;
    void want(portsock::poller& poller, const portsock::basic_socket& socket, portsock::poll_events events,
              std::uint64_t token) {
        if (!added)
            poller.add(socket, events, token), added = true;
        else if (events != interest)
            poller.modify(socket, events, token);
        interest = events;
    }
    void forget(portsock::poller& poller, const portsock::basic_socket& socket) {
        if (added) poller.remove(socket);
        added = false, interest = portsock::poll_events::none;
    }
};

void openssl_round(const openssl_contexts& c, int count, std::size_t bytes) {
    enum : std::uint64_t { listener_token, server_token, client_token };
    portsock::poller poller;
    portsock::tcp_listener listener{loopback(0)};
    listener.set_non_blocking(true);
    openssl_server server(listener, c.server, bytes);
    openssl_client client(listener.local_endpoint().port(), c.client, bytes);
    watched listening, serving, connecting;
    std::array<portsock::poll_event, 4> events;
    for (int i = 0; i < count; ++i) {
        server.next_connection();
        client.next_connection();
        bool server_ready = true, client_ready = true;
        while (!server.finished() || !client.finished()) {
            if (server_ready && !server.finished()) {
                const portsock::poll_events want = server.advance();
                if (server.accepting())
                    listening.want(poller, listener, want, listener_token);
                else {
                    listening.want(poller, listener, portsock::poll_events::none, listener_token);
                    serving.want(poller, server.socket(), want, server_token);
                }
            }
            if (client_ready && !client.finished())
                connecting.want(poller, client.socket(), client.advance(), client_token);
            if (server.finished() && client.finished()) break;
            server_ready = client_ready = false;
            const std::size_t n = poller.wait(events);
            for (std::size_t e = 0; e < n; ++e) {
                if (events[e].token == client_token) client_ready = true;
                if (events[e].token != client_token) server_ready = true;
            }
        }
        serving.forget(poller, server.socket());
        connecting.forget(poller, client.socket());
        server.close();
        client.close();
    }
}

// --- measuring ------------------------------------------------------------------------------

struct sample {
    double seconds;
    double cpu_seconds;  // process CPU time: the one thread's
};

template <class Work>
sample measure(Work&& work) {
    const std::clock_t cpu = std::clock();
    const auto start = clock_type::now();
    work();
    return {std::chrono::duration<double>(clock_type::now() - start).count(),
            static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC};
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 != 0 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

void report(const char* what, const char* unit, double units, const std::vector<sample>& ours,
            const std::vector<sample>& theirs) {
    if (ours.empty() || theirs.empty()) {
        const std::vector<sample>& one = ours.empty() ? theirs : ours;
        std::vector<double> rate, cpu;
        for (const sample& s : one)
            rate.push_back(units / s.seconds), cpu.push_back(s.cpu_seconds * 1e6 / units);
        std::printf("%-10s %s only: %8.1f %s/s, %8.1f us CPU per %s\n", what,
                    ours.empty() ? "OpenSSL" : "portsock", median(rate), unit, median(cpu), unit);
        return;
    }
    std::vector<double> rate_a, rate_b, cpu_a, cpu_b, round_ratio;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        rate_a.push_back(units / ours[i].seconds);
        rate_b.push_back(units / theirs[i].seconds);
        cpu_a.push_back(ours[i].cpu_seconds * 1e6 / units);  // CPU microseconds per unit
        cpu_b.push_back(theirs[i].cpu_seconds * 1e6 / units);
        round_ratio.push_back(theirs[i].seconds / ours[i].seconds);
    }
    std::printf(
        "%-10s rate: portsock async %8.1f %s/s, OpenSSL %8.1f %s/s, ratio %.3f, median round ratio %.3f "
        "(higher is better)\n",
        what, median(rate_a), unit, median(rate_b), unit, median(rate_a) / median(rate_b),
        median(round_ratio));
    std::printf(
        "%-10s CPU:  portsock async %8.1f us, OpenSSL %8.1f us per %s, ratio %.3f (lower is better)\n", "",
        median(cpu_a), median(cpu_b), unit, median(cpu_a) / median(cpu_b));
}

}  // namespace

int main(int argc, char* argv[]) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: portsock_async_tls_bench <certificate dir> [rounds]\n");
        return 2;
    }
    dir = argv[1];
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
    const std::string only = argc > 3 ? argv[3] : "";
    const bool run_ours = only != "openssl", run_theirs = only != "portsock";
    const portsock_contexts ours;
    const openssl_contexts theirs;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::printf(
        "%d interleaved rounds, one thread each, poller backend %s; %d handshakes, then %zu MiB, per round\n",
        rounds, portsock::poller::backend(), handshakes, stream_bytes / (1024 * 1024));
    std::vector<sample> hs_ours, hs_theirs, bulk_ours, bulk_theirs;
    for (int r = 0; r < rounds; ++r) {  // interleaved, alternating who goes first
        const auto hs_a = [&] {
            if (!run_ours) return;
            hs_ours.push_back(measure([&] { portsock_round(ours, handshakes, greeting_size); }));
        };
        const auto hs_b = [&] {
            if (!run_theirs) return;
            hs_theirs.push_back(measure([&] { openssl_round(theirs, handshakes, greeting_size); }));
        };
        const auto bulk_a = [&] {
            if (!run_ours) return;
            bulk_ours.push_back(measure([&] { portsock_round(ours, 1, stream_bytes); }));
        };
        const auto bulk_b = [&] {
            if (!run_theirs) return;
            bulk_theirs.push_back(measure([&] { openssl_round(theirs, 1, stream_bytes); }));
        };
        if (r % 2 == 0)
            hs_a(), hs_b(), bulk_a(), bulk_b();
        else
            hs_b(), hs_a(), bulk_b(), bulk_a();
    }
    report("handshake", "hs", handshakes, hs_ours, hs_theirs);
    report("transfer", "MiB", static_cast<double>(stream_bytes) / (1024 * 1024), bulk_ours, bulk_theirs);
} catch (const std::exception& error) {
    std::fprintf(stderr, "portsock_async_tls_bench: %s\n", error.what());
    return 1;
}
