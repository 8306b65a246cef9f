// The scale benchmarks' portsock server on one thread: a poller and non-blocking sockets.
// The same protocol as every benchmark server (see run_scale_bench.sh):
//   prints "ports <echo> <welcome> <udp>", then serves until killed.
#include <portsock/portsock.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using portsock::poll_events;
constexpr std::uint64_t echo_token = UINT64_MAX, welcome_token = UINT64_MAX - 1, udp_token = UINT64_MAX - 2;
constexpr std::string_view welcome = "Welcome to the server!";
const portsock::endpoint loopback{portsock::ip_address::loopback_v4(), 0};

struct connection {
    portsock::tcp_stream stream;
    std::string unsent;
};

struct server {
    portsock::tcp_listener echo{loopback, {4096}};
    portsock::tcp_listener greet{loopback, {4096}};
    portsock::udp_socket udp{loopback};
    portsock::poller poller;
    std::vector<connection> connections;
    std::vector<std::uint64_t> free_slots;
    std::array<char, 64 * 1024> buffer;  // not zeroed: like the raw server's, untouched until used

    server() {
        for (portsock::basic_socket* s :
             {static_cast<portsock::basic_socket*>(&echo), static_cast<portsock::basic_socket*>(&greet),
              static_cast<portsock::basic_socket*>(&udp)})
            s->set_non_blocking(true);
        poller.add(echo, poll_events::readable, echo_token);
        poller.add(greet, poll_events::readable, welcome_token);
        poller.add(udp, poll_events::readable, udp_token);
    }

    void accept_all(portsock::tcp_listener& listener, bool greeting) {
        for (;;) {
            std::error_code ec;
            auto accepted = listener.accept(ec);
            if (ec) return;
            if (greeting) {
                accepted.stream.send_all(welcome, ec);
                continue;  // closes
            }
            accepted.stream.set_non_blocking(true);
            accepted.stream.set_no_delay(true);
            std::uint64_t slot = connections.size();
            if (free_slots.empty())
                connections.emplace_back();
            else
                slot = free_slots.back(), free_slots.pop_back();
            poller.add(accepted.stream, poll_events::readable, slot);
            connections[slot].stream = std::move(accepted.stream);
        }
    }

    void drop(std::uint64_t slot) {
        poller.remove(connections[slot].stream);
        connections[slot] = connection{};
        free_slots.push_back(slot);
    }

    void send_or_keep(std::uint64_t slot, const char* data, std::size_t size) {
        connection& c = connections[slot];
        std::error_code ec;
        const std::size_t sent = c.stream.send_all(data, size, ec);
        if (ec == std::errc::operation_would_block) {
            c.unsent.assign(data + sent, size - sent);
            poller.modify(c.stream, poll_events::writable, slot);
        } else if (ec) {
            drop(slot);
        }
    }

    void on_stream(const portsock::poll_event& event) {
        connection& c = connections[event.token];
        if (!c.stream.is_open()) return;
        if (!c.unsent.empty()) {
            if (!event.writable()) return;
            const std::string rest = std::move(c.unsent);
            c.unsent.clear();
            poller.modify(c.stream, poll_events::readable, event.token);
            return send_or_keep(event.token, rest.data(), rest.size());
        }
        std::error_code ec;
        const std::size_t n = c.stream.receive(buffer.data(), buffer.size(), ec);
        if (ec == std::errc::operation_would_block) return;
        if (ec || n == 0) return drop(event.token);
        send_or_keep(event.token, buffer.data(), n);
    }

    void on_datagrams() {
        for (;;) {
            std::error_code ec;
            const auto [size, sender] = udp.receive_from(buffer.data(), buffer.size(), ec);
            if (ec) return;
            udp.send_to(buffer.data(), size, sender, ec);
        }
    }

    [[noreturn]] void run() {
        std::array<portsock::poll_event, 256> events;
        for (;;) {
            const std::size_t n = poller.wait(events);
            for (std::size_t i = 0; i < n; ++i) {
                if (events[i].token == echo_token)
                    accept_all(echo, false);
                else if (events[i].token == welcome_token)
                    accept_all(greet, true);
                else if (events[i].token == udp_token)
                    on_datagrams();
                else
                    on_stream(events[i]);
            }
        }
    }
};

}  // namespace

int main() {
    static server s;
    std::printf("ports %u %u %u\n", s.echo.local_endpoint().port(), s.greet.local_endpoint().port(),
                s.udp.local_endpoint().port());
    std::fflush(stdout);
    s.run();
}
