// Fetches a URL over HTTPS (HTTP/1.1) and prints the status line and the body's size.
//
// usage: https_get [url] [ca.pem]
//   url     https://host[:port][/path] (default https://localhost:8443/)
//   ca.pem  a CA to trust besides the system's
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

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

// The value of a header (case-insensitive name) in `head`, or empty.
std::string header_value(const std::string& head, std::string name) {
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) return {};
    const std::size_t start = head.find_first_not_of(' ', at + name.size() + 3);
    return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

int main(int argc, char* argv[]) try {
    using namespace std::chrono_literals;
    const url_parts url = parse_url(argc > 1 ? argv[1] : "https://localhost:8443/");

    portsock::tls_context context(portsock::tls_role::client);
    if (argc > 2) context.load_verify_file(argv[2]);
    context.set_alpn_protocols({"http/1.1"});
    auto stream = portsock::tls_stream::connect(context, url.host, url.port, 10s);
    stream.send_all("GET " + url.path + " HTTP/1.1\r\nHost: " + url.host + "\r\nConnection: close\r\n\r\n",
                    10s);

    // The head: up to the blank line (at most 64 KiB).
    std::string received;
    std::size_t head_end = std::string::npos;
    char buffer[16384];
    while ((head_end = received.find("\r\n\r\n")) == std::string::npos) {
        if (received.size() > 65536) throw std::runtime_error("response head longer than 64 KiB");
        const std::size_t n = stream.receive(buffer, sizeof buffer, 10s);
        if (n == 0) throw std::runtime_error("connection closed before the response head ended");
        received.append(buffer, n);
    }
    const std::string head = received.substr(0, head_end + 2);
    std::size_t body = received.size() - head_end - 4;

    // The body: Content-Length bytes, or else everything until close_notify. A cut without
    // close_notify throws tls_errc::unexpected_eof: the body may be truncated.
    const std::string length = header_value(head, "Content-Length");
    const std::size_t expected = length.empty() ? SIZE_MAX : std::stoull(length);
    while (body < expected) {
        const std::size_t n = stream.receive(buffer, sizeof buffer, 10s);
        if (n == 0) break;
        body += n;
    }
    if (expected != SIZE_MAX && body < expected)
        throw std::runtime_error("body shorter than its Content-Length");
    std::cout << head.substr(0, head.find("\r\n")) << '\n' << "body: " << body << " bytes" << std::endl;
} catch (const std::exception& error) {
    std::cerr << "https_get: " << error.what() << '\n';
    return 1;
}
