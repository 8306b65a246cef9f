// The error-handling guide's examples, compiled and run by the tests
// (docs_snippet_errors_guide); every check prints what failed and exits 1.
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>

namespace {

using snippet::check;

// An endpoint where nothing listens: a port the OS gave us, then released.
portsock::endpoint closed_port() {
    portsock::tcp_listener listener{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    return listener.local_endpoint();
}

void throwing_form(std::uint16_t port) {
    bool refused = false;
    //! [throwing]
    const portsock::endpoint server{portsock::ip_address::loopback_v4(), port};
    try {
        auto stream = portsock::tcp_stream::connect(server);
        stream.send_all("hello");
    } catch (const std::system_error& error) {
        // what() names the operation and the OS's message; code() is for decisions.
        std::cerr << error.what() << '\n';
        if (error.code() == std::errc::connection_refused) {
            refused = true;  // nothing listens there: the same test on Windows and POSIX
        }
    }
    //! [throwing]
    check(refused, "throwing connect reports connection_refused");
}

void error_code_form(std::uint16_t port) {
    //! [error_code]
    const portsock::endpoint server{portsock::ip_address::loopback_v4(), port};
    std::error_code ec;
    auto stream = portsock::tcp_stream::connect(server, ec);  // noexcept
    if (ec == std::errc::connection_refused) {
        std::cerr << "nobody listens on " << server << ": " << ec.message() << '\n';
    } else if (ec) {
        std::cerr << "connect failed: " << ec.category().name() << ' ' << ec.value() << '\n';
    }
    //! [error_code]
    check(ec == std::errc::connection_refused, "error_code connect reports connection_refused");
    check(!stream.is_open(), "a failed connect returns an empty stream");
}

void portsock_codes() {
    //! [portsock_errc]
    std::error_code ec;
    std::uint16_t port = portsock::parse_port("70000", ec);
    if (ec == portsock::errc::invalid_port) {
        // Precise: portsock's own code...
    }
    if (ec == std::errc::invalid_argument) {
        // ...and portable: it also compares equal to the std::errc it belongs to.
    }
    //! [portsock_errc]
    check(port == 0 && ec == portsock::errc::invalid_port && ec == std::errc::invalid_argument,
          "portsock::errc compares with std::errc");
}

void timeouts() {
    using namespace std::chrono_literals;
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    auto stream = portsock::tcp_stream::connect(server.local_endpoint(), 2s);
    auto [connection, peer] = server.accept(2s);
    //! [timeout]
    // Any std::chrono duration is a timeout; no argument waits forever.
    std::error_code ec;
    char buffer[512];
    std::size_t size = stream.receive(buffer, sizeof buffer, ec, 100ms);
    if (ec == std::errc::timed_out) {
        // Nothing arrived within 100 ms. The stream is still usable: try again, or give up.
    }
    //! [timeout]
    check(size == 0 && ec == std::errc::timed_out, "receive with a timeout reports timed_out");

    bool timed_out = false;
    //! [timeout_throwing]
    try {
        auto [client, from] = server.accept(50ms);
    } catch (const std::system_error& error) {
        timed_out = error.code() == std::errc::timed_out;
    }
    //! [timeout_throwing]
    check(timed_out, "accept with a timeout throws timed_out");

    std::error_code ec2;
    //! [deadline]
    // The whole request, connect to last byte, within 200 ms.
    const auto deadline = std::chrono::steady_clock::now() + 200ms;
    auto client = portsock::tcp_stream::connect(server.local_endpoint(), deadline);
    client.send_all("GET / HTTP/1.0\r\n\r\n", ec2, deadline);
    char reply[64];
    client.receive_exact(reply, sizeof reply, ec2, deadline);  // what is left of the 200 ms
    //! [deadline]
    check(ec2 == std::errc::timed_out && std::chrono::steady_clock::now() < deadline + 1s,
          "one deadline bounds several calls");
}

void end_of_stream() {
    using namespace std::chrono_literals;
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    auto stream = portsock::tcp_stream::connect(server.local_endpoint(), 2s);
    {
        auto [connection, peer] = server.accept(2s);
        connection.send_all("bye");
    }  // the server side closes here
    std::string received;
    //! [end_of_stream]
    // receive() returning 0 (or an empty string) is not an error: the peer has finished.
    char buffer[512];
    while (std::size_t size = stream.receive(buffer, sizeof buffer)) {
        received.append(buffer, size);
    }
    //! [end_of_stream]
    check(received == "bye", "receive until end of stream");

    //! [receive_exact]
    // receive_exact() was promised a number of bytes: a stream that ends first is an error.
    std::error_code ec;
    char header[4];
    stream.receive_exact(header, sizeof header, ec);
    if (ec == portsock::errc::end_of_stream) {
        // The peer closed before sending a whole header.
    }
    //! [receive_exact]
    check(ec == portsock::errc::end_of_stream, "receive_exact reports end_of_stream");
}

void partial_send() {
    using namespace std::chrono_literals;
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    auto stream = portsock::tcp_stream::connect(server.local_endpoint(), 2s);
    auto [reader, peer] = server.accept(2s);  // it never reads: the send fills the buffers and waits
    const std::string message(32u << 20, 'x');
    std::size_t sent = 0;
    std::string what;
    //! [transfer_error]
    try {
        stream.send_all(message, 200ms);
    } catch (const portsock::transfer_error& error) {
        // what(): "portsock::tcp_stream::send_all (2620352 of 33554432 bytes sent)
        //          (waited 200 ms): Connection timed out"
        sent = error.bytes_transferred();  // the peer has these; resume after them, or give up
        what = error.what();
    }
    //! [transfer_error]
    check(sent > 0 && sent < message.size(), "transfer_error counts the bytes that went");
    check(what.find(" of 33554432 bytes sent) (waited 200 ms): ") != std::string::npos, "what() says it too");
}

void cancelling() {
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    std::error_code outcome;
    //! [cancel]
    // A thread serves clients until another thread stops it.
    std::thread serving([&] {
        for (;;) {
            std::error_code ec;
            auto [client, peer] = server.accept(ec);
            if (ec == std::errc::operation_canceled) break;  // asked to stop
            if (!ec) client.send_all("Welcome to the server!", ec);
            outcome = ec;
        }
    });
    // ... later, in another thread:
    server.cancel();  // the blocked accept() returns operation_canceled
    serving.join();
    server.close();  // only once no thread uses it
    //! [cancel]
    check(!outcome && !server.is_open(), "cancel() stops the serving thread");
}

void empty_socket() {
    //! [not_open]
    portsock::tcp_stream stream;  // empty: default-constructed, moved-from or closed
    std::error_code ec;
    stream.send_all("hello", ec);
    // ec == portsock::errc::not_open, which equals std::errc::bad_file_descriptor
    //! [not_open]
    check(ec == portsock::errc::not_open && ec == std::errc::bad_file_descriptor, "empty socket");
}

}  // namespace

int main() try {
    const std::uint16_t port = closed_port().port();  // nothing listens there
    throwing_form(port);
    error_code_form(port);
    portsock_codes();
    timeouts();
    end_of_stream();
    partial_send();
    cancelling();
    empty_socket();
    return snippet::exit_code();
} catch (const std::exception& error) {
    std::cerr << "FAILED: " << error.what() << '\n';
    return EXIT_FAILURE;
}
