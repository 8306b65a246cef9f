// A program that uses portsock the way an application does: it is built by the package
// tests against an installed package, an unpacked .deb/.tar.gz/.zip, pkg-config, an
// add_subdirectory() or a FetchContent copy of the source tree.
//
// It checks that the headers and the library it linked agree on the version, then runs
// one loopback TCP exchange (listener on port 0, so never a fixed port).
// Prints "portsock consumer <version>: ok" and exits 0 on success.
#include <portsock/portsock.hpp>
#include <portsock/version.hpp>

#include <cstring>
#include <iostream>
#include <string>

int main() try {
    if (std::strcmp(portsock::version(), PORTSOCK_VERSION_STRING) != 0) {
        std::cerr << "portsock consumer: headers are " << PORTSOCK_VERSION_STRING << " but the library is "
                  << portsock::version() << '\n';
        return 1;
    }

    portsock::tcp_listener server{"localhost", 0, {/*backlog=*/1}};
    auto client = portsock::tcp_stream::connect("localhost", server.local_endpoint().port());
    auto [peer_stream, peer] = server.accept();
    peer_stream.send_all("Welcome to the server!");
    const std::string reply = client.receive(1024);
    if (reply != "Welcome to the server!") {
        std::cerr << "portsock consumer: unexpected reply '" << reply << "' from " << peer << '\n';
        return 1;
    }
    std::cout << "portsock consumer " << portsock::version() << ": ok" << std::endl;
    return 0;
} catch (const std::exception& error) {
    std::cerr << "portsock consumer: " << error.what() << '\n';
    return 1;
}
