// The byte-stream operations tcp_stream and local_stream share (see stream_ops.hpp).
#include "stream_ops.hpp"
#include "stream_loops.hpp"

#include <new>
#include <string>
#include <utility>

namespace portsock::detail {

std::size_t send_some(basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                      timeout limit) noexcept {
    if (!check_open(s, ec)) return 0;
    const platform::handle h = s.native_handle();
    return run_blocking<std::size_t>(s, platform::wait_writable, limit, 0, ec,
                                     [&](std::error_code& e) { return platform::send(h, data, size, e); });
}

namespace {

// A socket seen as a Stream of stream_loops.hpp.
struct socket_stream {
    basic_socket& socket;
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
        return send_some(socket, data, size, ec, limit);
    }
};

}  // namespace

std::size_t stream_send_all(basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                            timeout limit) noexcept {
    socket_stream stream{s};
    const std::size_t sent = send_all(stream, data, size, ec, limit);
    if (size == 0) check_open(s, ec);
    return sent;
}

std::size_t receive_some(basic_socket& s, void* data, std::size_t size, std::error_code& ec,
                         timeout limit) noexcept {
    if (!check_open(s, ec)) return 0;
    if (size == 0) return 0;  // nothing asked for: the OS would wait for a byte it cannot store
    const platform::handle h = s.native_handle();
    return run_stream_receive(s, limit, ec,
                              [&](std::error_code& e) { return platform::receive(h, data, size, e); });
}

void stream_shutdown(basic_socket& s, shutdown_type what, std::error_code& ec) noexcept {
    if (!check_open(s, ec)) return;
    if (!is_valid(what)) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return;
    }
    const platform::shutdown_how how = what == shutdown_type::receive ? platform::shutdown_how::receive
                                       : what == shutdown_type::send  ? platform::shutdown_how::send
                                                                      : platform::shutdown_how::both;
    platform::shutdown(s.native_handle(), how, ec);
}

platform::handle accept_handle(basic_socket& listener, platform::address* peer, platform::io_mode mode,
                               std::error_code& ec, timeout limit) noexcept {
    if (!check_open(listener, ec)) return platform::invalid_handle;
    const platform::handle h = listener.native_handle();
    // Counted before the cancel flag is read (seq_cst, paired with cancel()), so that a
    // cancel() either sees this call and wakes it, or this call sees the flag.
    socket_access::begin_accept(listener);
    platform::handle client = platform::invalid_handle;
    if (socket_access::is_cancelled_seq_cst(listener)) {
        cancelled(0, ec);
    } else {
        client = run_blocking<platform::handle>(
            listener, platform::wait_readable, limit, platform::invalid_handle, ec,
            [&](std::error_code& e) { return platform::accept(h, peer, mode, e); });
    }
    socket_access::end_accept(listener);
    if (!ec && socket_access::is_cancelled(listener)) {  // cancel()'s wake-up connection
        std::error_code ignored;
        platform::close(client, ignored);
        cancelled(0, ec);
    }
    return ec ? platform::invalid_handle : client;
}

void throw_transfer_error(const std::error_code& ec, const char* what, std::size_t done, std::size_t size,
                          const char* verb, timeout limit) {
    std::string context = what;
    context += " (" + std::to_string(done) + " of " + std::to_string(size) + " bytes " + verb + ")";
    throw transfer_error(ec, timed_context(std::move(context), limit, ec), done);
}

void check_and_adopt(native_handle_type h, platform::family first, platform::family second,
                     platform::socket_type type, bool listening, std::error_code& ec) noexcept {
    const platform::handle_kind kind = platform::describe(h, ec);
    if (ec) return;
    if (!kind.known_type || kind.type != type || (kind.fam != first && kind.fam != second)) {
        ec = platform::make_error(std::errc::wrong_protocol_type);
        return;
    }
    const platform::listen_state wanted =
        listening ? platform::listen_state::yes : platform::listen_state::no;
    if (kind.listening != platform::listen_state::unknown && kind.listening != wanted) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    platform::adopt(h, ec);
}

}  // namespace portsock::detail
