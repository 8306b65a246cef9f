// The other side of tests/samples/asyncio_peers_test.py: a portsock::async client that
// opens many connections at once to an asyncio echo server, by name ("localhost", so
// RFC 8305 races ::1 and 127.0.0.1), and checks every echo byte for byte.
//
// usage: asyncio_echo_client <port> <connections>
#include <portsock/async.hpp>
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace {

namespace async = portsock::async;
using namespace std::chrono_literals;

async::task<bool> converse(std::uint16_t port, int index) {
    auto stream = co_await async::connect("localhost", port, 30s);
    std::string message(32 * 1024, '\0');
    for (std::size_t i = 0; i < message.size(); ++i)
        message[i] = static_cast<char>((static_cast<std::size_t>(index) + i) % 251);
    co_await stream.send_all(message, 30s);
    std::string echo(message.size(), '\0');
    co_await stream.receive_exact(echo.data(), echo.size(), 30s);
    co_return echo == message;
}

async::task<int> run_all(std::uint16_t port, int count) {
    std::vector<async::task<bool>> conversations;
    for (int i = 0; i < count; ++i) conversations.push_back(converse(port, i));
    int good = 0;
    for (bool ok : co_await async::when_all(std::move(conversations))) good += ok ? 1 : 0;
    co_return good;
}

}  // namespace

int main(int argc, char* argv[]) try {
    if (argc != 3) {
        std::cerr << "usage: asyncio_echo_client <port> <connections>\n";
        return 2;
    }
    const int count = std::stoi(argv[2]);
    async::event_loop loop;
    const int good = loop.run(run_all(portsock::parse_port(argv[1]), count));
    if (good != count) {
        std::cout << "FAIL: " << good << " of " << count << " echoes intact\n";
        return 1;
    }
    std::cout << "PASS: " << count << " connections by name echoed intact\n";
} catch (const std::exception& error) {
    std::cerr << "asyncio_echo_client: " << error.what() << '\n';
    return 1;
}
