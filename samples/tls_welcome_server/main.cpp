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
#include <list>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

//! [client threads]
// The clients' threads: at most `limit` at once. Each is joined, never detached, so none
// outlives main() (a detached thread could still be freeing its TLS state at exit).
class client_threads {
public:
    explicit client_threads(std::size_t limit) : limit_(limit) {}
    ~client_threads() { join_all(); }

    // Waits until fewer than `limit` clients are being served.
    void wait_for_room() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return running_ < limit_; });
        join_finished(lock);
    }
    template <class Function>
    void start(Function function) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++running_;
        threads_.emplace_back([this, function = std::move(function)]() mutable {
            function();
            std::lock_guard<std::mutex> done(mutex_);
            --running_;
            finished_.push_back(std::this_thread::get_id());
            changed_.notify_all();
        });
    }
    void join_all() {
        for (std::thread& thread : threads_) thread.join();
        threads_.clear();
    }

private:
    void join_finished(std::unique_lock<std::mutex>& lock) {
        for (const std::thread::id id : std::exchange(finished_, {}))
            for (auto it = threads_.begin(); it != threads_.end(); ++it)
                if (it->get_id() == id) {
                    lock.unlock();  // the thread may still be leaving its last lock
                    it->join();
                    lock.lock();
                    threads_.erase(it);
                    break;
                }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::list<std::thread> threads_;
    std::vector<std::thread::id> finished_;
    std::size_t running_ = 0;
    const std::size_t limit_;
};

// One line to a stream, whole, even when several threads print at once.
void print_line(std::ostream& out, const std::string& line) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    out << line << std::endl;
}
//! [client threads]

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
    const auto context = portsock::tls_context::server(certificate, key);  // the chain's PEM file, the key's
    //! [server context]

    //! [serve]
    portsock::tcp_listener server{"localhost", port, {/*backlog=*/64}};
    std::cout << "Server is listening on port " << server.local_endpoint().port() << "..." << std::endl;

    client_threads threads{64};  // at most 64 clients served (and handshaking) at once
    for (long served = 0; clients < 0 || served < clients; ++served) {
        threads.wait_for_room();  // meanwhile the next client waits in the backlog
        std::error_code ec;
        auto [client, peer] = server.accept(ec);
        if (ec)
            throw std::system_error(ec, "accept");  // the listener failed: ~client_threads
                                                    // first finishes the clients in hand
        threads.start([&context, client = std::move(client), peer = peer]() mutable {
            serve_client(std::move(client), peer, context);
        });
    }
    threads.join_all();  // every client served before main() returns
    //! [serve]
} catch (const std::exception& error) {
    std::cerr << "tls_welcome_server: " << error.what() << '\n';
    return 1;
}
