// A Redis client over a local socket, the common case for local sockets: PING, then SET and GET
// of a 1 MiB value, in RESP (the Redis protocol), against a real redis-server that
// local_peers_test.py starts on a temporary socket path.
//
// usage: redis_local_client PATH     prints one line per exchange; exit 0 if all matched
#include <portsock/portsock.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
constexpr auto patience = 10s;

// Reads one CRLF-terminated line (without the CRLF), a byte at a time: replies here are short.
std::string read_line(portsock::local_stream& redis) {
    std::string line;
    char c = 0;
    while (line.size() < 4096) {
        redis.receive_exact(&c, 1, patience);
        if (c == '\n' && !line.empty() && line.back() == '\r') {
            line.pop_back();
            return line;
        }
        line += c;
    }
    throw std::runtime_error("reply line too long");
}

// Sends a command as a RESP array of bulk strings.
void send_command(portsock::local_stream& redis, const std::vector<std::string>& words) {
    std::string request = "*" + std::to_string(words.size()) + "\r\n";
    for (const std::string& word : words)
        request += "$" + std::to_string(word.size()) + "\r\n" + word + "\r\n";
    redis.send_all(request, patience);
}

void expect(const std::string& got, const std::string& wanted, const char* what) {
    if (got != wanted)
        throw std::runtime_error(std::string(what) + ": got '" + got + "', expected '" + wanted + "'");
}

}  // namespace

int main(int argc, char* argv[]) try {
    if (argc != 2) throw std::runtime_error("usage: redis_local_client PATH");
    auto redis = portsock::local_stream::connect(argv[1], patience);

    send_command(redis, {"PING"});
    expect(read_line(redis), "+PONG", "PING");
    std::cout << "PING: +PONG" << std::endl;

    std::string value(1 << 20, '\0');
    for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
    send_command(redis, {"SET", "portsock:local", value});
    expect(read_line(redis), "+OK", "SET");
    std::cout << "SET " << value.size() << " bytes: +OK" << std::endl;

    send_command(redis, {"GET", "portsock:local"});
    expect(read_line(redis), "$" + std::to_string(value.size()), "GET header");
    std::string got(value.size() + 2, '\0');
    redis.receive_exact(got.data(), got.size(), patience);
    expect(got.substr(value.size()), "\r\n", "GET trailer");
    got.resize(value.size());
    if (got != value) throw std::runtime_error("GET returned different bytes");
    std::cout << "GET " << got.size() << " bytes: identical" << std::endl;

    send_command(redis, {"DEL", "portsock:local"});
    expect(read_line(redis), ":1", "DEL");
} catch (const std::exception& error) {
    std::cerr << "redis_local_client: " << error.what() << '\n';
    return 1;
}
