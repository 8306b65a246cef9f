// The tutorial's client over a local (Unix-domain) socket: connects, prints what the
// server says, and exits.
//
// usage: local_welcome_client [path]   (default portsock_welcome.sock)
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    const std::string path = argc > 1 ? argv[1] : "portsock_welcome.sock";

    //! [connect]
    auto client = portsock::local_stream::connect(path);
    std::cout << client.receive(1024) << std::endl;
    //! [connect]
} catch (const std::exception& error) {
    std::cerr << "local_welcome_client: " << error.what() << '\n';
    return 1;
}
