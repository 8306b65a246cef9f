// The tutorial's first steps: addresses, endpoints and name resolution, then the welcome
// server and client in one program. Compiled and run by the tests
// (docs_snippet_tutorial_first_steps); every check prints what failed and exits 1.
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

using snippet::check;

void version() {
    //! [version]
    std::cout << "portsock " << portsock::version() << " on " << portsock::platform_name() << '\n';
    //! [version]
}

void addresses() {
    //! [addresses]
    // An IP address names a host's network interface; a port picks one program on it.
    portsock::ip_address loopback = portsock::ip_address::parse("127.0.0.1");
    portsock::endpoint server{loopback, 12345};
    std::cout << server << '\n';  // 127.0.0.1:12345

    // Endpoints parse and print both families; IPv6 addresses go in brackets.
    portsock::endpoint v6 = portsock::endpoint::parse("[::1]:8080");
    std::cout << v6.address() << " port " << v6.port() << '\n';  // ::1 port 8080
    //! [addresses]
    check(server.to_string() == "127.0.0.1:12345", "endpoint formatting");
    check(v6.address() == portsock::ip_address::loopback_v6() && v6.port() == 8080, "endpoint parsing");
}

void resolving() {
    //! [resolve]
    // A host name may stand for several addresses (IPv6 and IPv4, several servers).
    for (const portsock::endpoint& candidate : portsock::resolve("localhost", "12345")) {
        std::cout << "localhost:12345 is " << candidate << '\n';
    }
    //! [resolve]
}

void welcome_in_one_program() {
    using namespace std::chrono_literals;
    //! [one_program]
    // Port 0: the OS picks a free port; local_endpoint() tells which.
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    const std::uint16_t port = server.local_endpoint().port();

    // connect() returns once the OS has queued the connection, before accept() is called,
    // so one thread can play both parts.
    portsock::tcp_stream client = portsock::tcp_stream::connect("localhost", port, 5s);
    auto [connection, peer] = server.accept(5s);
    connection.send_all("Welcome to the server!");
    connection.close();  // the client reads end of stream after the greeting

    std::string greeting;
    for (std::string part; !(part = client.receive(1024, 5s)).empty();) greeting += part;
    std::cout << greeting << '\n';
    //! [one_program]
    check(greeting == "Welcome to the server!", "welcome message");
}

void dual_stack_peers() {
    using namespace std::chrono_literals;
    if (!portsock::has_ipv6_loopback()) return;  // this host has no IPv6: nothing to show
    //! [unmapped]
    // One listener for both families: IPv4 clients arrive as ::ffff:a.b.c.d.
    portsock::listen_options options;
    options.dual_stack = true;
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::any_v6(), 0}, options};
    const std::uint16_t port = server.local_endpoint().port();

    auto client = portsock::tcp_stream::connect({portsock::ip_address::loopback_v4(), port}, 5s);
    auto [connection, peer] = server.accept(5s);

    // Compare unmapped() addresses: the same client gives the same value whichever
    // listener (IPv4 or dual-stack) it reached, so allow-lists and per-client limits hold.
    const portsock::ip_address who = peer.address().unmapped();
    std::cout << peer.address() << " is " << who << '\n';  // ::ffff:127.0.0.1 is 127.0.0.1
    const bool trusted = who == portsock::ip_address::loopback_v4();
    //! [unmapped]
    check(peer.address().is_v4_mapped(), "a dual-stack listener sees an IPv4 client as mapped");
    check(peer.address().is_loopback(), "a mapped loopback client is loopback");
    check(trusted, "unmapped() gives the IPv4 address back");
}

void happy_eyeballs() {
    using namespace std::chrono_literals;
    portsock::tcp_listener server{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    const std::uint16_t port = server.local_endpoint().port();
    //! [happy_eyeballs]
    // Start the next address 100 ms after the one before, not 250 ms; 3 s for everything.
    portsock::connect_options fast{100ms};
    auto by_name = portsock::tcp_stream::connect("localhost", port, 3s, fast);

    // The same race over addresses resolved (or chosen) beforehand.
    std::vector<portsock::endpoint> candidates = portsock::resolve("localhost", std::to_string(port));
    auto by_list = portsock::tcp_stream::connect_any(candidates, 3s, fast);
    //! [happy_eyeballs]
    check(by_name.is_open() && by_list.is_open(), "connect by name and connect_any");
    check(by_list.remote_endpoint().port() == port, "connect_any reached the listener");
}

}  // namespace

int main() try {
    version();
    addresses();
    resolving();
    welcome_in_one_program();
    dual_stack_peers();
    happy_eyeballs();
    return snippet::exit_code();
} catch (const std::exception& error) {
    std::cerr << "FAILED: " << error.what() << '\n';
    return EXIT_FAILURE;
}
