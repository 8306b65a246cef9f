// POSIX raw AF_UNIX sockets for the local benchmark reference loop (see raw_local_baseline.hpp).
#include "raw_local_baseline.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace portsock::raw {

local_pair connect_local_pair() {
    char directory[] = "/tmp/psbenchXXXXXX";
    if (!::mkdtemp(directory)) throw std::runtime_error("raw mkdtemp failed");
    const std::string path = std::string(directory) + "/raw.sock";
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    const auto* name = reinterpret_cast<const sockaddr*>(&address);
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || ::bind(listener, name, sizeof address) != 0 || ::listen(listener, 4) != 0)
        throw std::runtime_error("raw local listen failed");
    const int client = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (client < 0 || ::connect(client, name, sizeof address) != 0)
        throw std::runtime_error("raw local connect failed");
    const int server = ::accept(listener, nullptr, nullptr);
    if (server < 0) throw std::runtime_error("raw local accept failed");
    ::close(listener);
    ::unlink(path.c_str());
    ::rmdir(directory);
    return {client, server};
}

}  // namespace portsock::raw
