// The TLS guide's examples, compiled and run by the tests (docs_snippet_tls_guide) with the
// certificates tests/tls/make_certs.sh made (directory in PORTSOCK_TLS_CERTS). A portsock
// TLS server runs on a thread; every check prints what failed and exits 1.
//! [includes]
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>  // the optional tls component: link portsock::tls
//! [includes]

#include "snippet_check.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using snippet::check;

//! [certs]
// Where this program finds its certificate files: $PORTSOCK_TLS_CERTS, else ./tls-certs.
std::string certs(const char* name) {
    const char* dir = std::getenv("PORTSOCK_TLS_CERTS");
    return std::string(dir != nullptr ? dir : "tls-certs") + "/" + name;
}
//! [certs]

// Serves `count` connections on `listener`: greets each, ends with close_notify, or, when
// `truncate` is set, cuts the TCP stream without it.
void serve(portsock::tcp_listener& listener, int count, bool truncate) {
    //! [server]
    portsock::tls_context context(portsock::tls_role::server);
    context.use_certificate_chain_file(certs("chain.pem"));  // the certificate, then its CA
    context.use_private_key_file(certs("leaf.key"));

    auto [tcp, peer] = listener.accept();
    std::error_code ec;
    auto tls = portsock::tls_stream::server(std::move(tcp), context, ec, 10s);
    if (!ec) tls.send_all("Welcome to the server!", ec, 10s);
    if (!ec && !truncate) tls.send_close_notify(ec, 10s);  // close_notify: a clean end for the client
    //! [server]
    if (count > 1) serve(listener, count - 1, truncate);
}

void client_examples(std::uint16_t port) {
    //! [client context]
    portsock::tls_context context(portsock::tls_role::client);  // verification is on
    context.load_verify_file(certs("ca.pem"));  // also trust this CA (the system's are trusted)
    //! [client context]

    //! [client]
    auto stream = portsock::tls_stream::connect(context, "localhost", port, 10s);
    std::string reply;
    char buffer[256];
    while (std::size_t n = stream.receive(buffer, sizeof buffer, 10s)) {  // 0: close_notify
        reply.append(buffer, n);
    }
    //! [client]
    check(reply == "Welcome to the server!", "the client reads the welcome, then a clean end");
}

void verification_example(std::uint16_t port) {
    portsock::tls_context context(portsock::tls_role::client);
    context.load_verify_file(certs("ca.pem"));
    bool rejected = false;
    //! [verify error]
    try {
        // Connected to this address, but expecting a certificate for www.example.com:
        auto tcp = portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), port}, 10s);
        auto stream = portsock::tls_stream::client(std::move(tcp), context, "www.example.com", 10s);
    } catch (const std::system_error& error) {
        if (error.code() == portsock::tls_errc::certificate_verify_failed) {
            // what(): "...: certificate verify failed: hostname mismatch"
            std::cerr << error.what() << '\n';
            rejected = true;
        }
    }
    //! [verify error]
    check(rejected, "a name the certificate does not carry is rejected");
}

void truncation_example(std::uint16_t port) {
    portsock::tls_context context(portsock::tls_role::client);
    context.load_verify_file(certs("ca.pem"));
    auto stream = portsock::tls_stream::connect(context, "localhost", port, 10s);
    //! [truncation]
    char buffer[256];
    std::error_code ec;
    std::size_t n = 0;
    while ((n = stream.receive(buffer, sizeof buffer, ec, 10s)) > 0) {
        // use the bytes
    }
    if (ec == portsock::tls_errc::unexpected_eof) {
        // The connection ended without close_notify: what arrived may be cut short.
    }
    //! [truncation]
    check(ec == portsock::tls_errc::unexpected_eof, "a cut without close_notify is unexpected_eof");
}

void non_blocking_example(std::uint16_t port) {
    portsock::tls_context context(portsock::tls_role::client);
    context.load_verify_file(certs("ca.pem"));
    std::string reply;
    //! [non-blocking]
    auto tcp = portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), port}, 10s);
    tcp.set_non_blocking(true);
    std::error_code ec;
    auto tls = portsock::tls_stream::client(std::move(tcp), context, "localhost", ec);

    portsock::poller poller;
    poller.add(tls.next_layer(), portsock::poll_events::readable, 1);
    portsock::poll_event events[4];
    char buffer[256];
    for (int rounds = 0; rounds < 1000; ++rounds) {
        if (ec == portsock::tls_errc::want_read || ec == portsock::tls_errc::want_write) {
            // Wait for what TLS needs: a handshake or a receive may need to write, too.
            const auto need = ec == portsock::tls_errc::want_write ? portsock::poll_events::writable
                                                                   : portsock::poll_events::readable;
            poller.modify(tls.next_layer(), need, 1);
            poller.wait(events, 4, 10s);
        } else if (ec) {
            break;  // a real error
        }
        if (!tls.is_handshake_done()) {
            tls.handshake(ec);
            continue;
        }
        const std::size_t n = tls.receive(buffer, sizeof buffer, ec);
        if (!ec && n == 0) break;  // close_notify
        if (!ec) reply.append(buffer, n);
    }
    //! [non-blocking]
    check(!ec, "the non-blocking client ends cleanly");
    check(reply == "Welcome to the server!", "the non-blocking client reads the welcome");
}

}  // namespace

int main() try {
    portsock::tcp_listener listener{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    const std::uint16_t port = listener.local_endpoint().port();
    std::thread server([&] { serve(listener, 3, false); });
    client_examples(port);
    verification_example(port);
    non_blocking_example(port);
    server.join();
    std::thread cutting_server([&] { serve(listener, 1, true); });
    truncation_example(port);
    cutting_server.join();
    return snippet::exit_code();
} catch (const std::exception& error) {
    std::cerr << "tls_guide: " << error.what() << '\n';
    return 1;
}
