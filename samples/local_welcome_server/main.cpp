// The tutorial's server over a local (Unix-domain) socket: greets each client with
// "Welcome to the server!" and closes. A local socket is named by a path, not a port.
//
// usage: local_welcome_server [path] [clients]
//   path     where to listen (default portsock_welcome.sock, in the current directory)
//   clients  how many clients to serve before exiting (default: serve forever)
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    const std::string path = argc > 1 ? argv[1] : "portsock_welcome.sock";
    const long clients = argc > 2 ? std::stol(argv[2]) : -1;

    //! [listen]
    // A server that was killed leaves its socket file behind: replace it if nobody listens.
    portsock::local_listener server{path, {/*backlog=*/5, /*replace_stale_socket=*/true}};
    std::cout << "Server is listening on " << server.local_endpoint() << "..." << std::endl;
    //! [listen]

    for (long served = 0; clients < 0 || served < clients; ++served) {
        auto [client, peer] = server.accept();
        std::cout << "Connection from " << peer << " has been established!" << std::endl;
        client.send_all("Welcome to the server!");
    }  // each client closes itself here
} catch (const std::exception& error) {
    std::cerr << "local_welcome_server: " << error.what() << '\n';
    return 1;
}
