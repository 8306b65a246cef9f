// The guide "Writing a protocol client": an HTTP/1.1 GET and a RESP (Redis) exchange on
// portsock::stream_reader. Run by docs/snippets/run_protocol_client.sh, which starts
// `python3 -m http.server` (serving a directory with hello.txt) and a redis-server, then
// runs: docs_snippet_protocol_client <http port> <redis port>. Exits 1 if a check fails.
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using namespace std::chrono_literals;
using snippet::check;

//! [parse_size]
// A size the peer sent: digits only, and no larger than we are willing to read.
std::size_t parse_size(std::string_view text, std::size_t most) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty() || value > most)
        throw std::runtime_error("bad size from the peer: '" + std::string(text) + "'");
    return value;
}
//! [parse_size]

//! [http_helpers]
// Header names compare without regard to case ("content-length:" is the same header).
bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

struct http_response {
    std::string status_line;
    std::string body;
};
//! [http_helpers]

//! [http_get]
// GET `path` from the HTTP server at `server`; parse_size() is shown below.
http_response http_get(const portsock::endpoint& server, std::string_view path) {
    portsock::tcp_stream stream = portsock::tcp_stream::connect(server, 5s);
    std::string request = "GET ";
    request += path;
    request += " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    stream.send_all(request, 5s);

    // Headers are lines; a header line over 8 KiB fails here with message_too_long.
    portsock::stream_reader reader{stream, 8 * 1024};
    http_response response;
    reader.read_line(response.status_line, 5s);  // "HTTP/1.0 200 OK"
    std::size_t content_length = 0;
    std::string header;
    while (reader.read_line(header, 5s) > 0 && !header.empty()) {  // an empty line ends them
        if (starts_with_nocase(header, "Content-Length:")) {
            std::string_view value = std::string_view(header).substr(15);
            value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
            content_length = parse_size(value, 16 * 1024 * 1024);
        }
        header.clear();
    }
    // The body may be far larger than the reader's buffer: read_exact() goes past it.
    reader.read_exact(response.body, content_length, 5s);
    return response;
}
//! [http_get]

//! [resp_command]
// A command is an array of bulk strings: *<count>\r\n then $<length>\r\n<bytes>\r\n each.
std::string resp_command(std::initializer_list<std::string_view> words) {
    std::string out = "*" + std::to_string(words.size()) + "\r\n";
    for (const std::string_view word : words) {
        out += "$" + std::to_string(word.size()) + "\r\n";
        out += word;
        out += "\r\n";
    }
    return out;
}
//! [resp_command]

//! [resp_reply]
// One reply: +simple, -error, :integer or $bulk (a $-1 bulk is nil). Arrays are left out.
struct resp_reply {
    char type = 0;      // '+', '-', ':' or '$'
    std::string value;  // the text, digits or bytes
    bool nil = false;   // a $-1 bulk string
};

template <class Stream>
resp_reply read_reply(portsock::stream_reader<Stream>& reader) {
    resp_reply reply;
    std::string line;
    if (reader.read_line(line, 5s) == 0) throw std::runtime_error("redis closed the connection");
    reply.type = line.empty() ? '?' : line[0];
    if (reply.type == '+' || reply.type == '-' || reply.type == ':') {
        reply.value = line.substr(1);
    } else if (reply.type == '$' && line == "$-1") {
        reply.nil = true;
    } else if (reply.type == '$') {
        const std::size_t size = parse_size(std::string_view(line).substr(1), 512 * 1024 * 1024);
        reader.read_exact(reply.value, size, 5s);  // any bytes, CR and LF included
        char crlf[2];
        reader.read_exact(crlf, 2, 5s);
    } else {
        throw std::runtime_error("unexpected RESP reply: " + line);
    }
    return reply;
}
//! [resp_reply]

void redis_exchange(const portsock::endpoint& server) {
    //! [resp_exchange]
    portsock::tcp_stream redis = portsock::tcp_stream::connect(server, 5s);
    portsock::stream_reader reader{redis};  // 64 KiB of buffer: plenty for reply headers

    redis.send_all(resp_command({"SET", "greeting", "hello\r\nfrom portsock"}), 5s);
    const resp_reply stored = read_reply(reader);  // +OK
    redis.send_all(resp_command({"GET", "greeting"}), 5s);
    const resp_reply greeting = read_reply(reader);  // $20 and the bytes, CRLF and all
    //! [resp_exchange]
    check(stored.type == '+' && stored.value == "OK", "SET replies +OK");
    check(greeting.type == '$' && greeting.value == "hello\r\nfrom portsock", "GET returns the value");

    // Pipelining: three commands in one send, three replies read back in order.
    const std::string big(256 * 1024, 'v');  // four times the reader's buffer
    redis.send_all(resp_command({"SET", "big", big}) + resp_command({"GET", "big"}) +
                       resp_command({"GET", "no such key"}),
                   5s);
    check(read_reply(reader).value == "OK", "SET big replies +OK");
    check(read_reply(reader).value == big, "GET big returns 256 KiB through a 64 KiB reader");
    check(read_reply(reader).nil, "GET of a missing key is nil");

    redis.send_all(resp_command({"INCR", "greeting"}), 5s);
    const resp_reply error = read_reply(reader);
    check(error.type == '-' && error.value.rfind("ERR", 0) == 0, "INCR of text is an error reply");

    redis.send_all(resp_command({"QUIT"}), 5s);
    check(read_reply(reader).value == "OK", "QUIT replies +OK");
    std::string after;
    std::error_code ec;
    check(reader.read_line(after, ec, 5s) == 0 && !ec, "after QUIT the stream ends cleanly");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: docs_snippet_protocol_client <http port> <redis port>\n";
        return 2;
    }
    const portsock::ip_address loopback = portsock::ip_address::loopback_v4();
    try {
        const http_response hello = http_get({loopback, portsock::parse_port(argv[1])}, "/hello.txt");
        check(hello.status_line.rfind("HTTP/1.", 0) == 0 &&
                  hello.status_line.find(" 200 ") != std::string::npos,
              "the GET succeeds");
        check(hello.body == "hello from python\n", "the body is the file's content");
        const http_response missing = http_get({loopback, portsock::parse_port(argv[1])}, "/missing.txt");
        check(missing.status_line.find(" 404 ") != std::string::npos, "a missing file is 404");
        redis_exchange({loopback, portsock::parse_port(argv[2])});
    } catch (const std::exception& e) {
        std::cerr << "FAILED: " << e.what() << '\n';
        return 1;
    }
    return snippet::exit_code();
}
