// What both ports' local-socket files share: a path-named local_name as the NUL-terminated
// text the file calls (lstat, unlink, FindFirstFileA, DeleteFileA) take.
#pragma once

#include "platform.hpp"

#include <cstring>

namespace portsock::platform {

/// Copies a path-named local_name into `path` with its terminator; anything else is
/// std::errc::invalid_argument.
inline bool path_of(const local_name& name, char (&path)[local_name_capacity + 1],
                    std::error_code& ec) noexcept {
    if (name.kind != local_name::path) {
        ec = make_error(std::errc::invalid_argument);
        return false;
    }
    std::memcpy(path, name.text, name.size);
    path[name.size] = '\0';
    return true;
}

}  // namespace portsock::platform
