// Helpers of the TLS tests: the certificates make_certs.sh made for this run, contexts
// that use them, and a loopback server whose one connection is served on a thread.
#pragma once

#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include "../unit/test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <string>

namespace portsock_tls_test {

using namespace portsock_test;
using portsock::tls_context;
using portsock::tls_errc;
using portsock::tls_role;
using portsock::tls_stream;

inline std::string cert_path(const std::string& name) {
    const char* dir = std::getenv("PORTSOCK_TLS_CERTS");
    return std::string(dir != nullptr ? dir : "tls-certs") + "/" + name;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline tls_context server_context(const std::string& cert = "server.pem") {
    tls_context context(tls_role::server);
    context.use_certificate_chain_file(cert_path(cert));
    context.use_private_key_file(cert_path("leaf.key"));
    return context;
}

inline tls_context client_context() {
    tls_context context(tls_role::client);
    context.load_verify_file(cert_path("ca.pem"));
    return context;
}

// A loopback listener whose one connection is served on a thread by `serve`, which gets
// the accepted TCP stream. The thread is joined (its result checked) on finish().
class one_shot_server {
public:
    explicit one_shot_server(std::function<void(portsock::tcp_stream&&)> serve)
        : listener_(portsock::endpoint{portsock::ip_address::loopback_v4(), 0}),
          port_(listener_.local_endpoint().port()) {
        done_ = std::async(std::launch::async, [this, serve = std::move(serve)] {
            auto [stream, peer] = listener_.accept(patience);
            serve(std::move(stream));
        });
    }
    ~one_shot_server() {
        if (done_.valid()) done_.wait();
    }
    std::uint16_t port() const { return port_; }
    void finish() { done_.get(); }  // rethrows what the server thread threw

private:
    portsock::tcp_listener listener_;
    std::uint16_t port_;
    std::future<void> done_;
};

// A TLS server that completes the handshake and hands the stream to `then`; records the
// handshake's error (if any) in `server_error`.
inline std::function<void(portsock::tcp_stream&&)> tls_serving(const tls_context& context,
                                                               std::error_code& server_error,
                                                               std::function<void(tls_stream&)> then = {}) {
    return [&context, &server_error, then](portsock::tcp_stream&& tcp) {
        tls_stream tls = tls_stream::server(std::move(tcp), context, server_error, patience);
        if (!server_error && then) then(tls);
    };
}

}  // namespace portsock_tls_test
