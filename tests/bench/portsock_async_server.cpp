// The scale benchmarks' portsock::async server: one event loop, one task per connection.
// The same protocol as every benchmark server (see run_scale_bench.sh):
//   prints "ports <echo> <welcome> <udp>", then serves until killed.
// A connection's task waits for readability and receives into one buffer shared by all
// (only one task runs at a time); only bytes a slow reader leaves unsent are copied, so an
// idle connection costs its task frames, not a buffer (asio's bench server does the same).
#include <portsock/async.hpp>
#include <portsock/portsock.hpp>

#include <array>
#include <cstdio>
#include <string>

namespace {

namespace async = portsock::async;
constexpr std::string_view welcome = "Welcome to the server!";
const portsock::endpoint loopback{portsock::ip_address::loopback_v4(), 0};
std::array<char, 64 * 1024> shared_buffer;

// In its own coroutine, so that an idle connection's frame holds neither this awaiter nor
// the copy: the copy is taken at once (before any other task can reuse the shared buffer).
async::task<> send_rest(async::tcp_stream& stream, const char* data, std::size_t size, std::error_code& ec) {
    const std::string rest(data, size);
    co_await stream.send_all(rest, ec);
}

async::task<> echo(async::tcp_stream stream) {
    std::error_code ec;
    for (;;) {
        co_await async::readiness(stream.watch(), portsock::poll_events::readable, ec);
        if (ec) co_return;
        const std::size_t n = stream.socket().receive(shared_buffer.data(), shared_buffer.size(), ec);
        if (ec == std::errc::operation_would_block) continue;
        if (ec || n == 0) co_return;
        const std::size_t sent = stream.socket().send_all(shared_buffer.data(), n, ec);
        if (ec == std::errc::operation_would_block)  // a slow reader: keep its bytes, wait for it
            co_await send_rest(stream, shared_buffer.data() + sent, n - sent, ec);
        if (ec) co_return;
    }
}

async::task<> serve_echo(async::tcp_listener& listener, async::task_group& group) {
    for (;;) {
        auto accepted = co_await listener.accept();
        accepted.stream.socket().set_no_delay(true);
        group.spawn(echo(std::move(accepted.stream)));
    }
}

async::task<> serve_welcome(async::tcp_listener& listener) {
    for (;;) {
        auto accepted = co_await listener.accept();
        std::error_code ec;
        (void)accepted.stream.socket().send_all(welcome, ec);  // non-blocking: 22 bytes fit
    }
}

// Each datagram back to its sender, as a user writes it with the async datagram socket.
async::task<> serve_udp(async::udp_socket& udp) {
    for (std::error_code ec;;) {
        const auto [size, sender] = co_await udp.receive_from(shared_buffer.data(), shared_buffer.size(), ec);
        if (!ec) co_await udp.send_to(shared_buffer.data(), size, sender, ec);
    }
}

async::task<> serve() {
    async::tcp_listener echo_listener{portsock::tcp_listener{loopback, {4096}}};
    async::tcp_listener welcome_listener{portsock::tcp_listener{loopback, {4096}}};
    async::udp_socket udp{portsock::udp_socket{loopback}};
    std::printf("ports %u %u %u\n", echo_listener.socket().local_endpoint().port(),
                welcome_listener.socket().local_endpoint().port(), udp.socket().local_endpoint().port());
    std::fflush(stdout);
    async::task_group group;
    group.spawn(serve_echo(echo_listener, group));
    group.spawn(serve_welcome(welcome_listener));
    group.spawn(serve_udp(udp));
    co_await group.join();
}

}  // namespace

int main() {
    async::event_loop loop;
    loop.run(serve());
}
