// POSIX port: the one EINTR retry loop of every call that returns ssize_t.
#pragma once

#include "platform.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <ctime>

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

/// Blocks SIGPIPE in this thread for the duration of a call that cannot suppress it
/// otherwise (no MSG_NOSIGNAL or SO_NOSIGPIPE for send(); Linux's sendfile(2), which takes
/// no flags), and consumes the one the call may have raised. No process-wide handler is
/// touched. Not needed (nor built: macOS lacks sigtimedwait) where SO_NOSIGPIPE is set on
/// every socket.
#if !PORTSOCK_HAVE_SO_NOSIGPIPE
class sigpipe_blocker {
public:
    sigpipe_blocker() noexcept {
        sigemptyset(&pipe_only_);
        sigaddset(&pipe_only_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_only_, &previous_);
    }
    ~sigpipe_blocker() {
        if (!was_pending_) {
            const timespec no_wait{0, 0};
            const int saved_errno = errno;
            while (sigtimedwait(&pipe_only_, nullptr, &no_wait) == SIGPIPE) {
            }
            errno = saved_errno;
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    sigpipe_blocker(const sigpipe_blocker&) = delete;
    sigpipe_blocker& operator=(const sigpipe_blocker&) = delete;

private:
    sigset_t pipe_only_{};
    sigset_t previous_{};
    bool was_pending_ = false;
};
#endif

}  // namespace portsock::platform
