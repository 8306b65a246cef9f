// The scale benchmarks' portsock server in the simplest style: blocking calls and a thread
// per connection (and one per listener). The same protocol as every benchmark server:
//   prints "ports <echo> <welcome> <udp>", then serves until killed.
#include <portsock/portsock.hpp>

#include <array>
#include <cstdio>
#include <thread>

namespace {

const portsock::endpoint loopback{portsock::ip_address::loopback_v4(), 0};

void echo_connection(portsock::tcp_stream stream) {
    stream.set_no_delay(true);
    std::array<char, 64 * 1024> buffer;
    std::error_code ec;
    for (;;) {
        const std::size_t n = stream.receive(buffer.data(), buffer.size(), ec);
        if (ec || n == 0 || (stream.send_all(buffer.data(), n, ec), ec)) return;
    }
}

}  // namespace

int main() {
    portsock::tcp_listener echo{loopback, {4096}};
    portsock::tcp_listener greet{loopback, {4096}};
    portsock::udp_socket udp{loopback};
    std::printf("ports %u %u %u\n", echo.local_endpoint().port(), greet.local_endpoint().port(),
                udp.local_endpoint().port());
    std::fflush(stdout);
    std::thread([&greet] {
        for (;;) greet.accept().stream.send_all("Welcome to the server!");
    }).detach();
    std::thread([&udp] {
        std::array<char, 64 * 1024> buffer;
        for (;;) {
            const auto [size, sender] = udp.receive_from(buffer.data(), buffer.size());
            udp.send_to(buffer.data(), size, sender);
        }
    }).detach();
    for (;;) {
        auto accepted = echo.accept();
        std::thread(echo_connection, std::move(accepted.stream)).detach();
    }
}
