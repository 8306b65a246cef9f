// The client side of the poller samples' end-to-end tests: many connections at once to
// echo_server_poller or chat_server, each conversation checked byte for byte.
//
// usage: scale_client echo <port> <clients>   every client sends a distinct message and
//                                             must get exactly it back
//        scale_client chat <port> <clients>   every client says one line; each must hear
//                                             every other client's line and never its own
// Prints "PASS: ..." and exits 0, or prints why and exits 1. Every wait is bounded.
#include <portsock/portsock.hpp>

#include <chrono>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
constexpr auto patience = 30s;

std::vector<portsock::tcp_stream> connect_all(std::uint16_t port, std::size_t count) {
    std::vector<portsock::tcp_stream> streams;
    streams.reserve(count);
    const portsock::endpoint server = portsock::resolve("localhost", std::to_string(port)).front();
    for (std::size_t i = 0; i < count; ++i)
        streams.push_back(portsock::tcp_stream::connect(server, patience));
    return streams;
}

std::string receive_line(portsock::tcp_stream& s) {
    std::string line;
    char c = 0;
    while (s.receive(&c, 1, patience) == 1 && c != '\n') line += c;
    return line;
}

bool run_echo(std::uint16_t port, std::size_t count) {
    auto streams = connect_all(port, count);
    for (std::size_t i = 0; i < count; ++i) streams[i].send_all("message " + std::to_string(i) + " ");
    for (std::size_t i = 0; i < count; ++i) {
        const std::string expected = "message " + std::to_string(i) + " ";
        std::string got(expected.size(), '\0');
        streams[i].receive_exact(got.data(), got.size(), patience);
        if (got != expected) {
            std::cout << "FAIL: client " << i << " got '" << got << "', expected '" << expected << "'\n";
            return false;
        }
    }
    std::cout << "PASS: " << count << " clients echoed at once" << std::endl;
    return true;
}

bool run_chat(std::uint16_t port, std::size_t count) {
    auto streams = connect_all(port, count);
    std::vector<std::string> names;
    for (auto& s : streams) {  // the welcome proves the server has registered this client
        const std::string welcome = receive_line(s);  // "Welcome, client N!"
        if (welcome.rfind("Welcome, ", 0) != 0) {
            std::cout << "FAIL: expected a welcome, got '" << welcome << "'\n";
            return false;
        }
        names.push_back(welcome.substr(9, welcome.size() - 10));
    }
    for (std::size_t i = 0; i < count; ++i) streams[i].send_all("hello from " + std::to_string(i) + "\n");
    for (std::size_t i = 0; i < count; ++i) {
        std::set<std::string> expected;
        for (std::size_t j = 0; j < count; ++j)
            if (j != i) expected.insert(names[j] + ": hello from " + std::to_string(j));
        std::set<std::string> heard;
        for (std::size_t k = 0; k + 1 < count; ++k) heard.insert(receive_line(streams[i]));
        if (heard != expected) {
            std::cout << "FAIL: client " << i << " heard " << heard.size() << " distinct lines, not the "
                      << expected.size() << " others\n";
            return false;
        }
    }
    std::this_thread::sleep_for(200ms);  // time for a stray line (an echo of one's own) to arrive
    for (std::size_t i = 0; i < count; ++i) {
        char extra = 0;
        std::error_code ec;
        if (streams[i].receive(&extra, 1, ec, 0ms) > 0) {
            std::cout << "FAIL: client " << i << " heard more than the others' lines (its own?)\n";
            return false;
        }
    }
    std::cout << "PASS: " << count << " clients each heard the other " << count - 1 << std::endl;
    return true;
}

}  // namespace

int main(int argc, char* argv[]) try {
    if (argc != 4) {
        std::cerr << "usage: scale_client echo|chat <port> <clients>\n";
        return 2;
    }
    const std::string mode = argv[1];
    const std::uint16_t port = portsock::parse_port(argv[2]);
    const auto count = static_cast<std::size_t>(std::stoul(argv[3]));
    const bool ok = mode == "echo" ? run_echo(port, count) : run_chat(port, count);
    return ok ? 0 : 1;
} catch (const std::exception& error) {
    std::cout << "FAIL: scale_client: " << error.what() << '\n';
    return 1;
}
