// Fetches https://localhost:PORT/PATH over TLS, trusting CA.pem, and checks that the body is,
// byte for byte, the file EXPECTED. One deadline bounds the whole request.
// (https_fetch.py is the same program in Python; tests/bench/count_lines.py counts both.)
//
// usage: https_fetch PORT CA.pem PATH EXPECTED
#include <portsock/async.hpp>
#include <portsock/async/tls.hpp>

#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

namespace async = portsock::async;
using namespace std::chrono_literals;

async::task<std::string> fetch(const portsock::tls_context& context, std::uint16_t port, std::string path) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;  // one for the whole exchange
    async::stream_reader reader(co_await async::tls_stream::connect(context, "localhost", port, deadline));
    co_await reader.stream().send_all(
        "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", deadline);
    std::string line = co_await reader.read_line(deadline);
    if (line.find(" 200 ") == std::string::npos) throw std::runtime_error(line);
    std::size_t length = 0;
    while (!(line = co_await reader.read_line(deadline)).empty()) {  // to the blank line
        for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (line.rfind("content-length:", 0) == 0) length = std::stoul(line.substr(15));
    }
    co_return co_await reader.read_exact(length, deadline);
}

int main(int argc, char* argv[]) try {
    if (argc != 5) throw std::invalid_argument("usage: https_fetch PORT CA.pem PATH EXPECTED");
    const auto context = portsock::tls_context::client(argv[2]);  // trusts CA.pem
    const std::string body = async::run(fetch(context, portsock::parse_port(argv[1]), argv[3]));
    std::ifstream file(argv[4], std::ios::binary);
    if (body != std::string(std::istreambuf_iterator<char>(file), {}))
        throw std::runtime_error(std::string("the body differs from ") + argv[4]);
    std::cout << "fetched " << body.size() << " bytes, identical to " << argv[4] << '\n';
} catch (const std::exception& error) {
    std::cerr << "https_fetch: " << error.what() << '\n';
    return 1;
}
