// Gather writes: turning the caller's const_buffer array into the platform's, a chunk at a
// time on the stack, from any point inside it.
#pragma once

#include "platform.hpp"

#include <portsock/buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <system_error>

namespace portsock::detail {

/// A position inside an array of buffers: the buffer, and the byte inside it.
struct gather_position {
    std::size_t index = 0;
    std::size_t offset = 0;
};

/// A null array of a non-zero count, or a null piece of a non-zero size, is
/// std::errc::invalid_argument before any byte goes: no OS is asked to read through null.
inline bool check_buffers(const const_buffer* buffers, std::size_t count, std::error_code& ec) noexcept {
    bool valid = buffers != nullptr || count == 0;
    for (std::size_t i = 0; valid && i < count; ++i)
        valid = buffers[i].data() != nullptr || buffers[i].size() == 0;
    if (valid) return true;
    ec = std::make_error_code(std::errc::invalid_argument);
    return false;
}

/// Fills `out` (room for platform::max_gather) with the bytes from `at` on, skipping empty
/// buffers; returns how many pieces it used (0: nothing left to send).
inline std::size_t gather_chunk(const const_buffer* buffers, std::size_t count, gather_position at,
                                platform::buffer* out) noexcept {
    std::size_t used = 0;
    for (std::size_t i = at.index; i < count && used < platform::max_gather; ++i, at.offset = 0) {
        if (buffers[i].size() <= at.offset) continue;
        out[used++] = {static_cast<const unsigned char*>(buffers[i].data()) + at.offset,
                       buffers[i].size() - at.offset};
    }
    return used;
}

/// How many bytes the buffers hold together (SIZE_MAX if more: only a message's count).
inline std::size_t total_size(const const_buffer* buffers, std::size_t count) noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (buffers[i].size() > SIZE_MAX - total) return SIZE_MAX;
        total += buffers[i].size();
    }
    return total;
}

/// Moves `at` forward by `sent` bytes.
inline void advance(const const_buffer* buffers, std::size_t count, gather_position& at,
                    std::size_t sent) noexcept {
    while (sent > 0 && at.index < count) {
        const std::size_t left = buffers[at.index].size() - at.offset;
        if (sent < left) {
            at.offset += sent;
            return;
        }
        sent -= left;
        ++at.index;
        at.offset = 0;
    }
}

}  // namespace portsock::detail
