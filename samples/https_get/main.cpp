// Fetches a URL over HTTPS (HTTP/1.1) and prints the status line and the body's size. One
// deadline (10 s) bounds the whole request: connecting, the handshake and every byte of the
// response (portsock::timeout accepts a time point).
//
// usage: https_get [url] [ca.pem]
//   url     https://host[:port][/path] (default https://localhost:8443/)
//   ca.pem  a CA to trust besides the system's
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

namespace {

struct url_parts {
    std::string host;
    std::uint16_t port = 443;
    std::string path = "/";
};

url_parts parse_url(const std::string& url) {
    const std::string scheme = "https://";
    if (url.compare(0, scheme.size(), scheme) != 0) throw std::invalid_argument("only https:// URLs: " + url);
    url_parts parts;
    const std::string rest = url.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) parts.path = rest.substr(slash);
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        parts.port = portsock::parse_port(authority.substr(colon + 1));
        parts.host = authority.substr(0, colon);
    } else {
        parts.host = authority;
    }
    if (parts.host.size() > 2 && parts.host.front() == '[')
        parts.host = parts.host.substr(1, parts.host.size() - 2);
    if (parts.host.empty()) throw std::invalid_argument("no host in " + url);
    return parts;
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

using https_reader = portsock::stream_reader<portsock::tls_stream>;
using time_point = std::chrono::steady_clock::time_point;

// One line of the response head: the stream's end inside the head is an error.
std::string head_line(https_reader& reader, time_point deadline) {
    std::string line;
    if (reader.read_line(line, deadline) == 0)
        throw std::runtime_error("connection closed inside the response head");
    return line;
}

struct response_head {
    std::string status;
    std::size_t length = SIZE_MAX;  // no Content-Length: the body runs to close_notify
    bool chunked = false;
};

// The status line and the header fields, to the blank line.
response_head read_head(https_reader& reader, time_point deadline) {
    response_head head;
    head.status = head_line(reader, deadline);
    for (std::string line; !(line = lower(head_line(reader, deadline))).empty();) {
        if (line.rfind("content-length:", 0) == 0) head.length = std::stoull(line.substr(15));
        if (line.rfind("transfer-encoding:", 0) == 0) head.chunked = line.find("chunked") != line.npos;
    }
    return head;
}

// RFC 9112, 7.1: chunks, each a hex size line (extensions after a ';' are ignored by
// stoull), the bytes and a CRLF; a 0 size ends them, then trailer fields to a blank line.
// read_exact() grows its string as the bytes come, so a huge announced size costs nothing.
std::size_t read_chunked_body(https_reader& reader, time_point deadline) {
    std::size_t body = 0;
    for (std::size_t size; (size = std::stoull(head_line(reader, deadline), nullptr, 16)) > 0; body += size) {
        std::string chunk;
        if (reader.read_exact(chunk, size + 2, deadline) != size + 2 || chunk.compare(size, 2, "\r\n") != 0)
            throw std::runtime_error("a chunk cut short, or not followed by CRLF");
    }
    while (!head_line(reader, deadline).empty()) {  // trailer fields
    }
    return body;
}

// Up to `length` bytes, or to close_notify; a cut without close_notify throws
// tls_errc::unexpected_eof (the body may be truncated).
std::size_t read_body(https_reader& reader, std::size_t length, time_point deadline) {
    std::size_t body = 0;
    for (char buffer[16384]; body < length;) {
        const std::size_t n = reader.receive(buffer, std::min(sizeof buffer, length - body), deadline);
        if (n == 0) break;
        body += n;
    }
    if (length != SIZE_MAX && body < length) throw std::runtime_error("body shorter than its Content-Length");
    return body;
}
}  // namespace

int main(int argc, char* argv[]) try {
    const url_parts url = parse_url(argc > 1 ? argv[1] : "https://localhost:8443/");

    portsock::tls_context context(portsock::tls_role::client);
    if (argc > 2) context.load_verify_file(argv[2]);
    context.set_alpn_protocols({"http/1.1"});
    const auto deadline = std::chrono::steady_clock::now() + 10s;  // one limit over the whole request
    auto stream = portsock::tls_stream::connect(context, url.host, url.port, deadline);
    stream.send_all("GET " + url.path + " HTTP/1.1\r\nHost: " + url.host + "\r\nConnection: close\r\n\r\n",
                    deadline);
    https_reader reader(stream, 64 * 1024);  // a head line longer than 64 KiB is an error
    const response_head head = read_head(reader, deadline);
    const std::size_t body =
        head.chunked ? read_chunked_body(reader, deadline) : read_body(reader, head.length, deadline);
    std::cout << head.status << '\n' << "body: " << body << " bytes" << std::endl;
} catch (const std::exception& error) {
    std::cerr << "https_get: " << error.what() << '\n';
    return 1;
}
