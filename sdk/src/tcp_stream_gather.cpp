// tcp_stream: gather writes and sending files.
#include "gather.hpp"
#include "internal.hpp"
#include "stream_ops.hpp"
#include "text.hpp"

#include <portsock/error.hpp>
#include <portsock/tcp.hpp>

#include <string>

namespace portsock {

std::size_t tcp_stream::send(const const_buffer* buffers, std::size_t count, timeout limit) {
    return detail::or_throw("portsock::tcp_stream::send",
                            [&](std::error_code& ec) { return send(buffers, count, ec, limit); });
}

std::size_t tcp_stream::send(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                             timeout limit) noexcept {
    if (!detail::check_open(*this, ec) || !detail::check_buffers(buffers, count, ec)) return 0;
    platform::buffer pieces[platform::max_gather];
    const std::size_t used = detail::gather_chunk(buffers, count, {}, pieces);
    const platform::handle h = native_handle();
    return detail::run_blocking<std::size_t>(*this, platform::wait_writable, limit, 0, ec,
                                             [&](std::error_code& e) { return platform::send_gather(h, pieces, used, nullptr, e); });
}

void tcp_stream::send_all(const const_buffer* buffers, std::size_t count, timeout limit) {
    std::error_code ec;
    const std::size_t sent = send_all(buffers, count, ec, limit);
    if (ec) {
        detail::throw_transfer_error(ec, "portsock::tcp_stream::send_all", sent, detail::total_size(buffers, count),
                                     "sent", limit);
    }
}

std::size_t tcp_stream::send_all(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                                 timeout limit) noexcept {
    if (!detail::check_open(*this, ec) || !detail::check_buffers(buffers, count, ec)) return 0;
    const platform::handle h = native_handle();
    const detail::deadline until(limit);
    platform::buffer pieces[platform::max_gather];
    detail::gather_position at;
    std::size_t sent = 0;
    ec.clear();
    for (;;) {
        const std::size_t used = detail::gather_chunk(buffers, count, at, pieces);
        if (used == 0) break;
        const std::size_t n = detail::run_blocking<std::size_t>(
            *this, platform::wait_writable, until.remaining(), 0, ec,
            [&](std::error_code& e) { return platform::send_gather(h, pieces, used, nullptr, e); });
        if (ec) break;
        sent += n;
        detail::advance(buffers, count, at, n);
    }
    return sent;
}

std::uint64_t tcp_stream::send_file(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t count,
                                    timeout limit) {
    std::error_code ec;
    const std::uint64_t sent = send_file(path, offset, count, ec, limit);
    if (ec) {
        // "<what> \"<path>\" (<sent> bytes sent)": no "of <count>", which may be to_end_of_file.
        std::string context = "portsock::tcp_stream::send_file " + detail::quote(path.u8string()) + " (" +
                              std::to_string(sent) + " bytes sent)";
        throw transfer_error(ec, detail::timed_context(std::move(context), limit, ec), static_cast<std::size_t>(sent));
    }
    return sent;
}

namespace {

// Sends with the OS's call for files (platform::send_file()) from offset, until count, the
// end of the file or an error; std::errc::operation_not_supported if the OS refused to send
// the rest so. Only an untimed call on a blocking socket may block in the port until a
// whole piece went (Windows' TransmitFile): the rest need every byte counted as it goes.
std::uint64_t send_file_in_kernel(tcp_stream& s, platform::file f, std::uint64_t offset, std::uint64_t count,
                                  const detail::deadline& until, std::error_code& ec) noexcept {
    const platform::handle h = s.native_handle();
    const bool may_block = !s.is_non_blocking() && until.is_infinite();
    std::uint64_t sent = 0;
    while (sent < count) {
        const std::size_t n = detail::run_blocking<std::size_t>(
            s, platform::wait_writable, until.remaining(), 0, ec,
            [&](std::error_code& e) { return platform::send_file(h, f, offset + sent, count - sent, may_block, e); });
        if (ec || n == 0) break;  // an error, or the end of the file
        sent += n;
    }
    return sent;
}

// Reads a piece (64 KiB) and sends all of it, as Python's socket.sendfile() does where
// os.sendfile() is refused, until count or the end of the file (a read of 0: a file whose
// size says 0, as /proc's do, still sends what it holds). A seekable file is read at its
// offset, so a piece cut short by an error or a full non-blocking socket is read again by
// the next call; any other is read in order, and such a piece's unsent rest is lost.
std::uint64_t send_file_by_reading(tcp_stream& s, platform::file f, bool seekable, std::uint64_t offset,
                                   std::uint64_t count, const detail::deadline& until, std::error_code& ec) noexcept {
    char piece[64 * 1024];
    std::uint64_t sent = 0;
    while (sent < count) {
        const auto want = static_cast<std::size_t>(count - sent < sizeof piece ? count - sent : sizeof piece);
        const std::size_t got = seekable ? platform::read_file(f, offset + sent, piece, want, ec)
                                         : platform::read_file_next(f, piece, want, ec);
        if (ec || got == 0) break;
        sent += s.send_all(piece, got, ec, until.remaining());
        if (ec) break;
    }
    return sent;
}

}  // namespace

std::uint64_t tcp_stream::send_file(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t count,
                                    std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    // The OS reads the path as a C string: a NUL would cut it and open another file.
    if (path.native().find(std::filesystem::path::value_type{}) != std::filesystem::path::string_type::npos) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return 0;
    }
    const platform::file f = platform::open_file(path, ec);
    if (ec) return 0;
    const detail::deadline until(limit);
    const bool seekable = platform::file_is_seekable(f);
    std::uint64_t sent = 0;
    ec.clear();
    if (!seekable && offset != 0) {
        ec = platform::make_error(std::errc::invalid_seek);  // a FIFO's bytes come in order
    } else {
        if (seekable) sent = send_file_in_kernel(*this, f, offset, count, until, ec);
        if (!seekable || ec == std::errc::operation_not_supported) {
            ec.clear();
            sent += send_file_by_reading(*this, f, seekable, offset + sent, count - sent, until, ec);
        }
    }
    platform::close_file(f);
    return sent;
}

}  // namespace portsock
