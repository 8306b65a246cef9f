// The scale benchmarks' libuv server: one thread, one loop, one shared read buffer (the
// read callback consumes it at once, so a per-connection buffer would only cost memory).
// The same protocol as every benchmark server: prints "ports <echo> <welcome> <udp>",
// then serves until killed.
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

char shared_buffer[64 * 1024];
const char welcome[] = "Welcome to the server!";

void give_buffer(uv_handle_t*, std::size_t, uv_buf_t* buf) {
    *buf = uv_buf_init(shared_buffer, sizeof shared_buffer);
}

void free_handle(uv_handle_t* handle) { std::free(handle); }

struct write_request {
    uv_write_t request;
    char data[1];  // the unsent bytes follow
};

void after_write(uv_write_t* request, int) { std::free(request); }

void on_echo_read(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
    if (n < 0) return uv_close(reinterpret_cast<uv_handle_t*>(stream), free_handle);
    if (n == 0) return;
    uv_buf_t data = uv_buf_init(buf->base, static_cast<unsigned>(n));
    const int sent = uv_try_write(stream, &data, 1);
    const std::size_t done = sent > 0 ? static_cast<std::size_t>(sent) : 0;
    if (done == static_cast<std::size_t>(n)) return;
    // A slow reader: copy the rest and let libuv finish the write.
    const std::size_t rest = static_cast<std::size_t>(n) - done;
    auto* request = static_cast<write_request*>(std::malloc(sizeof(write_request) + rest));
    std::memcpy(request->data, buf->base + done, rest);
    uv_buf_t remainder = uv_buf_init(request->data, static_cast<unsigned>(rest));
    uv_write(&request->request, stream, &remainder, 1, after_write);
}

uv_tcp_t* accept_client(uv_stream_t* listener) {
    auto* client = static_cast<uv_tcp_t*>(std::malloc(sizeof(uv_tcp_t)));
    uv_tcp_init(listener->loop, client);
    if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(client)) != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(client), free_handle);
        return nullptr;
    }
    return client;
}

void on_echo_connection(uv_stream_t* listener, int status) {
    if (status < 0) return;
    uv_tcp_t* client = accept_client(listener);
    if (!client) return;
    uv_tcp_nodelay(client, 1);
    uv_read_start(reinterpret_cast<uv_stream_t*>(client), give_buffer, on_echo_read);
}

void on_welcome_connection(uv_stream_t* listener, int status) {
    if (status < 0) return;
    uv_tcp_t* client = accept_client(listener);
    if (!client) return;
    uv_buf_t text = uv_buf_init(const_cast<char*>(welcome), sizeof welcome - 1);
    uv_try_write(reinterpret_cast<uv_stream_t*>(client), &text, 1);  // fits the send buffer at once
    uv_close(reinterpret_cast<uv_handle_t*>(client), free_handle);
}

void on_datagram(uv_udp_t* socket, ssize_t n, const uv_buf_t* buf, const sockaddr* from, unsigned) {
    if (n <= 0 || !from) return;
    uv_buf_t data = uv_buf_init(buf->base, static_cast<unsigned>(n));
    uv_udp_try_send(socket, &data, 1, from);
}

int bound_port(uv_handle_t* handle, bool datagram) {
    sockaddr_in address{};
    int length = sizeof address;
    if (datagram)
        uv_udp_getsockname(reinterpret_cast<uv_udp_t*>(handle), reinterpret_cast<sockaddr*>(&address),
                           &length);
    else
        uv_tcp_getsockname(reinterpret_cast<uv_tcp_t*>(handle), reinterpret_cast<sockaddr*>(&address),
                           &length);
    return ntohs(address.sin_port);
}

}  // namespace

int main() {
    uv_loop_t* loop = uv_default_loop();
    sockaddr_in any{};
    uv_ip4_addr("127.0.0.1", 0, &any);
    uv_tcp_t echo, greet;
    uv_udp_t datagrams;
    uv_tcp_init(loop, &echo);
    uv_tcp_init(loop, &greet);
    uv_udp_init(loop, &datagrams);
    uv_tcp_bind(&echo, reinterpret_cast<const sockaddr*>(&any), 0);
    uv_tcp_bind(&greet, reinterpret_cast<const sockaddr*>(&any), 0);
    uv_udp_bind(&datagrams, reinterpret_cast<const sockaddr*>(&any), 0);
    uv_listen(reinterpret_cast<uv_stream_t*>(&echo), 4096, on_echo_connection);
    uv_listen(reinterpret_cast<uv_stream_t*>(&greet), 4096, on_welcome_connection);
    uv_udp_recv_start(&datagrams, give_buffer, on_datagram);
    std::printf("ports %d %d %d\n", bound_port(reinterpret_cast<uv_handle_t*>(&echo), false),
                bound_port(reinterpret_cast<uv_handle_t*>(&greet), false),
                bound_port(reinterpret_cast<uv_handle_t*>(&datagrams), true));
    std::fflush(stdout);
    return uv_run(loop, UV_RUN_DEFAULT);
}
