// POSIX port: the one EINTR retry loop of every call that returns ssize_t.
#pragma once

#include "platform.hpp"

#include <sys/types.h>

#include <cerrno>

namespace portsock::platform {

/// Runs `call` (returning ssize_t, -1 with errno on failure), retrying EINTR; returns the
/// count, or 0 with ec set.
template <class Call>
std::size_t io_result(Call call, std::error_code& ec) noexcept {
    for (;;) {
        const ssize_t n = call();
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR) {
            ec = last_error();
            return 0;
        }
    }
}

}  // namespace portsock::platform
