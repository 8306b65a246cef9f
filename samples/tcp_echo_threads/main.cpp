// An echo server with a thread per client: the blocking step between the welcome server
// and the one-thread poller server (echo_server_poller).
//
// Each client's thread sends back whatever the client sends until it closes. Press Enter
// (or close standard input) to stop the server cleanly: the main thread cancel()s the
// listener and every connection, which wakes the threads blocked in accept() and
// receive() on every OS, joins every thread, and exits.
//
// usage: tcp_echo_threads [port]
//   port  where to listen (default 12345; 0 lets the OS choose, and prints it)
#include <portsock/portsock.hpp>

#include <atomic>
#include <iostream>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace {

//! [client]
// One client: its connection and the thread that echoes on it.
struct client {
    portsock::tcp_stream stream;
    std::thread thread;
    std::atomic<bool> finished{false};
};

void echo(portsock::tcp_stream& stream) noexcept {
    char buffer[4096];
    std::error_code ec;
    for (;;) {
        const std::size_t got = stream.receive(buffer, sizeof buffer, ec);
        if (ec || got == 0) return;  // the client closed, reset, or the server cancelled us
        stream.send_all(buffer, got, ec);
        if (ec) return;
    }
}
//! [client]

//! [clients]
// Every client still connected, so that stop() can reach them from another thread.
class client_list {
public:
    void start(portsock::tcp_stream stream) {
        std::lock_guard<std::mutex> lock(mutex_);
        join_finished();
        client& added = clients_.emplace_back();
        added.stream = std::move(stream);
        added.thread = std::thread([&added] {
            echo(added.stream);
            added.finished = true;
        });
        ++served_;
    }

    // cancel() is the one call that may run while another thread is blocked on the
    // socket: the blocked receive() returns operation_canceled, and the client reads end
    // of stream. Then each thread can be joined.
    void stop() {
        std::lock_guard<std::mutex> lock(mutex_);
        for (client& each : clients_) {
            std::error_code ignored;  // a connection that is already gone has nothing to stop
            each.stream.cancel(ignored);
        }
        for (client& each : clients_) each.thread.join();
        clients_.clear();
    }

    long served() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return served_;
    }

private:
    void join_finished() {  // keeps the list as long as the clients connected now
        for (auto it = clients_.begin(); it != clients_.end();) {
            if (it->finished) {
                it->thread.join();
                it = clients_.erase(it);
            } else {
                ++it;
            }
        }
    }

    mutable std::mutex mutex_;
    std::list<client> clients_;
    long served_ = 0;
};
//! [clients]

}  // namespace

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;

    portsock::tcp_listener server{"localhost", port, {/*backlog=*/64}};
    std::cout << "Server is listening on port " << server.local_endpoint().port() << "..." << std::endl;

    //! [accept]
    client_list clients;
    std::thread acceptor([&] {
        for (;;) {
            std::error_code ec;
            auto [stream, peer] = server.accept(ec);
            if (ec == std::errc::operation_canceled) return;  // stop: main() cancelled the listener
            if (ec) {
                std::cerr << "tcp_echo_threads: accept: " << ec.message() << std::endl;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));  // e.g. out of descriptors
                continue;
            }
            clients.start(std::move(stream));
        }
    });
    //! [accept]

    //! [stop]
    std::string line;
    std::getline(std::cin, line);  // Enter, or the end of standard input
    std::error_code ec;            // (the noexcept form: the threads must be joined whatever happens)
    server.cancel(ec);             // wakes accept() in the acceptor thread
    acceptor.join();
    clients.stop();  // wakes every receive(), joins every client thread
    std::cout << "Server stopped: " << clients.served() << " client(s) served" << std::endl;
    //! [stop]
} catch (const std::exception& error) {
    std::cerr << "tcp_echo_threads: " << error.what() << '\n';
    return 1;
}
