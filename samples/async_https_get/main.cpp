// Fetches a URL over HTTPS (HTTP/1.1) with coroutines, and prints the status line and the
// body's size. One deadline bounds the whole request: resolving, connecting, the handshake,
// and every byte of the response (portsock::timeout accepts a time point).
//
// usage: async_https_get [url] [ca.pem] [seconds]
//   url      https://host[:port][/path] (default https://localhost:8443/)
//   ca.pem   a CA to trust besides the system's
//   seconds  the limit on the whole request (default 10)
#include <portsock/async.hpp>
#include <portsock/async/reader.hpp>
#include <portsock/async/tls.hpp>
#include <portsock/portsock.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace async = portsock::async;

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

}  // namespace

//! [fetch]
using https_reader = async::stream_reader<async::tls_stream>;
using time_point = std::chrono::steady_clock::time_point;

struct response_head {
    std::string status;
    std::size_t length = SIZE_MAX;  // no Content-Length: the body runs to close_notify
    bool chunked = false;
};

// The status line and the header fields, to the blank line. The returning read_line()
// throws errc::end_of_stream if the stream ends inside the head.
async::task<response_head> read_head(https_reader& reader, time_point deadline) {
    response_head head;
    head.status = co_await reader.read_line(deadline);  // not in a braced initializer: g++ 12
    for (;;) {
        const std::string line = lower(co_await reader.read_line(deadline));
        if (line.empty()) break;  // the blank line
        if (line.rfind("content-length:", 0) == 0) head.length = std::stoull(line.substr(15));
        if (line.rfind("transfer-encoding:", 0) == 0) head.chunked = line.find("chunked") != line.npos;
    }
    co_return head;
}

// RFC 9112, 7.1: chunks, each a hex size line (extensions after a ';' are ignored by
// stoull), the bytes and a CRLF; a 0 size ends them, then trailer fields to a blank line.
// read_exact() grows its string as the bytes come, so a huge announced size costs nothing.
async::task<std::size_t> read_chunked_body(https_reader& reader, time_point deadline) {
    std::size_t body = 0;
    for (std::size_t size; (size = std::stoull(co_await reader.read_line(deadline), nullptr, 16)) > 0;) {
        if ((co_await reader.read_exact(size + 2, deadline)).substr(size) != "\r\n")
            throw std::runtime_error("a chunk not followed by CRLF");
        body += size;
    }
    while (!(co_await reader.read_line(deadline)).empty()) {  // trailer fields
    }
    co_return body;
}

// Up to `length` bytes, or to close_notify; a cut without close_notify throws
// tls_errc::unexpected_eof (the body may be truncated).
async::task<std::size_t> read_body(https_reader& reader, std::size_t length, time_point deadline) {
    std::size_t body = 0;
    for (char buffer[16384]; body < length;) {
        const std::size_t n =
            co_await reader.receive(buffer, std::min(sizeof buffer, length - body), deadline);
        if (n == 0) break;
        body += n;
    }
    if (length != SIZE_MAX && body < length) throw std::runtime_error("body shorter than its Content-Length");
    co_return body;
}

async::task<> fetch(url_parts url, const portsock::tls_context& context, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;  // a time point: one limit for every step
    auto stream = co_await async::tls_stream::connect(context, url.host, url.port, deadline);
    co_await stream.send_all(
        "GET " + url.path + " HTTP/1.1\r\nHost: " + url.host + "\r\nConnection: close\r\n\r\n", deadline);
    https_reader reader(stream, 64 * 1024);  // a head line longer than 64 KiB is an error
    const response_head head = co_await read_head(reader, deadline);
    const std::size_t body = head.chunked ? co_await read_chunked_body(reader, deadline)
                                          : co_await read_body(reader, head.length, deadline);
    std::cout << head.status << '\n' << "body: " << body << " bytes" << std::endl;
}
//! [fetch]

int main(int argc, char* argv[]) try {
    const url_parts url = parse_url(argc > 1 ? argv[1] : "https://localhost:8443/");
    portsock::tls_context context(portsock::tls_role::client);
    if (argc > 2) context.load_verify_file(argv[2]);
    context.set_alpn_protocols({"http/1.1"});
    async::event_loop loop;
    loop.run(fetch(url, context, std::chrono::seconds(argc > 3 ? std::stol(argv[3]) : 10)));
} catch (const std::system_error& error) {
    // Some C runtimes have no text for ETIMEDOUT ("Unknown error"): say it plainly.
    const bool late = error.code() == std::errc::timed_out;
    std::cerr << "async_https_get: " << error.what() << (late ? " (timed out)" : "") << '\n';
    return 1;
} catch (const std::exception& error) {
    std::cerr << "async_https_get: " << error.what() << '\n';
    return 1;
}
