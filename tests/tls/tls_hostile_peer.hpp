// A hostile TLS peer written with OpenSSL's own API (portsock offers no way to send these
// records): it floods TLS 1.3 key updates, or sends TLS 1.2 renegotiation requests, records
// that carry no application data. Shared by the blocking (tests/tls/tls_hostile_peer_test.cpp)
// and the async (tests/async/async_tls_hostile_peer_test.cpp) tests.
//
// The peer runs OpenSSL over memory BIOs and moves the bytes with a portsock tcp_stream, so
// it needs no OS header and no SIGPIPE handling, and runs under the emulator too.
#pragma once

#include "tls_test_support.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace portsock_tls_test {

struct ssl_free_t {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

// One server connection: OpenSSL's SSL object, its memory BIOs, and the TCP stream.
class openssl_peer {
public:
    openssl_peer(portsock::tcp_stream&& tcp, int max_version) : tcp_(std::move(tcp)) {
        ctx_.reset(SSL_CTX_new(TLS_server_method()));
        SSL_CTX_set_max_proto_version(ctx_.get(), max_version);
        SSL_CTX_use_certificate_chain_file(ctx_.get(), cert_path("server.pem").c_str());
        SSL_CTX_use_PrivateKey_file(ctx_.get(), cert_path("leaf.key").c_str(), SSL_FILETYPE_PEM);
        ssl_.reset(SSL_new(ctx_.get()));
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        SSL_set_bio(ssl_.get(), in_, out_);  // the SSL object owns both
        SSL_set_accept_state(ssl_.get());
    }

    // Runs the server's handshake; false if it fails (bounded: a handshake is a few steps).
    bool accept() {
        for (int step = 0; step < 20; ++step) {
            const int result = SSL_do_handshake(ssl_.get());
            if (!flush()) return false;
            if (result == 1) return true;
            if (SSL_get_error(ssl_.get(), result) != SSL_ERROR_WANT_READ || !fill()) return false;
        }
        return false;
    }

    // Queues `count` TLS 1.3 key updates (no reply requested); false once OpenSSL refuses.
    bool queue_key_updates(int count) {
        for (int i = 0; i < count; ++i) {
            if (SSL_key_update(ssl_.get(), SSL_KEY_UPDATE_NOT_REQUESTED) != 1 ||
                SSL_do_handshake(ssl_.get()) != 1)
                return false;
        }
        return true;
    }

    // Queues a TLS 1.2 HelloRequest. OpenSSL sends one per renegotiation, and then waits
    // for the client's hello: a flood of them needs a peer that forges its own records.
    bool queue_renegotiation_request() {
        if (SSL_renegotiate(ssl_.get()) != 1) return false;
        SSL_do_handshake(ssl_.get());  // sends the HelloRequest, then waits for a hello
        return BIO_ctrl_pending(out_) > 0;
    }

    // Reads the client's answer to a HelloRequest: OpenSSL's reason for failing on it, e.g.
    // "no renegotiation" for the client's refusal; empty if the read did not fail.
    std::string answer_to_renegotiation() {
        ERR_clear_error();
        for (int step = 0; step < 20 && fill(); ++step) {
            char byte;
            std::size_t got = 0;
            const int result = SSL_read_ex(ssl_.get(), &byte, 1, &got);
            flush();
            if (result == 1) return {};
            if (SSL_get_error(ssl_.get(), result) == SSL_ERROR_WANT_READ) continue;
            const char* reason = ERR_reason_error_string(ERR_peek_error());
            return reason != nullptr ? reason : "an error with no reason";
        }
        return {};
    }

    // Queues application data.
    bool queue_data(std::string_view text) {
        std::size_t written = 0;
        return SSL_write_ex(ssl_.get(), text.data(), text.size(), &written) == 1 && written == text.size();
    }

    // Sends what OpenSSL queued; false if the client went away.
    bool flush() {
        char buffer[16384];
        int size = 0;
        while ((size = BIO_read(out_, buffer, sizeof buffer)) > 0) {
            std::error_code ec;
            tcp_.send_all(buffer, static_cast<std::size_t>(size), ec, patience);
            if (ec) return false;
        }
        return true;
    }

private:
    // Reads what the client sent into OpenSSL; false at its end.
    bool fill() {
        char buffer[16384];
        std::error_code ec;
        const std::size_t got = tcp_.receive(buffer, sizeof buffer, ec, patience);
        return !ec && got > 0 && BIO_write(in_, buffer, static_cast<int>(got)) == static_cast<int>(got);
    }

    portsock::tcp_stream tcp_;
    std::unique_ptr<SSL_CTX, ssl_free_t> ctx_;
    std::unique_ptr<SSL, ssl_free_t> ssl_;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
};

constexpr auto receive_limit = 200ms;
// The bound: a timed receive ends within its limit plus one record and the scheduler's
// slack. Before the fix, a flood held it for as long as the flood lasted (4.2 s measured).
constexpr auto bound = receive_limit + 800ms;
constexpr auto flood_length = 10s;  // how long the peer floods at most
constexpr std::size_t flood_send_buffer = 8 * 1024;

// The peer floods records with `queue_some` until told to stop (or flood_length), then sends
// "after". `records` counts the flood's records, `ok` whether the peer got that far.
struct flood_result {
    std::atomic<int> records{0};
    std::atomic<bool> stop{false};
    bool handshake_done = false;
    bool sent_after = false;
};

template <class QueueSome>
std::function<void(portsock::tcp_stream&&)> flooding_peer(int max_version, flood_result& result,
                                                          QueueSome queue_some) {
    return [max_version, &result, queue_some](portsock::tcp_stream&& tcp) {
        // A small send buffer keeps the backlog the client must read through after the
        // flood short: one loop turn or system call per record is slow under the emulator.
        std::error_code ignored;  // the OS default only makes the test slower
        tcp.set_send_buffer_size(flood_send_buffer, ignored);
        openssl_peer peer(std::move(tcp), max_version);
        result.handshake_done = peer.accept();
        if (!result.handshake_done) return;
        const stopwatch clock;
        while (!result.stop && clock.elapsed() < flood_length) {
            const int queued = queue_some(peer);
            if (!peer.flush() || queued == 0) return;
            result.records += queued;
        }
        result.sent_after = peer.queue_data("after") && peer.flush();
    };
}

// Queues 64 key updates per pass: the flood of KeyUpdateFloodCannotHoldATimedReceive.
inline int queue_64_key_updates(openssl_peer& peer) { return peer.queue_key_updates(64) ? 64 : 0; }

}  // namespace portsock_tls_test
