// The guide "Serving many clients on one thread": a thread per client, non-blocking
// sockets, the poller (an echo over loopback, level-triggered readiness, wake()), a
// non-blocking connect that succeeds and one that is refused, and UDP batches. Compiled and
// run by the tests (docs_snippet_scaling_guide); every check prints what failed and exits 1.
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using snippet::check;

portsock::endpoint any_loopback_port() { return portsock::endpoint{portsock::ip_address::loopback_v4(), 0}; }

// An endpoint where nothing listens: a port the OS gave us, then released.
portsock::endpoint closed_port() {
    portsock::tcp_listener listener{any_loopback_port()};
    return listener.local_endpoint();
}

struct tcp_pair {
    portsock::tcp_stream client;
    portsock::tcp_stream server;
};

tcp_pair connected_pair() {
    portsock::tcp_listener listener{any_loopback_port()};
    tcp_pair pair;
    pair.client = portsock::tcp_stream::connect(listener.local_endpoint(), 5s);
    pair.server = listener.accept(5s).stream;
    return pair;
}

/// Waits up to `limit` until `poller` reports `token`; returns its events (none if it never did).
portsock::poll_events wait_for_token(portsock::poller& poller, std::uint64_t token,
                                     std::chrono::steady_clock::duration limit) {
    std::array<portsock::poll_event, 16> events;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        const std::size_t n = poller.wait(events, 100ms);
        for (std::size_t i = 0; i < n; ++i)
            if (events[i].token == token) return events[i].events;
    }
    return portsock::poll_events::none;
}

void thread_per_client() {
    constexpr int clients = 2;
    portsock::tcp_listener listener{any_loopback_port()};
    std::vector<portsock::tcp_stream> peers;  // the clients' ends
    for (int i = 0; i < clients; ++i) {
        peers.push_back(portsock::tcp_stream::connect(listener.local_endpoint(), 5s));
    }
    //! [thread_per_client]
    // Each client gets a thread of its own, which owns the stream and may block freely.
    std::vector<std::thread> workers;
    for (int served = 0; served < clients; ++served) {
        portsock::tcp_stream stream = listener.accept(5s).stream;
        workers.emplace_back([stream = std::move(stream)]() mutable {
            char buffer[4096];
            std::error_code ec;
            while (std::size_t n = stream.receive(buffer, sizeof buffer, ec, 5s)) {
                stream.send_all(buffer, n, ec);  // echo
            }                                    // 0: end of stream, or an error (ec says which)
        });
    }
    //! [thread_per_client]
    bool echoed = true;
    for (portsock::tcp_stream& peer : peers) {
        std::error_code ec;
        char reply[4] = {};
        peer.send_all("ping", ec, 5s);
        peer.receive_exact(reply, sizeof reply, ec, 5s);
        echoed = echoed && !ec && std::string_view(reply, sizeof reply) == "ping";
        peer.close(ec);  // the worker reads end of stream and returns
    }
    for (std::thread& worker : workers) worker.join();
    check(echoed, "a thread per client echoes every client");
}

void non_blocking() {
    tcp_pair pair = connected_pair();
    portsock::tcp_stream& stream = pair.server;
    //! [non_blocking]
    stream.set_non_blocking(true);  // accepted and connected streams start blocking
    char buffer[4096];
    std::error_code ec;
    std::size_t n = stream.receive(buffer, sizeof buffer, ec);
    if (ec == std::errc::operation_would_block) {
        // Nothing has arrived yet. Not a failure: try again once the poller says readable.
    }
    //! [non_blocking]
    check(n == 0 && ec == std::errc::operation_would_block, "a non-blocking receive reports would-block");

    const auto start = std::chrono::steady_clock::now();
    n = stream.receive(buffer, sizeof buffer, ec, 5s);
    check(n == 0 && ec == std::errc::operation_would_block && std::chrono::steady_clock::now() - start < 2s,
          "non-blocking mode ignores timeouts");
}

//! [drain]
// Reads what has arrived, stopping at would-block, or after 16 reads so that one busy
// client cannot starve the others (readiness is level-triggered: the rest is reported
// again by the next wait()). Returns false once the stream has ended or failed.
bool drain(portsock::tcp_stream& stream, std::string& received) {
    char buffer[4096];
    for (int reads = 0; reads < 16; ++reads) {
        std::error_code ec;
        const std::size_t n = stream.receive(buffer, sizeof buffer, ec);
        if (ec == std::errc::operation_would_block) return true;  // all read, for now
        if (ec || n == 0) return false;                           // failed, or end of stream
        received.append(buffer, n);
    }
    return true;
}
//! [drain]

//! [table]
// Tokens are yours to choose. Here each client gets a key into a map; the listener has 0.
constexpr std::uint64_t listener_token = 0;

struct connection {
    portsock::tcp_stream stream;
    std::string received;  // not echoed yet
};

struct client_table {
    std::unordered_map<std::uint64_t, connection> by_token;
    std::uint64_t next_token = 1;
};
//! [table]

//! [accept]
void accept_all(portsock::tcp_listener& listener, portsock::poller& poller, client_table& clients) {
    for (;;) {  // every client waiting now
        std::error_code ec;
        auto [stream, peer] = listener.accept(ec);
        if (ec) return;  // would block: nobody else is waiting (out of descriptors: see the guide)
        stream.set_non_blocking(true);  // accepted streams start blocking
        const std::uint64_t token = clients.next_token++;
        connection& c = clients.by_token[token];
        c.stream = std::move(stream);
        poller.add(c.stream, portsock::poll_events::readable, token);
    }
}
//! [accept]

// Sends back what was received. The lines in this example are a few bytes, which the
// socket's send buffer takes whole; a real server keeps what send_all() could not send,
// as samples/echo_server_poller does. Returns false if the stream failed.
bool echo(connection& c) {
    std::error_code ec;
    c.received.erase(0, c.stream.send_all(c.received.data(), c.received.size(), ec));
    check(!ec, "an echo goes out whole");
    return !ec;
}

//! [wait]
// One turn of the echo loop; returns how many clients left.
std::size_t serve_once(portsock::poller& poller, portsock::tcp_listener& listener, client_table& clients) {
    std::size_t departed = 0;
    std::array<portsock::poll_event, 64> events;       // your buffer: wait() never allocates
    const std::size_t n = poller.wait(events, 100ms);  // 0: nothing for 100 ms, or wake()
    for (std::size_t i = 0; i < n; ++i) {
        const portsock::poll_event& event = events[i];
        if (event.token == listener_token) {
            accept_all(listener, poller, clients);
            continue;
        }
        const auto found = clients.by_token.find(event.token);
        if (found == clients.by_token.end()) continue;  // closed earlier in this batch
        connection& c = found->second;
        if (!drain(c.stream, c.received) || !echo(c)) {  // ended or failed: let it go
            poller.remove(c.stream);                     // first remove it from the poller,
            clients.by_token.erase(found);               // then close it (the stream's destructor)
            ++departed;
        }
    }
    return departed;
}
//! [wait]

// A listener and three clients on one poller: each client sends a line, gets it back, and
// closes; the server sees each close as readable, reads end of stream and lets it go.
void poller_echo() {
    //! [setup]
    portsock::poller poller;
    portsock::tcp_listener listener{any_loopback_port()};
    listener.set_non_blocking(true);  // accept() until would-block, never wait
    poller.add(listener, portsock::poll_events::readable, listener_token);
    //! [setup]
    client_table clients;

    constexpr std::size_t count = 3;
    std::vector<portsock::tcp_stream> peers;
    for (std::size_t i = 0; i < count; ++i) {  // connect() completes before the server accepts
        peers.push_back(portsock::tcp_stream::connect(listener.local_endpoint(), 5s));
        peers.back().send_all("hello from client " + std::to_string(i) + "\n", 5s);
    }
    // Serve until every line has come back (bounded: at most 100 turns of up to 100 ms).
    std::vector<std::string> replies(count);
    for (int turn = 0; turn < 100; ++turn) {
        serve_once(poller, listener, clients);
        bool all_back = true;
        for (std::size_t i = 0; i < count; ++i) {
            std::error_code ec;
            char buffer[64];
            const std::size_t n = peers[i].receive(buffer, sizeof buffer, ec, 0ms);
            replies[i].append(buffer, n);
            all_back = all_back && replies[i].find('\n') != std::string::npos;
        }
        if (all_back) break;
    }
    bool echoed = true;
    for (std::size_t i = 0; i < count; ++i) {
        echoed = echoed && replies[i] == "hello from client " + std::to_string(i) + "\n";
    }
    check(echoed, "the poller echoes every client's line");
    check(clients.by_token.size() == count, "the poller accepted every client");

    for (portsock::tcp_stream& peer : peers) peer.close();
    std::size_t departed = 0;
    for (int turn = 0; turn < 100 && departed < count; ++turn) {
        departed += serve_once(poller, listener, clients);
    }
    check(departed == count && clients.by_token.empty(),
          "a closed peer is reported readable and read as end of stream");
}

void level_triggered() {
    tcp_pair pair = connected_pair();
    portsock::tcp_stream& stream = pair.server;
    stream.set_non_blocking(true);
    portsock::poller poller;
    poller.add(stream, portsock::poll_events::readable, 7);
    pair.client.send_all("0123456789", 5s);
    check(portsock::has(wait_for_token(poller, 7, 5s), portsock::poll_events::readable),
          "data makes a stream readable");
    //! [level_triggered]
    char first[4];
    stream.receive(first, sizeof first);  // 4 of the 10 bytes that arrived
    // 6 bytes are still waiting, so the next wait() reports the stream again.
    std::array<portsock::poll_event, 8> events;
    const std::size_t n = poller.wait(events, 1s);
    //! [level_triggered]
    check(n == 1 && events[0].token == 7 && events[0].readable(), "readiness is level-triggered");
}

void wake_from_another_thread() {
    const auto start = std::chrono::steady_clock::now();
    auto serve = [](const portsock::poll_event&) {};  // nothing is registered in this example
    //! [wake]
    portsock::poller poller;
    std::mutex mutex;
    std::vector<std::string> jobs;  // filled by other threads, emptied by the loop's thread

    std::thread producer([&] {
        {
            std::lock_guard<std::mutex> lock(mutex);
            jobs.push_back("broadcast: server going down");
        }
        poller.wake();  // the one poller call that is safe from any thread
    });

    std::array<portsock::poll_event, 64> events;
    std::vector<std::string> taken;
    for (int round = 0; round < 3 && taken.empty(); ++round) {
        const std::size_t n = poller.wait(events, 5s);  // a wake-up ends it, with 0 events
        for (std::size_t i = 0; i < n; ++i) serve(events[i]);
        std::lock_guard<std::mutex> lock(mutex);
        taken.swap(jobs);
    }
    producer.join();
    //! [wake]
    check(taken.size() == 1 && std::chrono::steady_clock::now() - start < 5s, "wake() ends a wait at once");
}

void backend() {
    //! [backend]
    // "epoll", "poll", "AFD" or "WSAPoll"
    std::cout << "poller backend: " << portsock::poller::backend() << '\n';
    //! [backend]
    const std::string_view name = portsock::poller::backend();
    check(name == "epoll" || name == "poll" || name == "AFD" || name == "WSAPoll",
          "poller::backend() names the backend");
}

// Connects to `remote` without blocking; returns the outcome.
std::error_code connect_without_blocking(const portsock::endpoint& remote) {
    portsock::poller poller;
    //! [start_connect]
    std::error_code ec;
    auto stream = portsock::tcp_stream::start_connect(remote, ec);  // returns at once
    if (ec) return ec;  // it could not start (on loopback, some systems refuse at once)
    poller.add(stream, portsock::poll_events::writable, /*token=*/1);
    //! [start_connect]
    check(stream.is_non_blocking(), "start_connect() returns a non-blocking stream");
    check(wait_for_token(poller, 1, 10s) != portsock::poll_events::none,
          "the poller reports a finished connect");
    //! [finish_connect]
    // wait() reported token 1: the connect has finished, one way or the other.
    stream.finish_connect(ec, 0ms);
    if (!ec) {
        poller.modify(stream, portsock::poll_events::readable, 1);  // connected: now talk
    } else if (ec == std::errc::connection_refused) {
        // Nobody listens there: remove the stream from the poller and close it.
    }
    //! [finish_connect]
    return ec;
}

void non_blocking_connect() {
    portsock::tcp_listener listener{any_loopback_port()};
    std::error_code ec = connect_without_blocking(listener.local_endpoint());
    check(!ec, "a non-blocking connect to a listener succeeds");
    if (ec) std::cerr << "  " << ec.message() << '\n';

    ec = connect_without_blocking(closed_port());
    check(ec == std::errc::connection_refused, "a non-blocking connect to a closed port is refused");
    if (ec != std::errc::connection_refused) std::cerr << "  " << ec.message() << '\n';
}

void send_datagrams(portsock::udp_socket& sender, const portsock::endpoint& destination) {
    //! [send_batch]
    // Datagrams of one size to one destination: what segmentation offload speeds up.
    const std::string_view texts[] = {"red", "tan", "sky"};
    std::array<portsock::outgoing_datagram, 3> batch;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i] = {texts[i].data(), texts[i].size(), destination};
    }
    std::size_t sent = 0;
    while (sent < batch.size()) {  // a call may stop early; then the next one says why
        sent += sender.send_batch(batch.data() + sent, batch.size() - sent, 1s);
    }
    //! [send_batch]
}

// Receives one batch and hands each whole datagram to `handle(text, sender)`.
template <typename Handler>
void receive_datagrams(portsock::udp_socket& receiver, Handler&& handle) {
    //! [receive_batch]
    std::array<std::array<char, 1500>, 16> buffers;
    std::array<portsock::incoming_datagram, 16> slots;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        slots[i] = {buffers[i].data(), buffers[i].size()};  // where datagram i may go
    }

    // Waits (up to 1 s) for the first datagram only, then takes those already queued.
    const std::size_t n = receiver.receive_batch(slots.data(), slots.size(), 1s);
    for (std::size_t i = 0; i < n; ++i) {
        const portsock::incoming_datagram& d = slots[i];
        if (d.truncated) continue;  // it was longer than its slot: the rest is lost
        handle(std::string_view(static_cast<const char*>(d.data), d.size), d.sender);
    }
    //! [receive_batch]
}

void udp_batches() {
    portsock::udp_socket receiver{any_loopback_port()};
    portsock::udp_socket sender{any_loopback_port()};
    send_datagrams(sender, receiver.local_endpoint());
    std::vector<std::string> got;
    std::vector<portsock::endpoint> senders;
    for (int round = 0; round < 3 && got.size() < 3; ++round) {
        receive_datagrams(receiver, [&](std::string_view text, const portsock::endpoint& from) {
            got.emplace_back(text);
            senders.push_back(from);
        });
    }
    check(got == std::vector<std::string>{"red", "tan", "sky"}, "receive_batch() gets the batch, in order");
    bool from_sender = senders.size() == 3;
    for (const portsock::endpoint& from : senders) {
        from_sender = from_sender && from == sender.local_endpoint();
    }
    check(from_sender, "receive_batch() reports each sender");

    receiver.set_non_blocking(true);
    std::error_code ec;
    char byte = 0;
    portsock::incoming_datagram slot{&byte, 1};
    check(receiver.receive_batch(&slot, 1, ec) == 0 && ec == std::errc::operation_would_block,
          "a non-blocking receive_batch() reports would-block when nothing is queued");

    //! [gso]
    const bool offload = portsock::has_udp_segmentation_offload();
    std::cout << "UDP segmentation offload: " << (offload ? "in use" : "not available") << '\n';
    //! [gso]
    const bool windows = std::string_view(portsock::platform_name()).substr(0, 5) == "win32";
    check(!(windows && portsock::has_udp_segmentation_offload()), "no segmentation offload on Windows");
}

}  // namespace

int main() try {
    thread_per_client();
    non_blocking();
    poller_echo();
    level_triggered();
    wake_from_another_thread();
    backend();
    non_blocking_connect();
    udp_batches();
    return snippet::exit_code();
} catch (const std::exception& error) {
    std::cerr << "FAILED: " << error.what() << '\n';
    return EXIT_FAILURE;
}
