// The byte-stream operations tcp_stream and local_stream share: one implementation of
// send, receive, their all-or-error forms and shutdown over any connected stream socket,
// and the accept loop of tcp_listener and local_listener. Each public class forwards here.
#pragma once

#include "internal.hpp"

#include <cstddef>
#include <string>
#include <system_error>

namespace portsock::detail {

/// One send with the socket's blocking rules and timeout: stream or datagram.
std::size_t send_some(basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                      timeout limit) noexcept;
/// Sends every byte, retrying short sends; returns how many went.
std::size_t stream_send_all(basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                            timeout limit) noexcept;
/// One receive with the socket's blocking rules and timeout; on a stream, 0 with no error
/// is end of stream.
std::size_t receive_some(basic_socket& s, void* data, std::size_t size, std::error_code& ec,
                         timeout limit) noexcept;
/// Throws transfer_error: "<what> (<done> of <size> bytes <verb>) [(waited N ms)]", for the
/// throwing send_all() and receive_exact() of every stream.
[[noreturn]] void throw_transfer_error(const std::error_code& ec, const char* what, std::size_t done,
                                       std::size_t size, const char* verb, timeout limit);

void stream_shutdown(basic_socket& s, shutdown_type what, std::error_code& ec) noexcept;

/// Accepts one connection on a listener, with its timeout, as a handle in `mode`; the
/// peer's IP address goes to *peer if peer is not null. Returns platform::invalid_handle on error.
platform::handle accept_handle(basic_socket& listener, platform::address* peer, platform::io_mode mode,
                               std::error_code& ec, timeout limit) noexcept;

/// Adopts an outside handle after checking it is a socket of the expected kind: one of the
/// families (`second` may repeat `first`), the type, and listening or not. Never closes or
/// changes a handle it refuses.
void check_and_adopt(native_handle_type h, platform::family first, platform::family second,
                     platform::socket_type type, bool listening, std::error_code& ec) noexcept;

}  // namespace portsock::detail
