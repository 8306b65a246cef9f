// A socket-activated service, as systemd starts one: its listeners are inherited at
// descriptor 3 onwards and LISTEN_FDS says how many. Run by socket_activation_test.py.
//
// usage: activation_child serve    fd 3 = TCP listener, fd 4 = local listener (LISTEN_FDS=2):
//                                  serves one client on each, then exits 0
//        activation_child refuse   fd 3 = a UDP socket (LISTEN_FDS=1): adopting it as a
//                                  listener must fail and leave it open; echoes one datagram
#include <portsock/portsock.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

using namespace std::chrono_literals;
constexpr portsock::native_handle_type first_inherited = 3;  // SD_LISTEN_FDS_START

int fail(const std::string& why) {
    std::cerr << "activation_child: " << why << '\n';
    return 1;
}

int serve() {
    auto tcp = portsock::tcp_listener::adopt(first_inherited);
    auto local = portsock::local_listener::adopt(first_inherited + 1);
    tcp.accept(10s).stream.send_all("activated over tcp", 10s);
    local.accept(10s).stream.send_all("activated over local " + local.local_endpoint().to_string(), 10s);
    std::cout << "served 2" << std::endl;
    return 0;
}

int refuse() {
    std::error_code ec;
    const auto listener = portsock::tcp_listener::adopt(first_inherited, ec);
    if (ec != std::errc::wrong_protocol_type || listener.is_open())
        return fail("a UDP socket was not refused as a listener: " + ec.message());
    // Refused, so still open and still ours: it works as what it is.
    auto udp = portsock::udp_socket::adopt(first_inherited);
    char buffer[64];
    const auto got = udp.receive_from(buffer, sizeof buffer, 10s);
    udp.send_to("still open: " + std::string(buffer, got.size), got.sender, 10s);
    std::cout << "refused: " << ec.message() << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char* argv[]) try {
    const char* count = std::getenv("LISTEN_FDS");
    const std::string mode = argc > 1 ? argv[1] : "";
    const std::string expected = mode == "serve" ? "2" : "1";
    if (!count || count != expected) return fail("LISTEN_FDS is not " + expected);
    if (mode == "serve") return serve();
    if (mode == "refuse") return refuse();
    return fail("usage: activation_child serve|refuse");
} catch (const std::exception& error) {
    return fail(error.what());
}
