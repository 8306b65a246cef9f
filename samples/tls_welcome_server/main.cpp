// The tutorial's welcome server over TLS: greets each client with "Welcome to the server!",
// ends the session with close_notify, and goes on serving whatever any client did.
//
// Each client gets a thread of its own, so a client that connects and says nothing holds
// only its own thread, for at most the 10 s its handshake may take, never the next client.
// At most 64 clients are served at once: the 65th waits in the listener's backlog until a
// thread is free. (A one-thread server that holds thousands of clients is the async
// layer's job; see the scaling guide for the poller.)
//
// usage: tls_welcome_server [port] [cert.pem] [key.pem] [clients]
//   port      where to listen (default 12345; 0 lets the OS choose, and prints it)
//   cert.pem  the certificate chain (default server.pem); key.pem its key (default key.pem)
//   clients   how many connections to take before exiting, once all are served
//             (default: serve forever)
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

//! [client slots]
// How many clients are being served at once: acquire() waits for a free slot.
class client_slots {
public:
    explicit client_slots(int limit) : free_(limit), limit_(limit) {}

    void acquire() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return free_ > 0; });
        --free_;
    }
    void release() {
        std::lock_guard<std::mutex> lock(mutex_);
        ++free_;
        changed_.notify_all();
    }
    void wait_until_idle() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return free_ == limit_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int free_;
    const int limit_;
};

// One line to a stream, whole, even when several threads print at once.
void print_line(std::ostream& out, const std::string& line) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    out << line << std::endl;
}
//! [client slots]

//! [serve one]
using namespace std::chrono_literals;

// Handshake, greeting and close_notify, each within 10 s: a silent or slow client fails
// here, in its own thread. One client's failure never stops the server.
void serve_client(portsock::tcp_stream client, portsock::endpoint peer,
                  const portsock::tls_context& context) {
    std::ostringstream who;
    who << peer;
    try {
        auto secure = portsock::tls_stream::server(std::move(client), context, 10s);
        print_line(std::cout, "Connection from " + who.str() + " has been established!");
        secure.send_all("Welcome to the server!", 10s);
        secure.send_close_notify(10s);  // close_notify: the client reads a clean end of stream
    } catch (const std::system_error& error) {
        print_line(std::cerr, "tls_welcome_server: " + who.str() + ": " + error.what());
    }
}
//! [serve one]

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const std::string certificate = argc > 2 ? argv[2] : "server.pem";
    const std::string key = argc > 3 ? argv[3] : "key.pem";
    const long clients = argc > 4 ? std::stol(argv[4]) : -1;

    //! [server context]
    portsock::tls_context context(portsock::tls_role::server);
    context.use_certificate_chain_file(certificate);
    context.use_private_key_file(key);
    //! [server context]

    //! [serve]
    portsock::tcp_listener server{"localhost", port, {/*backlog=*/64}};
    std::cout << "Server is listening on port " << server.local_endpoint().port() << "..." << std::endl;

    client_slots slots{64};  // at most 64 clients served (and handshaking) at once
    for (long served = 0; clients < 0 || served < clients; ++served) {
        slots.acquire();
        std::error_code ec;
        auto [client, peer] = server.accept(ec);
        if (ec) {  // the listener itself failed: finish the clients in hand, then stop
            slots.release();
            slots.wait_until_idle();
            throw std::system_error(ec, "accept");
        }
        std::thread([&slots, &context, client = std::move(client), peer = peer]() mutable {
            serve_client(std::move(client), peer, context);
            slots.release();
        }).detach();
    }
    slots.wait_until_idle();  // every client served before main() returns
    //! [serve]
} catch (const std::exception& error) {
    std::cerr << "tls_welcome_server: " << error.what() << '\n';
    return 1;
}
