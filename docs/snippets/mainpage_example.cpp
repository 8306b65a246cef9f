// The main page's example: a server and a client in one program, over loopback.
// Compiled and run by the tests (docs_snippet_mainpage_example).
//! [example]
#include <iostream>
#include <portsock/portsock.hpp>

int main() {
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    auto client = portsock::tcp_stream::connect(server.local_endpoint());

    auto [connection, peer] = server.accept();
    connection.send_all("Welcome to the server!");
    std::cout << client.receive(1024) << " (from " << peer << ")\n";
}
//! [example]
