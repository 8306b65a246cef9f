// An echo server for many clients on one thread: a poller, non-blocking sockets, and a
// little per-client state for the bytes a slow client has not taken yet.
//
// usage: echo_server_poller [port] [clients]
//   port     where to listen (default 12345; 0 lets the OS choose, and prints it)
//   clients  exit once this many clients have come and gone (default: serve forever)
#include <portsock/portsock.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace {

//! [state]
constexpr std::uint64_t listener_token = UINT64_MAX;      // clients use their slot index
constexpr std::chrono::milliseconds accept_backoff{100};  // pause after running out of descriptors
constexpr std::chrono::milliseconds parked_retry{50};     // see park()
using clock = std::chrono::steady_clock;

struct client {
    portsock::tcp_stream stream;
    std::string unsent;  // echoed bytes the client's receive window could not take yet
};
//! [state]

class echo_server {
public:
    explicit echo_server(std::uint16_t port) : listener_{"localhost", port, {/*backlog=*/1024}} {
        listener_.set_non_blocking(true);
        poller_.add(listener_, portsock::poll_events::readable, listener_token);
    }

    std::uint16_t port() const { return listener_.local_endpoint().port(); }

    /// Serves until `clients` clients have left (forever if negative).
    void run(long clients) {
        std::array<portsock::poll_event, 256> events;
        while (clients < 0 || departed_ < clients) {
            const std::size_t n = poller_.wait(events, wait_limit());
            for (std::size_t i = 0; i < n; ++i) handle(events[i]);
            if (!accepting_ && clock::now() >= resume_at_) resume_accepting();
            if (!parked_.empty() && clock::now() >= retry_at_) unpark_all();
        }
    }

private:
    //! [dispatch]
    void handle(const portsock::poll_event& event) {
        if (event.token == listener_token) return accept_all();
        client& c = clients_[event.token];
        if (!c.stream.is_open()) return;  // closed earlier in this batch of events
        if (event.writable())
            flush(event.token, c, event.hang_up());
        else if (event.readable())
            echo(event.token, c);
    }
    //! [dispatch]

    void accept_all() {
        for (;;) {  // every client waiting now; the listener is non-blocking
            std::error_code ec;
            auto [stream, peer] = listener_.accept(ec);
            if (portsock::is_resource_exhaustion(ec)) return pause_accepting();
            if (ec) return;  // would block: none left (or a transient error: retry on the next event)
            stream.set_non_blocking(true);
            const std::uint64_t slot = free_slot();
            poller_.add(stream, portsock::poll_events::readable, slot);
            clients_[slot].stream = std::move(stream);
        }
    }

    //! [exhaustion]
    // Out of descriptors or memory, accept() fails but the client stays queued, so the
    // listener stays readable and a level-triggered poller would report it again at once:
    // the loop would spin at full CPU. Stop watching the listener until a client leaves
    // (its descriptor is free again) or a short back-off passes (another process may free one).
    void pause_accepting() {
        poller_.modify(listener_, portsock::poll_events::none, listener_token);
        resume_at_ = clock::now() + accept_backoff;
        accepting_ = false;
    }

    void resume_accepting() {
        if (accepting_) return;
        poller_.modify(listener_, portsock::poll_events::readable, listener_token);
        accepting_ = true;
    }

    /// How long the next wait may last: until a back-off or a parked retry ends, or forever.
    portsock::timeout wait_limit() const {
        if (accepting_ && parked_.empty()) return portsock::timeout::infinite();
        clock::time_point until = clock::time_point::max();
        if (!accepting_) until = resume_at_;
        if (!parked_.empty()) until = std::min(until, retry_at_);
        return until;  // a time point: what is left until it
    }
    //! [exhaustion]

    //! [echo]
    void echo(std::uint64_t slot, client& c) {
        std::error_code ec;
        const std::size_t n = c.stream.receive(buffer_.data(), buffer_.size(), ec);
        if (ec == std::errc::operation_would_block) return;
        if (ec || n == 0) return drop(slot, c);  // error or end of stream
        const std::size_t sent = c.stream.send_all(buffer_.data(), n, ec);
        if (ec == std::errc::operation_would_block) {
            // Keep the rest and stop reading until it is sent: a client that does not read
            // its echoes cannot make the server buffer without limit.
            c.unsent.assign(buffer_.data() + sent, n - sent);
            poller_.modify(c.stream, portsock::poll_events::writable, slot);
        } else if (ec) {
            drop(slot, c);
        }
    }

    void flush(std::uint64_t slot, client& c, bool peer_done) {
        std::error_code ec;
        const std::size_t sent = c.stream.send_all(c.unsent.data(), c.unsent.size(), ec);
        c.unsent.erase(0, sent);
        if (ec && ec != std::errc::operation_would_block) return drop(slot, c);
        if (c.unsent.empty())
            poller_.modify(c.stream, portsock::poll_events::readable, slot);
        else if (peer_done)
            park(slot, c);
    }

    // A client that has sent its FIN but is not taking its echoes yet: the poller reports
    // its hang-up on every wait (level-triggered, whatever the interest), so waiting on it
    // would spin. Take it out for a moment and look again; its bytes are kept, not lost.
    void park(std::uint64_t slot, client& c) {
        poller_.remove(c.stream);
        if (parked_.empty()) retry_at_ = clock::now() + parked_retry;
        parked_.push_back(slot);
    }

    void unpark_all() {
        for (const std::uint64_t slot : parked_)
            if (clients_[slot].stream.is_open())
                poller_.add(clients_[slot].stream, portsock::poll_events::writable, slot);
        parked_.clear();
    }
    //! [echo]

    void drop(std::uint64_t slot, client& c) {
        poller_.remove(c.stream);
        c = client{};  // closes the stream
        free_.push_back(slot);
        ++departed_;
        resume_accepting();  // its descriptor is free: accept again if exhaustion paused it
    }

    std::uint64_t free_slot() {
        if (free_.empty()) {
            clients_.emplace_back();
            return clients_.size() - 1;
        }
        const std::uint64_t slot = free_.back();
        free_.pop_back();
        return slot;
    }

    portsock::tcp_listener listener_;
    portsock::poller poller_;
    bool accepting_ = true;  // false while paused by pause_accepting()
    clock::time_point resume_at_{};
    std::vector<client> clients_;
    std::vector<std::uint64_t> free_;
    std::vector<std::uint64_t> parked_;  // see park()
    clock::time_point retry_at_{};
    std::array<char, 64 * 1024> buffer_{};
    long departed_ = 0;
};

}  // namespace

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const long clients = argc > 2 ? std::stol(argv[2]) : -1;

    echo_server server(port);
    std::cout << "Echo server (" << portsock::poller::backend() << ") is listening on port " << server.port()
              << "..." << std::endl;
    server.run(clients);
    std::cout << "Served " << clients << " clients." << std::endl;
} catch (const std::exception& error) {
    std::cerr << "echo_server_poller: " << error.what() << '\n';
    return 1;
}
