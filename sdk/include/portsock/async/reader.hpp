/// @file
/// portsock::async::stream_reader: read_line(), read_until(), read_exact() and peek() over
/// any awaitable stream (portsock::async::tcp_stream, local_stream, tls_stream), with the
/// limits and errors of the blocking portsock::stream_reader.
#pragma once

#include <portsock/async/task.hpp>
#include <portsock/error.hpp>
#include <portsock/reader.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock::async {

/// A buffered reader over an awaitable stream, for line- and record-based protocols (HTTP,
/// Redis, SMTP, memcached): the async twin of portsock::stream_reader.
///
/// Works over any stream whose member
/// @code
/// co_await stream.receive(void* data, std::size_t size, std::error_code& ec, timeout limit)
/// @endcode
/// gives a count, 0 with no error at the end of the stream: portsock::async::tcp_stream,
/// local_stream and tls_stream. Given a stream object, the reader keeps a reference to it
/// (the stream must outlive the reader); given a temporary, such as a stream fresh from
/// connect(), it owns the stream, as the blocking reader does:
/// @code
/// async::stream_reader redis(co_await async::local_stream::connect(path, deadline));
/// co_await redis.stream().send_all("PING\r\n", deadline);
/// std::string pong = co_await redis.read_line(deadline);
/// @endcode
/// Either way, sending goes to stream() directly.
///
/// **Limits.** The buffer is allocated once, with room for `max_size` bytes, and never
/// grows: a peer that sends more than `max_size` bytes without the delimiter gets
/// errc::message_too_long. read_exact() has no such limit (check a size from the peer first).
///
/// **End of stream.** A read that finds the stream ended before its first byte returns 0
/// with no error; one that ends inside a record (a line with no terminator, an exact read
/// cut short) is errc::end_of_stream.
///
/// **Timeouts** bound each call as a whole, however many receives it takes:
/// std::errc::timed_out. Every call ends with std::errc::operation_canceled when its task is
/// cancelled, and reports the stream's own errors. Each comes in two forms: the throwing
/// one (std::system_error when awaited) and the one that sets a `std::error_code&`.
/// @tparam Stream an awaitable stream type.
/// @threadsafety The loop's thread only; one call at a time.
template <class Stream>
class stream_reader {
public:
    /// The buffer size when none is given: 64 KiB.
    static constexpr std::size_t default_max_size = 64 * 1024;

private:
    static constexpr bool nothrow_movable =
        std::is_nothrow_move_constructible_v<Stream> && std::is_nothrow_move_assignable_v<Stream>;

public:
    /// Reads from `stream` through a buffer of `max_size` bytes (at least 1).
    /// @param stream the stream, which must outlive the reader.
    /// @param max_size the longest record read_line() or read_until() accepts, delimiter included.
    /// @throws std::bad_alloc if the buffer cannot be allocated.
    explicit stream_reader(Stream& stream, std::size_t max_size = default_max_size)
        : stream_(&stream), capacity_(max_size == 0 ? 1 : max_size), data_(new char[capacity_]) {}

    /// Reads from `stream`, which the reader owns (moved in) and closes when it is destroyed.
    /// Class template argument deduction picks this form for an rvalue.
    /// @param stream the stream, moved into the reader.
    /// @param max_size as for stream_reader(Stream&, std::size_t).
    /// @throws std::bad_alloc if the buffer cannot be allocated (the stream is closed then).
    explicit stream_reader(Stream&& stream, std::size_t max_size = default_max_size)
        : owned_(std::move(stream)),
          stream_(&*owned_),
          capacity_(max_size == 0 ? 1 : max_size),
          data_(new char[capacity_]) {}

    /// Takes the stream (owned or referred to) and the buffered bytes of `other`, which is
    /// left empty (its reads report errc::not_open). Not while a call of either waits.
    /// @param other the source.
    stream_reader(stream_reader&& other) noexcept(nothrow_movable) { *this = std::move(other); }

    /// Takes the stream and the buffered bytes of `other`, which is left empty; a stream this
    /// reader owned is closed first. Not while a call of either waits.
    /// @param other the source. @return *this.
    stream_reader& operator=(stream_reader&& other) noexcept(nothrow_movable) {
        if (this != &other) {
            owned_ = std::move(other.owned_);
            other.owned_.reset();
            stream_ = owned_ ? &*owned_ : other.stream_;
            other.stream_ = nullptr;
            capacity_ = std::exchange(other.capacity_, 0);
            data_ = std::move(other.data_);
            begin_ = std::exchange(other.begin_, 0);
            end_ = std::exchange(other.end_, 0);
        }
        return *this;
    }

    /// The stream this reader reads from, owned or referred to.
    /// @return the stream, e.g. to send a request on it; for a moved-from reader, an empty
    ///         stream of this thread's, on which every call reports errc::not_open.
    Stream& stream() const noexcept {
        if (stream_) return *stream_;
        thread_local Stream empty;  // as tls_stream::next_layer(): a clear error, not a null
        return empty;
    }
    /// @return the buffer's size: the longest record accepted.
    std::size_t max_size() const noexcept { return capacity_; }
    /// @return the bytes received but not yet read.
    std::string_view buffered() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
    /// Drops up to `size` buffered bytes (after peek()). @param size how many.
    void consume(std::size_t size) noexcept {
        begin_ += size < end_ - begin_ ? size : end_ - begin_;
        if (begin_ == end_) begin_ = end_ = 0;
    }

    /// Reads one line and appends it, without its `\n` or `\r\n`, to `line`.
    /// @param line where to append. @param ec set on failure (errc::message_too_long,
    ///        errc::end_of_stream, std::errc::timed_out, the stream's errors).
    /// @param limit how long in all.
    /// @return the bytes consumed (terminator included); 0 at the end of the stream or on error.
    task<std::size_t> read_line(std::string& line, std::error_code& ec, timeout limit = {}) {
        const std::size_t length = co_await find_delimiter("\n", ec, limit);
        if (length == 0) co_return 0;
        std::size_t text = length - 1;
        if (text > 0 && data_[begin_ + text - 1] == '\r') --text;
        line.append(data_.get() + begin_, text);
        consume(length);
        co_return length;
    }
    /// See read_line(std::string&, std::error_code&, timeout). @param line where to append.
    /// @param limit how long in all. @return the bytes consumed, 0 at the end of the stream.
    /// @throws std::system_error with the error.
    task<std::size_t> read_line(std::string& line, timeout limit = {}) {
        std::error_code ec;
        const std::size_t n = co_await read_line(line, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::read_line");
        co_return n;
    }

    /// Reads one line and returns it, without its `\n` or `\r\n`: the form for a reply or a
    /// header, where the stream must not end. Python's `readline()`, less the terminator.
    /// @param ec set on failure: errc::end_of_stream if the stream ends before a whole line
    ///        (before its first byte too), and read_line(std::string&, std::error_code&, timeout)'s
    ///        errors. @param limit how long in all.
    /// @return the line; what is read of it (or nothing) on error.
    task<std::string> read_line(std::error_code& ec, timeout limit = {}) {
        std::string line;
        if (co_await read_line(line, ec, limit) == 0 && !ec) ec = make_error_code(errc::end_of_stream);
        co_return line;
    }
    /// See read_line(std::error_code&, timeout). @param limit how long in all.
    /// @return the line. @throws std::system_error with the error (errc::end_of_stream
    ///         included).
    task<std::string> read_line(timeout limit = {}) {
        std::error_code ec;
        std::string line = co_await read_line(ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::read_line");
        co_return line;
    }

    /// Reads up to and including `delimiter` and appends it all to `out`.
    /// @param out where to append. @param delimiter the end of a record (not empty, at most
    ///        max_size() bytes: else errc::invalid_argument). @param ec set on failure,
    ///        as read_line(). @param limit how long in all.
    /// @return the bytes appended; 0 at the end of the stream or on error.
    task<std::size_t> read_until(std::string& out, std::string_view delimiter, std::error_code& ec,
                                 timeout limit = {}) {
        const std::size_t length = co_await find_delimiter(delimiter, ec, limit);
        out.append(data_.get() + begin_, length);
        consume(length);
        co_return length;
    }
    /// See read_until(std::string&, std::string_view, std::error_code&, timeout).
    /// @param out where to append. @param delimiter the end of a record. @param limit how long.
    /// @return the bytes appended. @throws std::system_error with the error.
    task<std::size_t> read_until(std::string& out, std::string_view delimiter, timeout limit = {}) {
        std::error_code ec;
        const std::size_t n = co_await read_until(out, delimiter, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::read_until");
        co_return n;
    }

    /// Reads exactly `size` bytes (buffered ones first).
    /// @param data where to store them. @param size how many. @param ec set on failure
    ///        (errc::end_of_stream when the stream ends after some of them).
    /// @param limit how long in all. @return the bytes stored: `size`, or fewer on error,
    ///         0 with no error if the stream had ended before the first.
    task<std::size_t> read_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) {
        const portsock::detail::reader_deadline until(limit);
        auto* bytes = static_cast<char*>(data);
        std::size_t done = 0;
        if (!check_open(ec)) co_return 0;
        while (done < size) {
            const std::size_t n = co_await receive(bytes + done, size - done, ec, until.remaining());
            if (ec) break;
            if (n == 0) {
                if (done > 0) ec = make_error_code(errc::end_of_stream);
                break;
            }
            done += n;
        }
        co_return done;
    }
    /// See read_exact(void*, std::size_t, std::error_code&, timeout). @param data where.
    /// @param size how many. @param limit how long in all. @return the bytes stored.
    /// @throws std::system_error with the error.
    task<std::size_t> read_exact(void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t n = co_await read_exact(data, size, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::read_exact");
        co_return n;
    }

    /// Reads exactly `size` bytes and returns them (Python's `readexactly()`): the end of the
    /// stream before the last byte is an error, before the first one too.
    /// @param size how many. The string grows as the bytes arrive (64 KiB, then doubling),
    ///        not by `size` at once: a size announced by the peer costs memory only as far as
    ///        the peer really sends those bytes (std::bad_alloc if it cannot grow).
    /// @param ec set on failure: errc::end_of_stream, errc::message_too_long for a size no
    ///        std::string can hold (nothing is read then), and
    ///        read_exact(void*, std::size_t, std::error_code&, timeout)'s errors.
    /// @param limit how long in all. @return the bytes; those read (or none) on error.
    task<std::string> read_exact(std::size_t size, std::error_code& ec, timeout limit = {}) {
        std::string bytes;
        if (size > bytes.max_size()) {  // std::string would throw std::length_error
            ec = make_error_code(errc::message_too_long);
            co_return bytes;
        }
        const portsock::detail::reader_deadline until(limit);
        while (bytes.size() < size) {
            const std::size_t done = bytes.size();
            const std::size_t step = portsock::detail::next_exact_step(done, size);
            bytes.resize(done + step);
            const std::size_t n = co_await read_exact(bytes.data() + done, step, ec, until.remaining());
            bytes.resize(done + n);
            if (n < step) {
                if (!ec) ec = make_error_code(errc::end_of_stream);
                break;
            }
        }
        co_return bytes;
    }
    /// See read_exact(std::size_t, std::error_code&, timeout). @param size how many.
    /// @param limit how long in all. @return the bytes. @throws std::system_error with the
    ///         error (errc::end_of_stream included).
    task<std::string> read_exact(std::size_t size, timeout limit = {}) {
        std::error_code ec;
        std::string bytes = co_await read_exact(size, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::read_exact");
        co_return bytes;
    }

    /// Waits until `size` bytes are buffered (or the stream ends) without consuming them.
    /// @param size how many (at most max_size(): else errc::message_too_long).
    /// @param ec set on failure. @param limit how long in all.
    /// @return what is buffered: `size` bytes or more, fewer at the end of the stream or on
    ///         error. Valid until the next call.
    task<std::string_view> peek(std::size_t size, std::error_code& ec, timeout limit = {}) {
        if (!check_open(ec)) co_return std::string_view{};
        if (size > capacity_) {
            ec = make_error_code(errc::message_too_long);
            co_return buffered();
        }
        const portsock::detail::reader_deadline until(limit);
        while (end_ - begin_<size&& co_await fill(ec, until.remaining())> 0) {
        }
        co_return buffered();
    }
    /// See peek(std::size_t, std::error_code&, timeout). @param size how many.
    /// @param limit how long in all. @return what is buffered. @throws std::system_error.
    task<std::string_view> peek(std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::string_view view = co_await peek(size, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::peek");
        co_return view;
    }

    /// Receives some bytes: buffered ones first, else from the stream (so readers stack).
    /// @param data where to store. @param size the room. @param ec set on failure.
    /// @param limit how long. @return the count, 0 at the end of the stream or on error.
    task<std::size_t> receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) {
        if (!check_open(ec) || size == 0) co_return 0;
        if (begin_ == end_) {
            if (size >= capacity_) co_return co_await stream_->receive(data, size, ec, limit);
            if (co_await fill(ec, limit) == 0) co_return 0;
        }
        const std::size_t n = size < end_ - begin_ ? size : end_ - begin_;
        std::memcpy(data, data_.get() + begin_, n);
        consume(n);
        co_return n;
    }

    /// See receive(void*, std::size_t, std::error_code&, timeout). @param data where to store.
    /// @param size the room. @param limit how long. @return the count, 0 at the end of the stream.
    /// @throws std::system_error with the error.
    task<std::size_t> receive(void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t n = co_await receive(data, size, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::stream_reader::receive");
        co_return n;
    }

private:
    bool check_open(std::error_code& ec) const noexcept {
        if (data_) {
            ec.clear();
            return true;
        }
        ec = make_error_code(errc::not_open);
        return false;
    }

    // Receives once into the free end of the buffer (moving what is buffered to the front
    // when the end is full); returns the bytes added, 0 at the end of the stream or on error.
    task<std::size_t> fill(std::error_code& ec, timeout limit) {
        if (end_ == capacity_ && begin_ > 0) {
            std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        const std::size_t n = co_await stream_->receive(data_.get() + end_, capacity_ - end_, ec, limit);
        end_ += n;
        co_return n;
    }

    // Receives until buffered() holds `delimiter`; the record's length with it, or 0 (with
    // ec set, or clear at a clean end of stream).
    task<std::size_t> find_delimiter(std::string_view delimiter, std::error_code& ec, timeout limit) {
        if (!check_open(ec)) co_return 0;
        if (delimiter.empty() || delimiter.size() > capacity_) {
            ec = make_error_code(errc::invalid_argument);
            co_return 0;
        }
        const portsock::detail::reader_deadline until(limit);
        std::size_t scanned = 0;  // bytes of buffered() already searched
        for (;;) {
            const std::string_view have = buffered();
            const std::size_t from = scanned >= delimiter.size() ? scanned - (delimiter.size() - 1) : 0;
            const std::size_t at = have.find(delimiter, from);
            if (at != std::string_view::npos) co_return at + delimiter.size();
            scanned = have.size();
            if (have.size() == capacity_) {
                ec = make_error_code(errc::message_too_long);
                co_return 0;
            }
            if (co_await fill(ec, until.remaining()) > 0) continue;
            if (!ec && !buffered().empty()) ec = make_error_code(errc::end_of_stream);
            co_return 0;
        }
    }

    std::optional<Stream> owned_;  // the stream, when the reader owns it
    Stream* stream_ = nullptr;     // owned_'s, or the one the reader refers to
    std::size_t capacity_ = 0;
    portsock::detail::owned_chars data_;
    std::size_t begin_ = 0;  // buffered bytes are [begin_, end_)
    std::size_t end_ = 0;
};

}  // namespace portsock::async
