// A chat server on one thread: every line a client sends goes to every other client.
//
// usage: chat_server [port] [clients]
//   port     where to listen (default 12345; 0 lets the OS choose, and prints it)
//   clients  exit once this many clients have come and gone (default: serve forever)
//
// Try it with two or three `nc localhost 12345` (or telnet) sessions.
#include <portsock/portsock.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace {

constexpr std::uint64_t listener_token = UINT64_MAX;      // clients use their slot index
constexpr std::chrono::milliseconds accept_backoff{100};  // pause after running out of descriptors
using clock = std::chrono::steady_clock;
constexpr std::size_t max_line = 64 * 1024;   // a longer line drops its sender
constexpr std::size_t max_backlog = 1 << 20;  // unsent bytes before a slow client is dropped

struct client {
    portsock::tcp_stream stream;
    std::string name;
    std::string partial;  // received bytes after the last newline
    std::string unsent;   // lines from others this client has not taken yet
};

class chat_server {
public:
    explicit chat_server(std::uint16_t port) : listener_{"localhost", port, {/*backlog=*/1024}} {
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
        }
    }

private:
    void handle(const portsock::poll_event& event) {
        if (event.token == listener_token) return accept_all();
        const std::size_t slot = event.token;
        if (!clients_[slot].stream.is_open()) return;  // dropped earlier in this batch
        if (event.writable()) flush(slot);
        if (event.readable() && clients_[slot].stream.is_open()) read_lines(slot);
    }

    void accept_all() {
        for (;;) {
            std::error_code ec;
            auto [stream, peer] = listener_.accept(ec);
            if (portsock::is_resource_exhaustion(ec)) return pause_accepting();
            if (ec) return;  // would block: nobody else is waiting
            stream.set_non_blocking(true);
            const std::size_t slot = free_slot();
            client& c = clients_[slot];
            c.stream = std::move(stream);
            c.name = "client " + std::to_string(slot + 1);
            poller_.add(c.stream, portsock::poll_events::readable, slot);
            std::cout << c.name << " joined from " << peer << std::endl;
            queue(slot, "Welcome, " + c.name + "!\n");
        }
    }

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

    /// How long the next wait may last: until the back-off ends, or forever.
    portsock::timeout wait_limit() const {
        if (accepting_) return portsock::timeout::infinite();
        return resume_at_;  // a time point: what is left until it, rounded up
    }

    void read_lines(std::size_t slot) {
        std::error_code ec;
        const std::size_t n = clients_[slot].stream.receive(buffer_.data(), buffer_.size(), ec);
        if (ec == std::errc::operation_would_block) return;
        if (ec || n == 0) return drop(slot);
        std::string& partial = clients_[slot].partial;
        const std::size_t searched = partial.size();  // holds no newline: look only at the new bytes
        partial.append(buffer_.data(), n);
        std::size_t start = 0;
        for (std::size_t end = partial.find('\n', searched); end != std::string::npos;
             start = end + 1, end = partial.find('\n', start))
            broadcast(slot, clients_[slot].name + ": " + partial.substr(start, end + 1 - start));
        partial.erase(0, start);
        // One client must not make the server hold, or everyone else receive, a line without end.
        if (partial.size() > max_line) {
            std::cout << clients_[slot].name << " sent a line longer than " << max_line << " bytes"
                      << std::endl;
            drop(slot);
        }
    }

    void broadcast(std::size_t from, const std::string& line) {
        for (std::size_t slot = 0; slot < clients_.size(); ++slot)
            if (slot != from && clients_[slot].stream.is_open()) queue(slot, line);
    }

    /// Appends to the client's outbox and sends what the socket takes now.
    void queue(std::size_t slot, const std::string& text) {
        client& c = clients_[slot];
        const bool was_idle = c.unsent.empty();
        c.unsent += text;
        if (was_idle) flush(slot);  // what the socket takes now is not backlog
        if (c.stream.is_open() && c.unsent.size() > max_backlog) drop(slot);  // it stopped reading
    }

    void flush(std::size_t slot) {
        client& c = clients_[slot];
        std::error_code ec;
        c.unsent.erase(0, c.stream.send_all(c.unsent.data(), c.unsent.size(), ec));
        if (ec && ec != std::errc::operation_would_block) return drop(slot);
        // Ask for writability only while something waits to be sent.
        const auto interest = c.unsent.empty()
                                  ? portsock::poll_events::readable
                                  : portsock::poll_events::readable | portsock::poll_events::writable;
        poller_.modify(c.stream, interest, slot);
    }

    void drop(std::size_t slot) {
        client& c = clients_[slot];
        std::cout << c.name << " left" << std::endl;
        poller_.remove(c.stream);
        c = client{};
        free_.push_back(slot);
        ++departed_;
        resume_accepting();  // its descriptor is free: accept again if exhaustion paused it
    }

    std::size_t free_slot() {
        if (free_.empty()) {
            clients_.emplace_back();
            return clients_.size() - 1;
        }
        const std::size_t slot = free_.back();
        free_.pop_back();
        return slot;
    }

    portsock::tcp_listener listener_;
    portsock::poller poller_;
    bool accepting_ = true;  // false while paused by pause_accepting()
    clock::time_point resume_at_{};
    std::vector<client> clients_;
    std::vector<std::size_t> free_;
    std::array<char, 16 * 1024> buffer_{};
    long departed_ = 0;
};

}  // namespace

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const long clients = argc > 2 ? std::stol(argv[2]) : -1;

    chat_server server(port);
    std::cout << "Chat server is listening on port " << server.port() << "..." << std::endl;
    server.run(clients);
} catch (const std::exception& error) {
    std::cerr << "chat_server: " << error.what() << '\n';
    return 1;
}
