/// @file
/// portsock::const_buffer: a view of bytes to send, for gather writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace portsock {

/// A view of bytes to send: a pointer and a size in bytes, as asio's `const_buffer`.
///
/// It owns nothing and copies nothing: the bytes must stay valid while a call uses them.
/// An array of them is a *gather write*: tcp_stream::send_all(const const_buffer*, std::size_t, timeout)
/// sends a header and a body in one system call, without concatenating them first, and
/// udp_socket::send_to(const const_buffer*, std::size_t, const endpoint&, timeout) makes
/// one datagram of them.
///
/// @code
/// const std::string header = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
/// const portsock::const_buffer parts[] = {header, "hello"};
/// stream.send_all(parts, 2);
/// @endcode
///
/// @threadsafety A plain value.
class const_buffer {
public:
    /// An empty view.
    constexpr const_buffer() noexcept = default;

    /// Views `size` bytes at `data`.
    /// @param data the first byte. @param size how many bytes.
    constexpr const_buffer(const void* data, std::size_t size) noexcept : data_(data), size_(size) {}

    /// Views the characters of a string view.
    /// @param text the text.
    constexpr const_buffer(std::string_view text) noexcept  // NOLINT: implicit by design
        : data_(text.data()), size_(text.size()) {}

    /// Views a NUL-terminated string such as a literal, without its NUL (null: empty).
    /// @param text the text.
    constexpr const_buffer(const char* text) noexcept  // NOLINT: implicit by design
        : data_(text), size_(text ? std::char_traits<char>::length(text) : 0) {}

    /// Views the elements of a contiguous container of bytes or other trivially copyable
    /// values, such as `std::string`, `std::vector<std::byte>` or `std::array<char, N>`.
    /// @param bytes the container; its size in bytes is `size() * sizeof(element)`.
    template <class Contiguous,
              class Element = std::remove_pointer_t<decltype(std::declval<const Contiguous&>().data())>,
              class = std::enable_if_t<std::is_trivially_copyable_v<Element>>>
    constexpr const_buffer(const Contiguous& bytes) noexcept  // NOLINT: implicit by design
        : data_(bytes.data()), size_(bytes.size() * sizeof(Element)) {}

    /// The first byte.
    /// @return the pointer given.
    constexpr const void* data() const noexcept { return data_; }
    /// The size.
    /// @return the number of bytes.
    constexpr std::size_t size() const noexcept { return size_; }

private:
    const void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace portsock
