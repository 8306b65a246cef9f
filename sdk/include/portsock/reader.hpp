/// @file
/// portsock::stream_reader: buffered reading of lines, delimited records and exact sizes
/// from any portsock stream, for protocol clients and servers.
#pragma once

#include <portsock/error.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock {

/// @cond INTERNAL
namespace detail {

// A reader's buffer: an owned array of chars. Not a std::unique_ptr<char[]>: instantiating one
// costs every file that includes a portsock header about 1.5 MiB of compiler memory, and
// <memory> 4 more (docs/performance.md, "Compile time").
class owned_chars {
public:
    explicit owned_chars(char* adopted = nullptr) noexcept : data_(adopted) {}
    owned_chars(owned_chars&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}
    owned_chars& operator=(owned_chars&& other) noexcept {
        if (this != &other) {
            delete[] data_;
            data_ = std::exchange(other.data_, nullptr);
        }
        return *this;
    }
    ~owned_chars() { delete[] data_; }

    char* get() const noexcept { return data_; }
    char& operator[](std::size_t i) const noexcept { return data_[i]; }
    explicit operator bool() const noexcept { return data_ != nullptr; }

private:
    char* data_;
};

// The end of a timeout, so each receive of a multi-receive call gets what is left.
class reader_deadline {
public:
    explicit reader_deadline(timeout limit) noexcept
        : limit_(limit),
          end_(limit.milliseconds() > 0
                   ? add_saturating(clock::now(), std::chrono::milliseconds(limit.milliseconds()))
                   : clock::time_point{}) {}

    timeout remaining() const noexcept {
        if (limit_.milliseconds() <= 0) return limit_;  // infinite, or only look
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - clock::now());
        return left.count() > 0 ? timeout(left) : timeout(std::chrono::milliseconds(0));
    }

private:
    using clock = std::chrono::steady_clock;
    timeout limit_;
    clock::time_point end_;
};

// How much more of an exact read to make room for: 64 KiB first, then as much again as has
// arrived, so that the string grows with what the peer really sends, in few steps.
inline std::size_t next_exact_step(std::size_t done, std::size_t size) noexcept {
    constexpr std::size_t first_step = 64 * 1024;
    const std::size_t step = done < first_step ? first_step : done;
    return size - done < step ? size - done : step;
}

}  // namespace detail
/// @endcond

/// Reads lines, delimited records and exact sizes from a stream, through a buffer it owns.
///
/// Works over any portsock stream (tcp_stream, local_stream, tls_stream) and any type with
/// the member
/// @code
/// std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept;
/// @endcode
/// that returns 0 with no error at the end of the stream. The reader itself has that
/// member, so readers can be stacked and generic code can take either. Given a stream
/// object, the reader keeps a reference to it: the stream must outlive the reader. Given a
/// temporary (an rvalue), the reader owns the stream and closes it when destroyed:
/// @code
/// portsock::stream_reader http(portsock::tcp_stream::connect({"example.com", 80}));
/// http.stream().send_all("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
/// std::string status;
/// http.read_line(status);
/// @endcode
/// Either way, sending goes to stream() directly (the reader only reads).
///
/// @snippet protocol_client.cpp http_get
///
/// **Limits.** The buffer is allocated once, by the constructor, with room for `max_size`
/// bytes; it never grows. read_line() and read_until() need the whole record, delimiter
/// included, in the buffer: a peer that sends more than `max_size` bytes without the
/// delimiter gets errc::message_too_long, never an ever-growing buffer. read_exact() has no
/// such limit: the caller names the size (check a size that came from the peer first).
///
/// **End of stream.** A read that finds the stream ended *before its first byte* (at a
/// record boundary) returns 0 with no error, as tcp_stream::receive() does. A stream that
/// ends *inside* a record (a line with no terminator, an exact read cut short) is
/// errc::end_of_stream; for read_line() and read_until() the partial record stays in
/// buffered().
///
/// **Errors keep the data.** When read_line(), read_until() or peek() fail (timeout,
/// would-block in non-blocking mode, message_too_long, end_of_stream) nothing is consumed:
/// the bytes read so far stay buffered and the same call may be made again. read_exact()
/// and receive() hand over bytes as they arrive; their return value says how many.
///
/// **Allocation.** Reads append to the caller's `std::string`; once it has the capacity,
/// no read allocates (the buffer forms never do). Every call takes a timeout for the
/// whole call, as the stream's do; an expired one is std::errc::timed_out.
///
/// Every fallible call comes in two forms: one throws std::system_error, the other sets a
/// std::error_code (cleared on success). The forms that append to a `std::string` may
/// still throw std::bad_alloc in their error-code form.
///
/// @tparam Stream the stream type, e.g. tcp_stream.
/// @threadsafety Not thread-safe: one thread reads through a reader at a time. Another
/// thread may send on the stream meanwhile, as portsock::basic_socket allows.
/// @see @ref protocol_client "Writing a protocol client"
template <class Stream>
class stream_reader {
public:
    /// The default `max_size`: 64 KiB, asyncio's StreamReader limit.
    static constexpr std::size_t default_max_size = 64 * 1024;

private:
    static constexpr bool nothrow_movable =
        std::is_nothrow_move_constructible_v<Stream> && std::is_nothrow_move_assignable_v<Stream>;

public:
    /// Makes a reader over `stream` with a buffer of `max_size` bytes.
    /// @param stream the stream to read from; it must outlive the reader.
    /// @param max_size the buffer's size in bytes: the longest line or delimited record,
    ///        delimiter included (a `max_size` of 0 counts as 1).
    /// @throws std::bad_alloc if the buffer cannot be allocated (the only allocation).
    explicit stream_reader(Stream& stream, std::size_t max_size = default_max_size)
        : stream_(&stream), capacity_(max_size == 0 ? 1 : max_size), data_(new char[capacity_]) {}

    /// Makes a reader that owns `stream` (moved in), with a buffer of `max_size` bytes: the
    /// form for a stream fresh from connect(), which then lives as long as the reader. Class
    /// template argument deduction picks it for an rvalue, as it picks the referring form
    /// for an lvalue.
    /// @param stream the stream to read from, moved into the reader.
    /// @param max_size as for stream_reader(Stream&, std::size_t).
    /// @throws std::bad_alloc if the buffer cannot be allocated (the stream is closed then).
    explicit stream_reader(Stream&& stream, std::size_t max_size = default_max_size)
        : owned_(std::move(stream)),
          stream_(&*owned_),
          capacity_(max_size == 0 ? 1 : max_size),
          data_(new char[capacity_]) {}

    /// Takes the stream (owned or referred to) and the buffered bytes of `other`, which is
    /// left empty: every read on it reports errc::not_open.
    /// @param other the source.
    stream_reader(stream_reader&& other) noexcept(nothrow_movable) { *this = std::move(other); }

    /// Takes the stream (owned or referred to) and the buffered bytes of `other`, which is
    /// left empty. A stream this reader owned is closed first.
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

    /// The buffer's size: the longest record read_line() and read_until() accept.
    /// @return the size in bytes; 0 for a moved-from reader.
    std::size_t max_size() const noexcept { return capacity_; }

    /// The bytes received but not yet read, without waiting or consuming them.
    /// @return a view of them, valid until the next call that reads or consumes.
    std::string_view buffered() const noexcept { return {data_.get() + begin_, end_ - begin_}; }

    /// Drops bytes from the front of buffered(), e.g. after peek().
    /// @param size how many; more than are buffered drops them all.
    void consume(std::size_t size) noexcept {
        begin_ += size < end_ - begin_ ? size : end_ - begin_;
        if (begin_ == end_) begin_ = end_ = 0;
    }

    /// Reads one line and appends it to `line` without its terminator (`"\n"` or `"\r\n"`).
    ///
    /// @param line where the line is appended. @param limit how long the call may take.
    /// @return the bytes consumed, terminator included; **0 means the stream ended** at a
    ///         line boundary (an empty line returns 1 or 2).
    /// @throws std::system_error on failure; see the error-code form.
    std::size_t read_line(std::string& line, timeout limit = {}) {
        return or_throw_record("portsock::stream_reader::read_line", "\n",
                               [&](std::error_code& ec) { return read_line(line, ec, limit); });
    }

    /// Reads one line; see read_line(std::string&, timeout).
    /// @param line where the line is appended. @param ec set on failure.
    /// @param limit how long the call may take.
    /// @return the bytes consumed, terminator included; 0 at the end of the stream or on error.
    /// @errors errc::message_too_long (no `"\n"` within max_size() bytes),
    /// errc::end_of_stream (the stream ended inside a line), std::errc::timed_out,
    /// std::errc::operation_would_block (non-blocking stream), and the stream's receive()
    /// errors. Nothing is consumed on error.
    /// @throws std::bad_alloc if `line` must grow and cannot.
    std::size_t read_line(std::string& line, std::error_code& ec, timeout limit = {}) {
        const std::size_t length = find_delimiter("\n", ec, limit);
        if (length == 0) return 0;
        std::size_t text = length - 1;
        if (text > 0 && data_[begin_ + text - 1] == '\r') --text;
        line.append(data_.get() + begin_, text);
        consume(length);
        return length;
    }

    /// Reads up to and including `delimiter` and appends it all to `out`.
    /// @param out where the bytes are appended. @param delimiter what ends the record; not empty.
    /// @param limit how long the call may take.
    /// @return the bytes appended, delimiter included; 0 means the stream ended at a boundary.
    /// @throws std::system_error on failure; see the error-code form.
    std::size_t read_until(std::string& out, std::string_view delimiter, timeout limit = {}) {
        return or_throw_record("portsock::stream_reader::read_until", delimiter,
                               [&](std::error_code& ec) { return read_until(out, delimiter, ec, limit); });
    }

    /// Reads up to and including a delimiter; see read_until(std::string&, std::string_view, timeout).
    /// @param out where the bytes are appended. @param delimiter what ends the record.
    /// @param ec set on failure. @param limit how long the call may take.
    /// @return the bytes appended; 0 at the end of the stream or on error.
    /// @errors errc::invalid_argument (an empty delimiter, or one longer than max_size()),
    /// errc::message_too_long (no delimiter within max_size() bytes), errc::end_of_stream
    /// (the stream ended inside a record), std::errc::timed_out,
    /// std::errc::operation_would_block, and the stream's receive() errors. Nothing is
    /// consumed on error.
    /// @throws std::bad_alloc if `out` must grow and cannot.
    std::size_t read_until(std::string& out, std::string_view delimiter, std::error_code& ec,
                           timeout limit = {}) {
        const std::size_t length = find_delimiter(delimiter, ec, limit);
        out.append(data_.get() + begin_, length);
        consume(length);
        return length;
    }

    /// Drops everything up to and including `delimiter`, however long: the way past a
    /// record that read_line() or read_until() refused as errc::message_too_long.
    ///
    /// @code
    /// if (reader.read_line(line, ec); ec == portsock::errc::message_too_long)
    ///     reader.skip_until("\n");  // drop the over-long line, read the next one
    /// @endcode
    /// @param delimiter what ends the record; not empty, at most max_size() bytes.
    /// @param limit how long the call may take.
    /// @return the bytes dropped, delimiter included; 0 if the stream ended first with nothing buffered.
    /// @throws std::system_error on failure; see the error-code form.
    std::size_t skip_until(std::string_view delimiter, timeout limit = {}) {
        return or_throw("portsock::stream_reader::skip_until",
                        [&](std::error_code& ec) { return skip_until(delimiter, ec, limit); });
    }

    /// Drops everything up to and including `delimiter`; see skip_until(std::string_view, timeout).
    /// @param delimiter what ends the record. @param ec set on failure.
    /// @param limit how long the call may take.
    /// @return the bytes dropped, also on error (they are gone).
    /// @errors errc::invalid_argument (an empty delimiter, or one longer than max_size()),
    /// errc::end_of_stream (the stream ended before the delimiter), std::errc::timed_out,
    /// std::errc::operation_would_block, and the stream's receive() errors.
    std::size_t skip_until(std::string_view delimiter, std::error_code& ec, timeout limit = {}) noexcept {
        if (!check_open(ec)) return 0;
        if (delimiter.empty() || delimiter.size() > capacity_) {
            ec = make_error_code(errc::invalid_argument);
            return 0;
        }
        const detail::reader_deadline until(limit);
        std::size_t dropped = 0;
        for (;;) {
            const std::string_view have = buffered();
            const std::size_t at = have.find(delimiter);
            if (at != std::string_view::npos) {
                consume(at + delimiter.size());
                return dropped + at + delimiter.size();
            }
            // Keep only a tail that may be the start of a split delimiter.
            const std::size_t keep = have.size() < delimiter.size() ? have.size() : delimiter.size() - 1;
            dropped += have.size() - keep;
            consume(have.size() - keep);
            if (fill(ec, until.remaining()) > 0) continue;
            if (!ec && (dropped > 0 || !buffered().empty())) ec = make_error_code(errc::end_of_stream);
            return dropped;
        }
    }

    /// Reads exactly `size` bytes into `data`, waiting for as many arrivals as it takes.
    /// Large reads go from the stream straight into `data`, past the buffer.
    /// @param data where to put them. @param size how many. @param limit how long the call may take.
    /// @return `size`; or 0 if the stream ended before the first byte (for `size > 0`).
    /// @throws std::system_error on failure; see the error-code form.
    std::size_t read_exact(void* data, std::size_t size, timeout limit = {}) {
        return or_throw("portsock::stream_reader::read_exact",
                        [&](std::error_code& ec) { return read_exact(data, size, ec, limit); });
    }

    /// Reads exactly `size` bytes; see read_exact(void*, std::size_t, timeout).
    /// @param data where to put them. @param size how many. @param ec set on failure.
    /// @param limit how long the call may take.
    /// @return how many bytes were stored: `size` on success, 0 if the stream ended at a
    ///         boundary, and on error the bytes that arrived before it (they are consumed).
    /// @errors errc::end_of_stream (the stream ended after some bytes), std::errc::timed_out,
    /// std::errc::operation_would_block, and the stream's receive() errors.
    std::size_t read_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        const detail::reader_deadline until(limit);
        auto* bytes = static_cast<char*>(data);
        std::size_t done = 0;
        if (!check_open(ec)) return 0;
        while (done < size) {
            const std::size_t n = receive(bytes + done, size - done, ec, until.remaining());
            if (ec) break;
            if (n == 0) {
                if (done > 0) ec = make_error_code(errc::end_of_stream);
                break;
            }
            done += n;
        }
        return done;
    }

    /// Reads exactly `size` bytes and appends them to `out`.
    /// @param out where the bytes are appended. @param size how many. @param limit how long the call may
    /// take.
    /// @return `size`; or 0 if the stream ended before the first byte.
    /// @throws std::system_error on failure; see read_exact(void*, std::size_t, std::error_code&, timeout).
    std::size_t read_exact(std::string& out, std::size_t size, timeout limit = {}) {
        return or_throw("portsock::stream_reader::read_exact",
                        [&](std::error_code& ec) { return read_exact(out, size, ec, limit); });
    }

    /// Reads exactly `size` bytes and appends them to `out`; see
    /// read_exact(void*, std::size_t, std::error_code&, timeout) for the result and errors.
    /// On error `out` keeps the bytes that arrived. `out` grows as the bytes arrive (64 KiB,
    /// then doubling), not by `size` at once: a size announced by the peer costs memory only
    /// as far as the peer really sends those bytes.
    /// @param out where the bytes are appended. @param size how many. @param ec set on failure.
    /// @param limit how long the call may take. @return how many bytes were appended.
    /// @throws std::bad_alloc if `out` must grow and cannot (`out` keeps the bytes read).
    std::size_t read_exact(std::string& out, std::size_t size, std::error_code& ec, timeout limit = {}) {
        const detail::reader_deadline until(limit);
        const std::size_t old_size = out.size();
        std::size_t done = 0;
        while (done < size) {
            const std::size_t step = detail::next_exact_step(done, size);
            out.resize(old_size + done + step);
            const std::size_t n = read_exact(&out[old_size + done], step, ec, until.remaining());
            out.resize(old_size + done + n);
            const bool cut = n < step;
            if (cut && !ec && done > 0) ec = make_error_code(errc::end_of_stream);
            done += n;
            if (cut) break;
        }
        return done;
    }

    /// Waits until at least `size` bytes are buffered (or the stream ends) and shows them,
    /// without consuming anything; consume() drops them once used.
    /// @param size how many bytes to wait for; at most max_size().
    /// @param limit how long the call may take.
    /// @return buffered(): `size` bytes or more, fewer only if the stream ended (empty at its end).
    /// @throws std::system_error on failure; see the error-code form.
    std::string_view peek(std::size_t size, timeout limit = {}) {
        return or_throw("portsock::stream_reader::peek",
                        [&](std::error_code& ec) { return peek(size, ec, limit); });
    }

    /// Waits for and shows `size` buffered bytes; see peek(std::size_t, timeout).
    /// @param size how many bytes to wait for. @param ec set on failure.
    /// @param limit how long the call may take. @return buffered(), whatever the outcome.
    /// @errors errc::message_too_long (`size` is more than max_size()), std::errc::timed_out,
    /// std::errc::operation_would_block, and the stream's receive() errors.
    std::string_view peek(std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        if (!check_open(ec)) return {};
        if (size > capacity_) {
            ec = make_error_code(errc::message_too_long);
            return buffered();
        }
        const detail::reader_deadline until(limit);
        while (end_ - begin_ < size && fill(ec, until.remaining()) > 0) {
        }
        return buffered();
    }

    /// Receives some bytes: what is buffered, else what one receive() of the stream gives.
    /// The same member as the stream's, so a reader is itself a stream.
    /// @param data where to put them. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait.
    /// @return how many bytes were stored; 0 at the end of the stream (for `size > 0`) or on error.
    /// @errors As the stream's receive().
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        if (!check_open(ec) || size == 0) return 0;
        if (begin_ == end_) {
            // A read as large as the buffer gains nothing from it: go straight to the caller.
            if (size >= capacity_) return stream_->receive(data, size, ec, limit);
            if (fill(ec, limit) == 0) return 0;
        }
        const std::size_t n = size < end_ - begin_ ? size : end_ - begin_;
        std::memcpy(data, data_.get() + begin_, n);
        consume(n);
        return n;
    }

    /// Receives some bytes; see receive(void*, std::size_t, std::error_code&, timeout).
    /// @param data where to put them. @param size the room there. @param limit how long to wait.
    /// @return how many bytes were stored; 0 means end of stream.
    /// @throws std::system_error on failure.
    std::size_t receive(void* data, std::size_t size, timeout limit = {}) {
        return or_throw("portsock::stream_reader::receive",
                        [&](std::error_code& ec) { return receive(data, size, ec, limit); });
    }

private:
    template <class Call>
    static auto or_throw(const char* what, Call&& call) {
        std::error_code ec;
        auto result = call(ec);
        if (ec) throw std::system_error(ec, what);
        return result;
    }

    // or_throw() for a record read: a record too long says the limit and the way past it.
    template <class Call>
    auto or_throw_record(const char* what, std::string_view delimiter, Call&& call) {
        std::error_code ec;
        auto result = call(ec);
        if (ec == errc::message_too_long) {
            const bool newline = delimiter == "\n";
            throw std::system_error(ec, std::string(what) + ": no " + (newline ? "newline" : "delimiter") +
                                            " within the reader's max_size() of " +
                                            std::to_string(capacity_) + " bytes; skip_until(" +
                                            (newline ? "\"\\n\"" : "delimiter") + ") drops the record");
        }
        if (ec) throw std::system_error(ec, what);
        return result;
    }

    // Clears ec, or sets errc::not_open for a moved-from reader.
    bool check_open(std::error_code& ec) const noexcept {
        if (data_) {
            ec.clear();
            return true;
        }
        ec = make_error_code(errc::not_open);
        return false;
    }

    // Receives once into the free end of the buffer, first moving the buffered bytes to
    // the front if the end is full. Returns the bytes added: 0 at the end of the stream or
    // on error.
    std::size_t fill(std::error_code& ec, timeout limit) noexcept {
        if (end_ == capacity_ && begin_ > 0) {
            std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        const std::size_t n = stream_->receive(data_.get() + end_, capacity_ - end_, ec, limit);
        end_ += n;
        return n;
    }

    // Receives until buffered() holds `delimiter`; returns the length of the record up to
    // and including it, or 0 with ec set (or with no error at a clean end of stream).
    std::size_t find_delimiter(std::string_view delimiter, std::error_code& ec, timeout limit) noexcept {
        if (!check_open(ec)) return 0;
        if (delimiter.empty() || delimiter.size() > capacity_) {
            ec = make_error_code(errc::invalid_argument);
            return 0;
        }
        const detail::reader_deadline until(limit);
        std::size_t scanned = 0;  // bytes of buffered() already searched
        for (;;) {
            // Search only what is new, plus a tail where a delimiter may have been split.
            const std::string_view have = buffered();
            const std::size_t from = scanned >= delimiter.size() ? scanned - (delimiter.size() - 1) : 0;
            const std::size_t at = have.find(delimiter, from);
            if (at != std::string_view::npos) return at + delimiter.size();
            scanned = have.size();
            if (have.size() == capacity_) {
                ec = make_error_code(errc::message_too_long);
                return 0;
            }
            if (fill(ec, until.remaining()) > 0) continue;
            // The end of the stream inside a record cuts it; at a boundary it is no error.
            if (!ec && !buffered().empty()) ec = make_error_code(errc::end_of_stream);
            return 0;
        }
    }

    std::optional<Stream> owned_;  // the stream, when the reader owns it
    Stream* stream_ = nullptr;     // owned_'s, or the one the reader refers to
    std::size_t capacity_ = 0;
    detail::owned_chars data_;
    std::size_t begin_ = 0;  // buffered bytes are [begin_, end_)
    std::size_t end_ = 0;
};

}  // namespace portsock
