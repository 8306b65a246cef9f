// The out-of-line halves of portsock/stream.hpp: the loops, the error messages, gather
// writes and send_file(), written once for every stream (TCP, local, and TLS's loops).
#include "gather.hpp"
#include "internal.hpp"
#include "stream_loops.hpp"
#include "stream_ops.hpp"
#include "text.hpp"

#include <portsock/error.hpp>
#include <portsock/stream.hpp>

#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace portsock::detail {

namespace {

// A stream seen through stream.hpp's function pointers, as stream_loops.hpp wants it.
struct stream_ref {
    void* self;
    stream_send_fn send_fn;
    stream_receive_fn receive_fn;
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
        return send_fn(self, data, size, ec, limit);
    }
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
        return receive_fn(self, data, size, ec, limit);
    }
};

// Sends with the OS's call for files (platform::send_file()) from offset, until count, the
// end of the file or an error; std::errc::operation_not_supported if the OS refused to send
// the rest so. Only an untimed call on a blocking socket may block in the port until a
// whole piece went (Windows' TransmitFile): the rest need every byte counted as it goes.
std::uint64_t send_file_in_kernel(basic_socket& s, platform::file f, std::uint64_t offset,
                                  std::uint64_t count, const detail::deadline& until,
                                  std::error_code& ec) noexcept {
    const platform::handle h = s.native_handle();
    const bool may_block = !s.is_non_blocking() && until.is_infinite();
    std::uint64_t sent = 0;
    while (sent < count) {
        const std::size_t n = detail::run_blocking<std::size_t>(
            s, platform::wait_writable, until.remaining(), 0, ec, [&](std::error_code& e) {
                return platform::send_file(h, f, offset + sent, count - sent, may_block, e);
            });
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
std::uint64_t send_file_by_reading(basic_socket& s, platform::file f, bool seekable, std::uint64_t offset,
                                   std::uint64_t count, const detail::deadline& until,
                                   std::error_code& ec) noexcept {
    char piece[64 * 1024];
    std::uint64_t sent = 0;
    while (sent < count) {
        const auto want = static_cast<std::size_t>(count - sent < sizeof piece ? count - sent : sizeof piece);
        const std::size_t got = seekable ? platform::read_file(f, offset + sent, piece, want, ec)
                                         : platform::read_file_next(f, piece, want, ec);
        if (ec || got == 0) break;
        sent += detail::stream_send_all(s, piece, got, ec, until.remaining());
        if (ec) break;
    }
    return sent;
}

// send_file()'s text as a path, read as std::filesystem::path(text) reads it. A conversion
// the library refuses (wide text with no narrow form, or the reverse) sets ec instead of
// throwing, for the noexcept form.
template <class Char>
std::optional<std::filesystem::path> to_path(std::basic_string_view<Char> text,
                                             std::error_code& ec) noexcept {
    try {
        return std::filesystem::path(text);
    } catch (const std::system_error& error) {
        ec = error.code();
    } catch (...) {  // std::bad_alloc, the only other failure
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
    return std::nullopt;
}

// The file's name for an error message, in UTF-8. Text with no UTF-8 form (a lone UTF-16
// surrogate in a wide name) must not turn the error being reported into another one.
template <class Char>
std::string name_for_message(std::basic_string_view<Char> text) {
    std::error_code ignored;
    const std::optional<std::filesystem::path> path = to_path(text, ignored);
    if (path) {
        try {
            return path->u8string();
        } catch (const std::system_error&) {  // no UTF-8 form: the placeholder below
        }
    }
    return "(a name with no UTF-8 form)";
}

// "<type>::send_file \"<path>\" (<sent> bytes sent)": no "of <count>", which may be to_end_of_file.
template <class Char>
[[noreturn]] void throw_send_file_error_for(const std::error_code& ec, const char* type,
                                            std::basic_string_view<Char> text, std::uint64_t sent,
                                            timeout limit) {
    std::string context = std::string(type) + "::send_file " + quote(name_for_message(text)) + " (" +
                          std::to_string(sent) + " bytes sent)";
    throw transfer_error(ec, timed_context(std::move(context), limit, ec), static_cast<std::size_t>(sent));
}

}  // namespace

std::size_t send_all_with(void* stream, stream_send_fn send, const void* data, std::size_t size,
                          std::error_code& ec, timeout limit) noexcept {
    stream_ref ref{stream, send, nullptr};
    return send_all(ref, data, size, ec, limit);
}

std::size_t receive_exact_with(void* stream, stream_receive_fn receive, void* data, std::size_t size,
                               std::error_code& ec, timeout limit) noexcept {
    stream_ref ref{stream, nullptr, receive};
    return detail::receive_exact(ref, data, size, ec, limit);
}

std::string receive_string_with(void* stream, stream_receive_fn receive, std::size_t max_size,
                                std::error_code& ec, timeout limit) noexcept {
    return receive_into_string(max_size, ec, [&](void* data, std::size_t size, std::error_code& e) {
        return receive(stream, data, size, e, limit);
    });
}

void throw_stream_error(const std::error_code& ec, const char* type, const char* operation, timeout limit) {
    throw_error(ec, timed_context(std::string(type) + "::" + operation, limit, ec));
}

void throw_stream_transfer_error(const std::error_code& ec, const char* type, const char* operation,
                                 std::size_t done, std::size_t size, timeout limit) {
    const bool sending = std::string_view(operation).substr(0, 4) == "send";
    throw_transfer_error(ec, (std::string(type) + "::" + operation).c_str(), done, size,
                         sending ? "sent" : "received", limit);
}

void throw_send_file_error(const std::error_code& ec, const char* type, std::string_view path,
                           std::uint64_t sent, timeout limit) {
    throw_send_file_error_for(ec, type, path, sent, limit);
}

void throw_send_file_error(const std::error_code& ec, const char* type, std::wstring_view path,
                           std::uint64_t sent, timeout limit) {
    throw_send_file_error_for(ec, type, path, sent, limit);
}

std::size_t total_bytes(const const_buffer* buffers, std::size_t count) noexcept {
    return buffers ? total_size(buffers, count) : 0;
}

std::size_t socket_send(basic_socket& s, const void* data, std::size_t size, std::error_code& ec,
                        timeout limit) noexcept {
    return send_some(s, data, size, ec, limit);
}

std::size_t socket_receive(basic_socket& s, void* data, std::size_t size, std::error_code& ec,
                           timeout limit) noexcept {
    return receive_some(s, data, size, ec, limit);
}

void socket_shutdown(basic_socket& s, shutdown_type what, std::error_code& ec) noexcept {
    stream_shutdown(s, what, ec);
}

std::size_t socket_send_gather(basic_socket& s, const const_buffer* buffers, std::size_t count,
                               std::error_code& ec, timeout limit) noexcept {
    if (!check_open(s, ec) || !check_buffers(buffers, count, ec)) return 0;
    platform::buffer pieces[platform::max_gather];
    const std::size_t used = gather_chunk(buffers, count, {}, pieces);
    const platform::handle h = s.native_handle();
    return run_blocking<std::size_t>(s, platform::wait_writable, limit, 0, ec, [&](std::error_code& e) {
        return platform::send_gather(h, pieces, used, nullptr, e);
    });
}

std::size_t socket_send_all_gather(basic_socket& s, const const_buffer* buffers, std::size_t count,
                                   std::error_code& ec, timeout limit) noexcept {
    if (!check_open(s, ec) || !check_buffers(buffers, count, ec)) return 0;
    const platform::handle h = s.native_handle();
    const deadline until(limit);
    platform::buffer pieces[platform::max_gather];
    gather_position at;
    std::size_t sent = 0;
    ec.clear();
    for (;;) {
        const std::size_t used = gather_chunk(buffers, count, at, pieces);
        if (used == 0) break;
        const std::size_t n = run_blocking<std::size_t>(
            s, platform::wait_writable, until.remaining(), 0, ec,
            [&](std::error_code& e) { return platform::send_gather(h, pieces, used, nullptr, e); });
        if (ec) break;
        sent += n;
        advance(buffers, count, at, n);
    }
    return sent;
}

namespace {

std::uint64_t send_path(basic_socket& s, const std::filesystem::path& path, std::uint64_t offset,
                        std::uint64_t count, std::error_code& ec, timeout limit) noexcept {
    // The OS reads the path as a C string: a NUL would cut it and open another file.
    if (path.native().find(std::filesystem::path::value_type{}) != std::filesystem::path::string_type::npos) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return 0;
    }
    const platform::file f = platform::open_file(path, ec);
    if (ec) return 0;
    const deadline until(limit);
    const bool seekable = platform::file_is_seekable(f);
    std::uint64_t sent = 0;
    ec.clear();
    if (!seekable && offset != 0) {
        ec = platform::make_error(std::errc::invalid_seek);  // a FIFO's bytes come in order
    } else {
        if (seekable) sent = send_file_in_kernel(s, f, offset, count, until, ec);
        if (!seekable || ec == std::errc::operation_not_supported) {
            ec.clear();
            sent += send_file_by_reading(s, f, seekable, offset + sent, count - sent, until, ec);
        }
    }
    platform::close_file(f);
    return sent;
}

template <class Char>
std::uint64_t send_text_path(basic_socket& s, std::basic_string_view<Char> text, std::uint64_t offset,
                             std::uint64_t count, std::error_code& ec, timeout limit) noexcept {
    if (!check_open(s, ec)) return 0;
    const std::optional<std::filesystem::path> path = to_path(text, ec);
    return path ? send_path(s, *path, offset, count, ec, limit) : 0;
}

}  // namespace

std::uint64_t socket_send_file(basic_socket& s, std::string_view path, std::uint64_t offset,
                               std::uint64_t count, std::error_code& ec, timeout limit) noexcept {
    return send_text_path(s, path, offset, count, ec, limit);
}

std::uint64_t socket_send_file(basic_socket& s, std::wstring_view path, std::uint64_t offset,
                               std::uint64_t count, std::error_code& ec, timeout limit) noexcept {
    return send_text_path(s, path, offset, count, ec, limit);
}

}  // namespace portsock::detail
