// The async echo server on every core: one event loop per thread, and the main thread's
// loop accepts and hands each connection to the next worker with post(). Portable: no
// SO_REUSEPORT, and no socket is ever used by two threads at once.
//
// usage: async_multicore_server [port] [clients] [threads]
//   port     where to listen (default 12345; 0 lets the OS choose, and prints it)
//   clients  exit once this many clients have come and gone (default: serve forever)
//   threads  worker loops (default: one per core)
#include <portsock/async.hpp>
#include <portsock/portsock.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace async = portsock::async;

struct worker {
    async::event_loop loop;
    std::thread thread;
    // Touched on the worker's own thread only (the main thread reaches it through post()):
    std::vector<portsock::tcp_stream> inbox;
    async::event mail;
    bool closing = false;
};

async::task<> echo(async::tcp_stream client) {
    char buffer[2048];
    std::error_code ec;
    for (std::size_t n; (n = co_await client.receive(buffer, sizeof buffer, ec)) > 0;)
        if (co_await client.send_all(buffer, n, ec); ec) break;
}

async::task<> work(worker& self) {
    async::task_group clients;
    for (bool closing = false; !closing;) {
        co_await self.mail.wait();
        self.mail.clear();
        for (auto& socket : self.inbox) clients.spawn(echo(async::tcp_stream(std::move(socket))));
        self.inbox.clear();
        closing = self.closing;
    }
    co_await clients.join();  // the clients this worker still serves
}

/// Hands a connection to a worker: post() runs the function on the worker's thread.
void hand_over(worker& to, portsock::tcp_stream socket) {
    auto parcel = std::make_shared<portsock::tcp_stream>(std::move(socket));  // std::function copies
    to.loop.post([&to, parcel] {
        to.inbox.push_back(std::move(*parcel));
        to.mail.set();
    });
}

async::task<> accept_clients(std::uint16_t port, long clients,
                             std::vector<std::unique_ptr<worker>>& workers) {
    async::tcp_listener listener{portsock::tcp_listener{"localhost", port, {/*backlog=*/1024}}};
    std::cout << "Async echo server (" << workers.size() << " loops) is listening on port "
              << listener.socket().local_endpoint().port() << "..." << std::endl;
    for (long accepted = 0; clients < 0 || accepted < clients; ++accepted) {
        auto connection = co_await listener.accept();
        hand_over(*workers[static_cast<std::size_t>(accepted) % workers.size()],
                  connection.stream.take_socket());
    }
}

/// No more clients: each worker ends once its own have left.
void close_workers(std::vector<std::unique_ptr<worker>>& workers) {
    for (auto& w : workers) {
        w->loop.post([&w = *w] {
            w.closing = true;
            w.mail.set();
        });
    }
    for (auto& w : workers) w->thread.join();
}

}  // namespace

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const long clients = argc > 2 ? std::stol(argv[2]) : -1;
    const unsigned threads = argc > 3 ? static_cast<unsigned>(std::stoul(argv[3]))
                                      : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::unique_ptr<worker>> workers;
    for (unsigned i = 0; i < threads; ++i) {
        workers.push_back(std::make_unique<worker>());
        worker& w = *workers.back();
        w.thread = std::thread([&w] {
            try {
                w.loop.run(work(w));
            } catch (const std::exception& error) {
                std::cerr << "async_multicore_server worker: " << error.what() << '\n';
            }
        });
    }
    try {
        async::event_loop acceptor;
        acceptor.run(accept_clients(port, clients, workers));
    } catch (...) {
        close_workers(workers);
        throw;
    }
    close_workers(workers);
    std::cout << "Served " << clients << " clients." << std::endl;
} catch (const std::exception& error) {
    std::cerr << "async_multicore_server: " << error.what() << '\n';
    return 1;
}
