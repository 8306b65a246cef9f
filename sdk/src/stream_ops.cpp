// The byte-stream operations tcp_stream and local_stream share (see stream_ops.hpp).
#include "stream_ops.hpp"

namespace portsock::detail {

std::size_t send_some(const basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                        timeout limit) noexcept {
    if (!check_open(s, ec)) return 0;
    const platform::handle h = s.native_handle();
    return run_blocking<std::size_t>(h, s.is_non_blocking(), platform::wait_writable, limit, 0, ec,
                                     [&](std::error_code& e) { return platform::send(h, data, size, e); });
}

std::size_t stream_send_all(const basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                            timeout limit) noexcept {
    const deadline until(limit);
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t sent = 0;
    ec.clear();
    while (sent < size) {
        const std::size_t n = send_some(s, bytes + sent, size - sent, ec, until.remaining());
        if (ec) break;
        sent += n;
    }
    if (size == 0) check_open(s, ec);
    return sent;
}

std::size_t receive_some(const basic_socket& s, void* data, std::size_t size, std::error_code& ec,
                           timeout limit) noexcept {
    if (!check_open(s, ec)) return 0;
    const platform::handle h = s.native_handle();
    return run_blocking<std::size_t>(h, s.is_non_blocking(), platform::wait_readable, limit, 0, ec,
                                     [&](std::error_code& e) { return platform::receive(h, data, size, e); });
}

std::string stream_receive_string(const basic_socket& s, std::size_t max_size, std::error_code& ec, timeout limit) {
    std::string text(max_size, '\0');
    text.resize(receive_some(s, text.data(), text.size(), ec, limit));
    return text;
}

std::size_t stream_receive_exact(const basic_socket& s, void* data, std::size_t size, std::error_code& ec,
                                 timeout limit) noexcept {
    const deadline until(limit);
    auto* bytes = static_cast<unsigned char*>(data);
    std::size_t received = 0;
    ec.clear();
    if (!check_open(s, ec)) return 0;
    while (received < size) {
        const std::size_t n = receive_some(s, bytes + received, size - received, ec, until.remaining());
        if (ec) break;
        if (n == 0) {
            ec = make_error_code(errc::end_of_stream);
            break;
        }
        received += n;
    }
    return received;
}

void stream_shutdown(const basic_socket& s, shutdown_type what, std::error_code& ec) noexcept {
    if (!check_open(s, ec)) return;
    const platform::shutdown_how how = what == shutdown_type::receive ? platform::shutdown_how::receive
                                       : what == shutdown_type::send  ? platform::shutdown_how::send
                                                                      : platform::shutdown_how::both;
    platform::shutdown(s.native_handle(), how, ec);
}

platform::handle accept_handle(const basic_socket& listener, platform::address* peer, std::error_code& ec,
                               timeout limit) noexcept {
    if (!check_open(listener, ec)) return platform::invalid_handle;
    const platform::handle h = listener.native_handle();
    return run_blocking<platform::handle>(h, listener.is_non_blocking(), platform::wait_readable, limit,
                                          platform::invalid_handle, ec,
                                          [&](std::error_code& e) { return platform::accept(h, peer, e); });
}

void check_and_adopt(native_handle_type h, platform::family first, platform::family second,
                     platform::socket_type type, bool listening, std::error_code& ec) noexcept {
    const platform::handle_kind kind = platform::describe(h, ec);
    if (ec) return;
    if (!kind.known_type || kind.type != type || (kind.fam != first && kind.fam != second)) {
        ec = platform::make_error(std::errc::wrong_protocol_type);
        return;
    }
    const platform::listen_state wanted = listening ? platform::listen_state::yes : platform::listen_state::no;
    if (kind.listening != platform::listen_state::unknown && kind.listening != wanted) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    platform::adopt(h, ec);
}

}  // namespace portsock::detail
