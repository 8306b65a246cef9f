// portsock::async streams: what the templates share.
#include <portsock/async/stream.hpp>

namespace portsock::async::detail {

// A socket created non-blocking (tcp_stream::start_connect(), accept_non_blocking()) needs
// no second system call to say so.
void make_non_blocking(basic_socket& socket) {
    if (!socket.is_non_blocking()) socket.set_non_blocking(true);
}

}  // namespace portsock::async::detail
