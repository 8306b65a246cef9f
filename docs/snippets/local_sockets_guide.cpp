// The local-sockets guide's examples, compiled and run by the tests
// (docs_snippet_local_sockets_guide). Where this OS has no local stream sockets (Wine),
// it says so and checks that the capability query and the error agree.
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>

namespace {

using snippet::check;
using namespace std::chrono_literals;

void conversation(const std::string& path) {
    //! [conversation]
    portsock::local_listener server{path};  // creates the socket file at `path`
    std::thread client_thread([&path] {
        auto client = portsock::local_stream::connect(path, 5s);
        client.send_all("hello over a local socket");
    });
    auto [stream, peer] = server.accept(5s);
    std::cout << stream.receive(1024, 5s) << " (from " << peer << ")\n";
    //! [conversation]
    client_thread.join();
    check(peer.is_unnamed(), "a client connects without a name");
}

void restart(const std::string& path) {
    //! [restart]
    portsock::local_listen_options options;
    options.replace_stale_socket = true;  // remove a dead server's socket file, and only that
    portsock::local_listener server{path, options};
    //! [restart]
    check(server.local_endpoint() == portsock::local_address{path}, "bound to the path");
}

void too_long() {
    //! [too_long]
    std::error_code ec;
    const std::string deep(200, 'd');
    auto address = portsock::local_address::from_path(deep, ec);
    if (ec == std::errc::filename_too_long) {
        std::cerr << "a socket path may have at most " << portsock::local_address::max_path_length()
                  << " bytes here\n";
    }
    //! [too_long]
    check(ec == std::errc::filename_too_long && address.is_unnamed(), "a 200-byte path is too long");
}

void credentials(const std::string& path) {
    portsock::local_listener server{path};
    auto client = portsock::local_stream::connect(path, 5s);
    auto [stream, peer] = server.accept(5s);
    //! [credentials]
    std::error_code ec;
    const portsock::process_credentials who = stream.peer_credentials(ec);
    if (!ec) {
        std::cout << "peer: user " << who.user_id << ", process " << who.process_id << '\n';
    } else if (ec == std::errc::operation_not_supported) {
        std::cout << "this OS does not say who the peer is\n";
    }
    //! [credentials]
    check(!ec || !portsock::has_local_peer_credentials(), "credentials where the OS has them");
}

}  // namespace

int main() {
    too_long();
    if (!portsock::has_local_stream_sockets()) {
        std::error_code ec;
        (void)portsock::local_stream::connect("nowhere.sock", ec);
        check(static_cast<bool>(ec), "no local sockets: connect fails");
        std::cout << "this OS has no local stream sockets; skipping the rest\n";
        return snippet::exit_code();
    }
    const auto directory = std::filesystem::temp_directory_path() / "portsock_local_guide";
    std::filesystem::remove_all(directory);
    std::filesystem::create_directories(directory);
    const std::string path = (directory / "guide.sock").string();
    conversation(path);  // leaves the socket file behind, as a crashed server would
    restart(path);
    std::filesystem::remove(path);
    credentials(path);
    std::filesystem::remove_all(directory);
    return snippet::exit_code();
}
