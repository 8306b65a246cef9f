// The loops every portsock stream shares: send everything, receive an exact count. A
// Stream has `send` and `receive` taking (data, size, std::error_code&, timeout) noexcept,
// and `receive` returns 0 at end of stream.
#pragma once

#include "internal.hpp"

#include <portsock/error.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <system_error>

namespace portsock::detail {

/// Sends all `size` bytes within `limit`; returns how many were sent (`size` unless ec).
template <class Stream>
std::size_t send_all(Stream& stream, const void* data, std::size_t size, std::error_code& ec,
                     timeout limit) noexcept {
    const deadline until(limit);
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t sent = 0;
    ec.clear();
    while (sent < size) {
        const std::size_t n = stream.send(bytes + sent, size - sent, ec, until.remaining());
        if (ec) break;
        sent += n;
    }
    return sent;
}

/// Receives exactly `size` bytes within `limit`; errc::end_of_stream if the stream ends
/// first. Returns how many arrived.
template <class Stream>
std::size_t receive_exact(Stream& stream, void* data, std::size_t size, std::error_code& ec,
                          timeout limit) noexcept {
    const deadline until(limit);
    auto* bytes = static_cast<unsigned char*>(data);
    std::size_t received = 0;
    ec.clear();
    while (received < size) {
        const std::size_t n = stream.receive(bytes + received, size - received, ec, until.remaining());
        if (ec) break;
        if (n == 0) {
            ec = make_error_code(errc::end_of_stream);
            break;
        }
        received += n;
    }
    return received;
}

}  // namespace portsock::detail
