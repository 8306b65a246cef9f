// The TLS component as an application uses it: one HTTPS GET, verified against a CA file.
//
// usage: portsock_tls_consumer <port> <ca.pem>   (the server is https://localhost:<port>/)
// Prints "portsock tls consumer: <status line>" and exits 0 on a 200 response.
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    if (argc != 3) {
        std::cerr << "usage: portsock_tls_consumer <port> <ca.pem>\n";
        return 2;
    }
    portsock::tls_context context(portsock::tls_role::client);
    context.load_verify_file(argv[2]);
    auto stream = portsock::tls_stream::connect(context, "localhost", portsock::parse_port(argv[1]),
                                                std::chrono::seconds(10));
    stream.send_all("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    std::chrono::seconds(10));
    std::string head;
    while (head.find("\r\n") == std::string::npos) {
        const std::string more = stream.receive(4096, std::chrono::seconds(10));
        if (more.empty()) break;
        head += more;
    }
    const std::string status = head.substr(0, head.find("\r\n"));
    std::cout << "portsock tls consumer: " << status << std::endl;
    return status.find(" 200 ") != std::string::npos ? 0 : 1;
} catch (const std::exception& error) {
    std::cerr << "portsock tls consumer: " << error.what() << '\n';
    return 1;
}
