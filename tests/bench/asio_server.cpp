// The scale benchmarks' asio server: one thread, one io_context. Reactor style
// (async_wait for readability, then a non-blocking read into one shared buffer), which is
// asio's leanest way to hold many mostly-idle connections; the same protocol as every
// benchmark server: prints "ports <echo> <welcome> <udp>", then serves until killed.
#include <asio.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace {

using asio::ip::tcp;
using asio::ip::udp;

std::array<char, 64 * 1024> shared_buffer;

class session : public std::enable_shared_from_this<session> {
public:
    explicit session(tcp::socket socket) : socket_(std::move(socket)) {
        socket_.set_option(tcp::no_delay(true));
        socket_.non_blocking(true);
    }

    void start() { wait_readable(); }

private:
    void wait_readable() {
        socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const asio::error_code& ec) {
            if (!ec) self->on_readable();
        });
    }

    void on_readable() {
        asio::error_code ec;
        const std::size_t n = socket_.read_some(asio::buffer(shared_buffer), ec);
        if (ec == asio::error::would_block) return wait_readable();
        if (ec) return;  // end of stream or error: the last reference goes, the socket closes
        const std::size_t sent = socket_.write_some(asio::buffer(shared_buffer.data(), n), ec);
        if (ec && ec != asio::error::would_block) return;
        if (sent == n) return wait_readable();
        unsent_.assign(shared_buffer.data() + sent, n - sent);  // a slow reader: finish asynchronously
        asio::async_write(socket_, asio::buffer(unsent_),
                          [self = shared_from_this()](const asio::error_code& e, std::size_t) {
                              if (!e) self->wait_readable();
                          });
    }

    tcp::socket socket_;
    std::string unsent_;
};

void accept_echo(tcp::acceptor& acceptor) {
    acceptor.async_accept([&acceptor](const asio::error_code& ec, tcp::socket socket) {
        if (!ec) std::make_shared<session>(std::move(socket))->start();
        accept_echo(acceptor);
    });
}

void accept_welcome(tcp::acceptor& acceptor) {
    static const std::string welcome = "Welcome to the server!";
    acceptor.async_accept([&acceptor](const asio::error_code& ec, tcp::socket socket) {
        asio::error_code ignored;
        if (!ec) asio::write(socket, asio::buffer(welcome), ignored);  // fits the send buffer at once
        accept_welcome(acceptor);
    });
}

void receive_datagrams(udp::socket& socket, udp::endpoint& sender) {
    socket.async_receive_from(
        asio::buffer(shared_buffer), sender, [&socket, &sender](const asio::error_code& ec, std::size_t n) {
            asio::error_code ignored;
            if (!ec) socket.send_to(asio::buffer(shared_buffer.data(), n), sender, 0, ignored);
            receive_datagrams(socket, sender);
        });
}

}  // namespace

int main() {
    asio::io_context io(1);
    const auto loopback = asio::ip::address_v4::loopback();
    tcp::acceptor echo(io, {loopback, 0});
    tcp::acceptor greet(io, {loopback, 0});
    echo.listen(4096);
    greet.listen(4096);
    udp::socket datagrams(io, {loopback, 0});
    udp::endpoint sender;
    std::printf("ports %u %u %u\n", echo.local_endpoint().port(), greet.local_endpoint().port(),
                datagrams.local_endpoint().port());
    std::fflush(stdout);
    accept_echo(echo);
    accept_welcome(greet);
    receive_datagrams(datagrams, sender);
    io.run();
}
