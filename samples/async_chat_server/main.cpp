// A chat server with coroutines: every line a client sends goes to every other client.
// Each client has a reader task and a writer task; a client that does not read is dropped
// once a megabyte waits for it, so it cannot hold the others.
//
// usage: async_chat_server [port] [clients]
//   port     where to listen (default 12345; 0 lets the OS choose, and prints it)
//   clients  exit once this many clients have come and gone (default: serve forever)
//
// Try it with two or three `nc localhost 12345` (or telnet) sessions.
#include <portsock/async.hpp>
#include <portsock/portsock.hpp>

#include <iostream>
#include <list>
#include <string>

namespace {

namespace async = portsock::async;
constexpr std::size_t max_line = 64 * 1024;   // a longer line drops its sender
constexpr std::size_t max_backlog = 1 << 20;  // unsent bytes before a slow client is dropped

struct member {
    async::tcp_stream stream;
    std::string name;
    std::string outbox;     // lines from others, not sent yet
    async::event has_mail;  // set while the outbox has bytes
    bool dropped = false;
};

using room = std::list<member>;

void queue(member& to, const std::string& text) {
    if (to.dropped) return;
    if (to.outbox.size() + text.size() > max_backlog) {  // too slow: let the others go on
        to.dropped = true;
        to.stream.close();  // ends its waiting receive and send: its chat() task ends
        return;
    }
    to.outbox += text;
    to.has_mail.set();
}

async::task<> write_mail(member& m) {
    std::error_code ec;
    while (!m.dropped) {
        co_await m.has_mail.wait();
        m.has_mail.clear();
        const std::string batch = std::move(m.outbox);
        m.outbox.clear();
        if (!batch.empty() && (co_await m.stream.send_all(batch, ec), ec)) break;
    }
    m.dropped = true;
}

async::task<> read_lines(member& m, room& everyone) {
    std::string partial;
    char buffer[4096];
    std::error_code ec;
    while (!m.dropped) {
        const std::size_t n = co_await m.stream.receive(buffer, sizeof buffer, ec);
        if (ec || n == 0) break;
        partial.append(buffer, n);
        for (std::size_t end; (end = partial.find('\n')) != std::string::npos; partial.erase(0, end + 1))
            for (member& other : everyone)
                if (&other != &m) queue(other, m.name + ": " + partial.substr(0, end + 1));
        if (partial.size() > max_line) break;
    }
    m.dropped = true;
    m.has_mail.set();
}

async::task<> chat(room& everyone, room::iterator self, portsock::endpoint peer) {
    member& m = *self;
    std::cout << m.name << " joined from " << peer << std::endl;
    queue(m, "Welcome, " + m.name + "!\n");
    co_await async::when_any(write_mail(m), read_lines(m, everyone));  // the first to end ends the other
    std::cout << m.name << " left" << std::endl;
    everyone.erase(self);
}

async::task<> chat_server(std::uint16_t port, long clients) {
    async::tcp_listener listener{portsock::tcp_listener{"localhost", port, {/*backlog=*/1024}}};
    std::cout << "Chat server is listening on port " << listener.socket().local_endpoint().port() << "..."
              << std::endl;
    room everyone;
    long joined = 0;
    // Each client is a task of its own; closing the listener (after the last client, when
    // there is a last) ends the accepting, and serve() returns once everyone has left.
    co_await async::serve(listener, [&](async::tcp_stream stream, portsock::endpoint peer) {
        if (++joined == clients) listener.close();
        auto self = everyone.emplace(everyone.end());
        self->stream = std::move(stream);
        self->name = "client " + std::to_string(joined);
        return chat(everyone, self, peer);
    });
}

}  // namespace

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    async::event_loop loop;
    loop.run(chat_server(port, argc > 2 ? std::stol(argv[2]) : -1));
} catch (const std::exception& error) {
    std::cerr << "async_chat_server: " << error.what() << '\n';
    return 1;
}
